package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patternc/patternc/internal/conformance"
)

// runCLI runs patternc in-process and returns its exit code and output.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestConformanceThroughCLI runs every conformance case through
// `patternc test`, byte-exact, checking the 0/1/2 exit contract.
func TestConformanceThroughCLI(t *testing.T) {
	cases, err := conformance.Load("../../testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != conformance.Total {
		t.Errorf("loaded %d cases, want %d", len(cases), conformance.Total)
	}
	passed := map[string]int{}
	for _, tc := range cases {
		args := []string{"test", "--pattern", string(tc.Pattern), "--input", "-"}
		switch tc.Dialect {
		case "eventbridge":
			args = append(args, "--dialect", "eventbridge")
		case "sns-attributes":
			args = append(args, "--dialect", "sns", "--scope", "MessageAttributes")
		case "sns-body":
			args = append(args, "--dialect", "sns", "--scope", "MessageBody")
		}
		code, _, stderr := runCLI(t, string(tc.Input), args...)
		want := map[string]int{"match": 0, "no-match": 1, "invalid": 2}[tc.Expect]
		if code != want {
			t.Errorf("%s / %s: exit %d, want %d\nstderr: %s", tc.File, tc.Name, code, want, stderr)
			continue
		}
		if tc.Expect == "invalid" && !strings.Contains(stderr, tc.Error) {
			t.Errorf("%s / %s: stderr %q lacks %q", tc.File, tc.Name, stderr, tc.Error)
			continue
		}
		passed[tc.Expect]++
	}
	t.Logf("%d cases through patternc test: %d match, %d no-match, %d invalid", passed["match"]+passed["no-match"]+passed["invalid"], passed["match"], passed["no-match"], passed["invalid"])
}

func TestTestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	// A 10 MB pattern file: refused with a clear message, no hang.
	var b strings.Builder
	b.WriteString(`{"source": [`)
	for b.Len() < 10<<20 {
		b.WriteString(`"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",`)
	}
	b.WriteString(`"x"]}`)
	if err := os.WriteFile(big, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	event := `{"id":"1","account":"1","source":"a","time":"t","region":"r","detail-type":"d"}`
	notJSON := filepath.Join(dir, "event.txt")
	if err := os.WriteFile(notJSON, []byte("nope"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		pattern string
		input   string
		stderr  string
	}{
		{"malformed JSON", `{"source": [`, event, "failed to parse JSON"},
		{"deep nesting", strings.Repeat(`{"a":`, 10000) + `["x"]` + strings.Repeat("}", 10000), event, "nesting deeper"},
		{"huge number", `{"n": [{"numeric": ["<", 1e400]}]}`, event, "Cannot compare number : 1e400"},
		{"invalid UTF-8", "{\"source\": [\"\xff\"]}", event, "invalid UTF-8"},
		{"10 MB file", big, event, "more than EventBridge's default quota"},
		{"missing file", filepath.Join(dir, "nope.json"), event, "no such file"},
		{"input not an event", `{"source": ["a"]}`, `{"source": "a"}`, "the input is not valid (the pattern is fine): Parameter Event is not valid."},
		{"input not JSON", `{"source": ["a"]}`, notJSON, "Parameter Event is not valid."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", "test", "--pattern", tc.pattern, "--input", tc.input)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %s", code, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("stderr %q lacks %q", stderr, tc.stderr)
			}
		})
	}
}

func TestTestExplain(t *testing.T) {
	event := `{"id":"1","account":"1","source":"a","time":"t","region":"r","detail-type":"d","detail":{"n":5}}`
	code, out, _ := runCLI(t, "", "test", "--explain", "--pattern", `{"detail":{"n":[{"numeric":[">",9]}]}}`, "--input", event)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(out, `detail.n: 5 does not match {"numeric": [">", 9]}`) {
		t.Fatalf("explanation missing the deciding field:\n%s", out)
	}
}

// TestTestBadInput: an unusable input (event or Publish request) is exit 2
// with a message that blames the input, not the pattern; a large but
// valid event is matched, not refused.
func TestTestBadInput(t *testing.T) {
	const env = `"id":"1","account":"1","source":"a","time":"t","region":"r","detail-type":"d"`
	var big strings.Builder
	big.WriteString(`{` + env + `,"detail":{"items":[`)
	for big.Len() < 10<<20 {
		big.WriteString(`{"name":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},`)
	}
	big.WriteString(`{"name":"needle"}]}}`)
	tests := []struct {
		name    string
		args    []string
		stdin   string
		code    int
		message string
	}{
		{"event not JSON", []string{"--pattern", `{"source":["a"]}`, "--input", "-"}, `{"id": `, 2, "the input is not valid (the pattern is fine): Parameter Event is not valid. (the event could not be read as JSON: 1:8: unexpected end of input"},
		{"event an array", []string{"--pattern", `{"source":["a"]}`, "--input", "-"}, `[{` + env + `}]`, 2, "Parameter Event is not valid. (the event must be a JSON object)"},
		{"event 10000 deep", []string{"--pattern", `{"source":["a"]}`, "--input", "-"}, `{` + env + `,"x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`, 2, "nesting deeper than the limit of 1000 levels"},
		{"event invalid UTF-8", []string{"--pattern", `{"source":["a"]}`, "--input", "-"}, `{` + env + `,"x":"` + "\xed\xa0\x80" + `"}`, 2, "invalid UTF-8 byte 0xed inside a string"},
		{"event 1e400", []string{"--pattern", `{"detail":{"n":[{"numeric":[">",0]}]}}`, "--input", "-"}, `{` + env + `,"detail":{"n":1e400}}`, 1, ""},
		{"event 10 MB", []string{"--pattern", `{"detail":{"items":{"name":["needle"]}}}`, "--input", "-"}, big.String(), 0, ""},
		{"publish not JSON", []string{"--dialect", "sns", "--pattern", `{"a":["x"]}`, "--input", "-"}, `Message=hi`, 2, "the input is not valid (the pattern is fine): the Publish request is not valid JSON"},
		{"publish bad attribute", []string{"--dialect", "sns", "--pattern", `{"a":["x"]}`, "--input", "-"}, `{"Message":"m","MessageAttributes":{"a":"x"}}`, 2, `message attribute "a" must be an object with DataType and StringValue`},
		{"publish bad number", []string{"--dialect", "sns", "--pattern", `{"a":["x"]}`, "--input", "-"}, `{"Message":"m","MessageAttributes":{"a":{"DataType":"Number","StringValue":"ten"}}}`, 2, `Number value "ten" is not a number`},
		{"body not an object is no match", []string{"--dialect", "sns", "--scope", "MessageBody", "--pattern", `{"a":["x"]}`, "--input", "-"}, `{"Message":"[1,2]"}`, 1, ""},
		{"missing input", []string{"--pattern", `{"source":["a"]}`}, ``, 2, "test needs --pattern and --input"},
		{"both from stdin", []string{"--pattern", "-", "--input", "-"}, `{}`, 2, "only one of --pattern and --input can read standard input"},
		{"input file missing", []string{"--pattern", `{"source":["a"]}`, "--input", "no-such-event.json"}, ``, 2, "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.stdin, append([]string{"test"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %.300s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.message) {
				t.Fatalf("stderr %.400q lacks %q", stderr, tc.message)
			}
		})
	}
}

// TestTestArgumentForms: P and INPUT may be inline JSON, a file, or -.
func TestTestArgumentForms(t *testing.T) {
	dir := t.TempDir()
	pattern := filepath.Join(dir, "p.json")
	event := filepath.Join(dir, "e.json")
	ev := `{"id":"1","account":"1","source":"a","time":"t","region":"r","detail-type":"d"}`
	if err := os.WriteFile(pattern, []byte(`{"source":["a"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(event, []byte(ev), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--pattern", pattern, "--input", event},
		{"--pattern", `{"source":["a"]}`, "--input", event},
		{"--pattern", pattern, "--input", ev},
		{"--pattern", "-", "--input", ev, "stdin:" + `{"source":["a"]}`},
		{"--pattern", pattern, "--input", "-", "stdin:" + ev},
		{"-p", ` {"source":["a"]}`, "-i", event},
	} {
		stdin := ""
		if last := args[len(args)-1]; strings.HasPrefix(last, "stdin:") {
			stdin, args = strings.TrimPrefix(last, "stdin:"), args[:len(args)-1]
		}
		code, out, stderr := runCLI(t, stdin, append([]string{"test"}, args...)...)
		if code != 0 || out != "match\n" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 0 and match", args, code, out, stderr)
		}
	}
}
