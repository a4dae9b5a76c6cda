package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffExitCodes pins diff's contract on inline patterns.
func TestDiffExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"diff", `{"a":["x","y"]}`, `{"$or":[{"a":["y"]},{"a":["x"]}]}`}, 0, "same: the patterns match exactly the same events\n"},
		{[]string{"diff", `{"a":["x"]}`, `{"a":[{"prefix":"x"}]}`}, 1, "different\nnewly matches (matched by NEW, not by OLD):\n"},
		{[]string{"diff", `{"a":["x"]}`, `{"a":[]}`}, 2, ""},
		{[]string{"diff", `{"a":["x"]}`}, 2, ""},
		{[]string{"diff", "testdata/diffrepo/v1/infra/template.yaml#OrderRule", "testdata/diffrepo/v2/infra/template.yaml#Resources.OrderRule"}, 1, "different\n"},
		{[]string{"diff", "testdata/diffrepo/v1/infra/template.yaml#RefundRule", "testdata/diffrepo/v2/infra/template.yaml#RefundRule"}, 0, "same"},
		{[]string{"diff", "testdata/diffrepo/v1/infra/template.yaml#Nope", `{"a":["x"]}`}, 2, ""},
	} {
		code, stdout, stderr := runCLI(t, "", tc.args...)
		if code != tc.code || !strings.HasPrefix(stdout, tc.out) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, stdout starting %q", tc.args, code, stdout, stderr, tc.code, tc.out)
		}
	}
	code, stdout, _ := runCLI(t, "", "diff", "--format", "json", `{"a":["x"]}`, `{"a":[{"prefix":"x"}]}`)
	var out struct {
		Verdict string `json:"verdict"`
		New     *struct {
			Input json.RawMessage `json:"input"`
			Old   struct{ Matched bool }
			New   struct{ Matched bool }
		} `json:"newly_matches"`
		Old *json.RawMessage `json:"no_longer_matches"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != 1 || out.Verdict != "different" || out.New == nil || out.Old != nil || out.New.Old.Matched || !out.New.New.Matched {
		t.Fatalf("json: exit %d, %v\n%s", code, err, stdout)
	}
}

// TestExampleExitCodes pins example's contract.
func TestExampleExitCodes(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "example", `{"source":[{"exists":false}]}`)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "<pattern>:1:12: every EventBridge event carries source") {
		t.Errorf("never-matching pattern: exit %d, %q, %q", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "", "example", `{"source":[]}`)
	if code != 2 || !strings.Contains(stderr, "E104") {
		t.Errorf("invalid pattern: exit %d, %q", code, stderr)
	}
	code, stdout, _ = runCLI(t, `{"detail":{"n":[{"numeric":[">",1,"<",2]}]}}`, "example", "-")
	if code != 0 || !strings.Contains(stdout, `"n": 1.1`) {
		t.Errorf("stdin: exit %d, %q", code, stdout)
	}
	code, stdout, _ = runCLI(t, "", "example", "--all", `{"$or":[{"a":["x"]},{"b":[{"prefix":"p"}]}]}`)
	if code != 0 || !strings.Contains(stdout, "# clause 1 of 2") || !strings.Contains(stdout, "# clause 2 of 2") || !strings.Contains(stdout, `"b": "p"`) {
		t.Errorf("--all: exit %d, %q", code, stdout)
	}
}

// TestDiffGit builds a repository from testdata/diffrepo (v1 committed,
// then v2) and compares `diff --git HEAD~1 -- infra` and `lint --diff
// HEAD~1 infra` with their golden files.
func TestDiffGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed for diff --git")
	}
	src, _ := filepath.Abs("testdata/diffrepo")
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
			"GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	copyTree := func(from string) {
		t.Helper()
		err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(from, p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			dst := filepath.Join(repo, rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			return os.WriteFile(dst, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	copyTree(filepath.Join(src, "v1"))
	git("add", ".")
	git("commit", "-q", "-m", "v1")
	copyTree(filepath.Join(src, "v2"))
	git("commit", "-q", "-am", "v2")
	t.Chdir(repo)
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"diff-git.golden", []string{"diff", "--git", "HEAD~1", "--", "infra"}},
		{"diff-git-json.golden", []string{"diff", "--git", "HEAD~1", "--format", "json", "--", "infra"}},
		{"lint-diff.golden", []string{"lint", "--no-config", "--diff", "HEAD~1", "infra"}},
	} {
		code, stdout, stderr := runCLI(t, "", tc.args...)
		got := fmt.Sprintf("$ patternc %s\nexit %d\n%s%s", strings.Join(tc.args, " "), code, stdout, stderr)
		golden := filepath.Join(src, tc.golden)
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
			t.Errorf("%s: got\n%s\nwant\n%s", tc.golden, got, want)
		}
	}
}
