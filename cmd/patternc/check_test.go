package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

const diagDir = "../../testdata/diagnostics"

// TestCheckGolden runs `patternc check` on every file of
// testdata/diagnostics and compares exit code, stdout and stderr with the
// file's .golden twin. The file name's first part names the dialect
// (eventbridge-, sns-attributes-, sns-body-). Run with -update to rewrite.
func TestCheckGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(diagDir, "*.json"))
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, f := range files {
		base := filepath.Base(f)
		t.Run(base, func(t *testing.T) {
			args := []string{"check", "--dialect", "eventbridge"}
			switch {
			case strings.HasPrefix(base, "sns-attributes-"):
				args = []string{"check", "--dialect", "sns", "--scope", "MessageAttributes"}
			case strings.HasPrefix(base, "sns-body-"):
				args = []string{"check", "--dialect", "sns", "--scope", "MessageBody"}
			}
			code, stdout, stderr := runCLI(t, "", append(args, f)...)
			got := fmt.Sprintf("exit %d\n%s%s", code, stdout, stderr)
			got = strings.ReplaceAll(got, diagDir+"/", "")
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Fatalf("got:\n%s\nwant:\n%s", got, want)
			}
			// The contract: 0 valid, 2 invalid; an error names file:line:col.
			if code != 0 && code != 2 {
				t.Fatalf("exit %d, want 0 or 2", code)
			}
		})
	}
}

// TestCheckExitCodes pins check's exit contract over several files,
// standard input and flag errors.
func TestCheckExitCodes(t *testing.T) {
	valid := filepath.Join(diagDir, "eventbridge-valid.json")
	invalid := filepath.Join(diagDir, "eventbridge-unknown-operator.json")
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"all valid", "", []string{"check", valid, valid}, 0, "valid eventbridge pattern (2 clauses)", ""},
		{"one invalid", "", []string{"check", valid, invalid, valid}, 2, "eventbridge-valid.json: valid", "1 of 3 files invalid"},
		{"quiet", "", []string{"check", "-q", valid}, 0, "", ""},
		{"stdin valid", `{"source": ["a"]}`, []string{"check", "-"}, 0, "<stdin>: valid eventbridge pattern (1 clause)", ""},
		{"stdin invalid", `{"source": "a"}`, []string{"check", "-"}, 2, "", `<stdin>:1:12: error[E102]: "source" must be an object or an array`},
		{"sns default scope is attributes", `{"a": {"b": ["x"]}}`, []string{"check", "--dialect", "sns", "-"}, 2, "", "Filter policy scope MessageAttributes does not support nested filter policy"},
		{"sns body scope nests", `{"a": {"b": ["x"]}}`, []string{"check", "--dialect", "sns", "--scope", "MessageBody", "-"}, 0, "valid sns-body pattern", ""},
		{"bad scope", `{}`, []string{"check", "--dialect", "sns", "--scope", "Body", "-"}, 2, "", "Invalid parameter: FilterPolicyScope: Invalid value [Body]. Please use either MessageBody or MessageAttributes"},
		{"scope without sns", `{}`, []string{"check", "--scope", "MessageBody", "-"}, 2, "", "--scope applies only to the sns dialect"},
		{"bad dialect", `{}`, []string{"check", "--dialect", "sqs", "-"}, 2, "", `unknown dialect "sqs"`},
		{"no files", "", []string{"check"}, 2, "", "requires at least 1 arg"},
		{"missing file", "", []string{"check", "does-not-exist.json"}, 2, "", "no such file"},
		{"warnings keep exit 0", `{"n": [5e10]}`, []string{"check", "-"}, 0, "valid", "warning[W103]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("stdout %q, stderr %q; want them to contain %q and %q", stdout, stderr, tc.stdout, tc.stderr)
			}
		})
	}
}

// TestCheckBadInput feeds check every kind of hostile file: each gets exit
// 2 and a message that says what is wrong, never a panic or a hang.
func TestCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var big strings.Builder
	big.WriteString(`{"source": [`)
	for big.Len() < 10<<20 {
		big.WriteString(`"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",`)
	}
	big.WriteString(`"x"]}`)
	var huge strings.Builder
	huge.WriteString(`{"a": [`)
	for huge.Len() < 17<<20 {
		huge.WriteString(`"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",`)
	}
	huge.WriteString(`"x"]}`)
	deep := strings.Repeat(`{"a":`, 10000) + `["x"]` + strings.Repeat("}", 10000)
	deepArrays := `{"a": ` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`
	tests := []struct {
		name    string
		data    []byte
		dialect []string
		stderr  string
	}{
		{"malformed JSON", []byte(`{"source": ["a"`), nil, "x.json:1:16: error[E001]: failed to parse JSON: unexpected end of input: expected ',' or ']' in array"},
		{"empty file", []byte(``), nil, "error[E001]: failed to parse JSON: unexpected end of input: expected a JSON value"},
		{"binary garbage", []byte("\x00\x01\x02"), nil, "error[E001]: failed to parse JSON: unexpected control character 0x00"},
		{"10000-deep objects", []byte(deep), nil, "error[E003]: failed to parse JSON: nesting deeper than the limit of 100 levels"},
		{"10000-deep arrays", []byte(deepArrays), nil, "error[E003]"},
		{"1e400 in numeric", []byte(`{"n": [{"numeric": [">", 1e400]}]}`), nil, "error[E210]: Cannot compare number : 1e400"},
		{"1e400 in sns numeric", []byte(`{"n": [{"numeric": ["=", 1e400]}]}`), []string{"--dialect", "sns"}, "error[E210]: Cannot compare number : 1e400"},
		{"invalid UTF-8 in a string", []byte("{\"source\": [\"\xc3\x28\"]}"), nil, "x.json:1:14: error[E004]: failed to parse JSON: invalid UTF-8 byte 0xc3 inside a string"},
		{"invalid UTF-8 outside strings", []byte("{\xff}"), nil, "failed to parse JSON: unexpected invalid UTF-8 byte 0xff"},
		{"10 MB pattern", []byte(big.String()), nil, "error[E002]: pattern is"},
		{"10 MB policy", []byte(big.String()), []string{"--dialect", "sns"}, "error[E002]: pattern is"},
		{"17 MB file", []byte(huge.String()), nil, "error[E002]: failed to parse JSON: document is"},
		{"long number", []byte(`{"n": [1` + strings.Repeat("0", 5000) + `]}`), nil, "error[E001]: failed to parse JSON: number is 5001 characters long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := write("x.json", tc.data)
			args := append(append([]string{"check"}, tc.dialect...), path)
			code, _, stderr := runCLI(t, "", args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %.300s", code, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("stderr %.500q lacks %q", stderr, tc.stderr)
			}
			if len(stderr) > 4000 {
				t.Fatalf("stderr is %d bytes: the snippet must stay short", len(stderr))
			}
		})
	}
}

// TestCheckCommand covers the check contract: exit 0 when every file is
// valid, 2 when any is invalid or unreadable, and diagnostics printed as
// file:line:col: error[CODE]: message with a caret under the token.
func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"source": ["aws.ec2"]}`)
	bad := write("bad.json", "{\"source\": [\"a\"],\n  \"detail\": {\"n\": [{\"numeric\": [\">\", \"x\"]}]}}\n")
	snsBad := write("sns.json", `{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}`)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr []string
	}{
		{"valid file", []string{"check", good}, 0, "good.json: valid eventbridge pattern (1 clause)", nil},
		{"invalid file with caret", []string{"check", good, bad}, 2, "good.json: valid",
			[]string{"bad.json:2:38: error[E206]: Value of > must be numeric", "\n                                       ^", "1 of 2 files invalid"}},
		{"sns five keys", []string{"check", "--dialect", "sns", snsBad}, 2, "",
			[]string{"error[E302]"}},
		{"missing file", []string{"check", filepath.Join(dir, "nope.json")}, 2, "", []string{"no such file"}},
		{"bad dialect", []string{"check", "--dialect", "kafka", good}, 2, "", []string{"kafka"}},
		{"malformed JSON", []string{"check", "-"}, 2, "", []string{"error[E001]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdin := ""
			if tc.name == "malformed JSON" {
				stdin = `{"source": [`
			}
			code, out, errOut := runCLI(t, stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if !strings.Contains(out, tc.stdout) {
				t.Errorf("stdout %q lacks %q", out, tc.stdout)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr %q lacks %q", errOut, want)
				}
			}
		})
	}
}

// TestCheckListsEveryError: check lists every independent error, AWS's
// first; test reports only AWS's.
func TestCheckListsEveryError(t *testing.T) {
	pattern := "{\"a\": \"x\",\n \"b\": [{\"prefix\": 1}],\n \"c\": []}"
	code, _, stderr := runCLI(t, pattern, "check", "-")
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	var got []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "<stdin>:") {
			got = append(got, line)
		}
	}
	want := []string{
		`<stdin>:1:7: error[E102]: "a" must be an object or an array`,
		`<stdin>:2:19: error[E201]: prefix match pattern must be a string`,
		`<stdin>:3:7: error[E104]: Empty arrays are not allowed`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	code, _, stderr = runCLI(t, "", "test", "--pattern", pattern, "--input", `{"id":"1","account":"1","source":"a","time":"t","region":"r","detail-type":"d"}`)
	if code != 2 || strings.Count(stderr, "error[") != 1 || !strings.Contains(stderr, "E102") {
		t.Fatalf("test: exit %d, stderr %q; want exit 2 with only the first error", code, stderr)
	}
}

// TestMaxSize: --max-size raises EventBridge's 2048-character quota.
func TestMaxSize(t *testing.T) {
	pattern := `{"source": ["` + strings.Repeat("x", 3000) + `"]}`
	event := `{"id":"1","account":"1","source":"` + strings.Repeat("x", 3000) + `","time":"t","region":"r","detail-type":"d"}`
	if code, _, stderr := runCLI(t, pattern, "check", "-"); code != 2 || !strings.Contains(stderr, "E002") {
		t.Fatalf("default quota: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, pattern, "check", "--max-size", "4096", "-"); code != 0 {
		t.Fatalf("raised quota: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "test", "--max-size", "4096", "--pattern", pattern, "--input", event); code != 0 {
		t.Fatalf("test with raised quota: exit %d, %s", code, stderr)
	}
}
