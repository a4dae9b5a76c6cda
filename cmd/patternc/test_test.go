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
		}
	}
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
