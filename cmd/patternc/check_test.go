package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
