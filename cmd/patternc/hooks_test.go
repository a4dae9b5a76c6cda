package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestMain lets the test binary stand in for the patternc binary, so that
// the pre-commit hook and the GitHub Action run their own command lines.
func TestMain(m *testing.M) {
	if os.Getenv("PATTERNC_TEST_AS_CLI") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// shim puts a `patternc` on PATH that runs this test binary as the CLI.
func shim(t *testing.T) []string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := "#!/bin/sh\nPATTERNC_TEST_AS_CLI=1 exec '" + self + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "patternc"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

const ordinaryRepo = "../../testdata/ordinary-repo"

// TestPreCommitHook runs the hook of .pre-commit-hooks.yaml as pre-commit
// does — its entry with every file of its types named — on the fixture of
// ordinary JSON and YAML files: no finding, exit 0. A bad pattern file
// added to the list makes it fail, so the test can fail.
func TestPreCommitHook(t *testing.T) {
	src, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID      string   `yaml:"id"`
		Entry   string   `yaml:"entry"`
		TypesOr []string `yaml:"types_or"`
		Pass    bool     `yaml:"pass_filenames"`
	}
	if err := yaml.Unmarshal(src, &hooks); err != nil || len(hooks) == 0 {
		t.Fatalf("hooks: %v", err)
	}
	h := hooks[0]
	if !h.Pass {
		t.Fatal("the hook does not pass file names")
	}
	exts := map[string][]string{"json": {".json"}, "yaml": {".yaml", ".yml"}, "terraform": {".tf"}}
	var files []string
	filepath.WalkDir(ordinaryRepo, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for _, ty := range h.TypesOr {
			for _, e := range exts[ty] {
				if strings.HasSuffix(p, e) {
					rel, _ := filepath.Rel(ordinaryRepo, p)
					files = append(files, rel)
				}
			}
		}
		return nil
	})
	if len(files) < 15 {
		t.Fatalf("only %d fixture files of the hook's types", len(files))
	}
	env := shim(t)
	runHook := func(dir string, files []string) (string, error) {
		cmd := exec.Command("sh", append([]string{"-c", h.Entry + ` "$@"`, "hook"}, files...)...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := runHook(ordinaryRepo, files); err != nil || !strings.Contains(out, " 0 patterns: 0 errors, 0 warnings, 0 notes") {
		t.Fatalf("hook on ordinary files: %v\n%s", err, out)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "orders.eventpattern.json"), []byte(`{"source": "x"}`), 0o644)
	if out, err := runHook(bad, []string{"orders.eventpattern.json"}); err == nil || !strings.Contains(out, "E1") {
		t.Fatalf("hook on a bad pattern passed: %v\n%s", err, out)
	}
}

// TestGitHubAction runs the Lint step of action.yml with its default
// inputs (github annotations) and with SARIF on the fixture of ordinary
// files: exit 0, no annotation, no SARIF result; on a bad pattern the
// step fails with an ::error annotation.
func TestGitHubAction(t *testing.T) {
	src, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Steps []struct {
				Name string            `yaml:"name"`
				Run  string            `yaml:"run"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(src, &action); err != nil {
		t.Fatal(err)
	}
	script := ""
	var stepEnv map[string]string
	for _, s := range action.Runs.Steps {
		if s.Name == "Lint" {
			script, stepEnv = s.Run, s.Env
		}
	}
	if script == "" {
		t.Fatal("action.yml has no Lint step")
	}
	env := shim(t)
	input := regexp.MustCompile(`\$\{\{\s*inputs\.([a-z-]+)\s*\}\}`)
	step := func(dir string, set map[string]string) (string, error) {
		fill := func(text string) string {
			return input.ReplaceAllStringFunc(text, func(m string) string {
				name := input.FindStringSubmatch(m)[1]
				if v, ok := set[name]; ok {
					return v
				}
				return action.Inputs[name].Default
			})
		}
		cmd := exec.Command("bash", "-c", fill(script))
		cmd.Dir, cmd.Env = dir, env
		// The step's env: block, inputs filled in, as the runner sets it.
		for k, v := range stepEnv {
			cmd.Env = append(cmd.Env, k+"="+fill(v))
		}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := step(ordinaryRepo, nil); err != nil || strings.Contains(out, "::") {
		t.Fatalf("action (github format) on ordinary files: %v\n%s", err, out)
	}
	sarif := filepath.Join(t.TempDir(), "out.sarif")
	if out, err := step(ordinaryRepo, map[string]string{"format": "sarif", "sarif-file": sarif}); err != nil {
		t.Fatalf("action (sarif) on ordinary files: %v\n%s", err, out)
	}
	var log struct {
		Runs []struct {
			Results []any `json:"results"`
		} `json:"runs"`
	}
	data, _ := os.ReadFile(sarif)
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) != 0 {
		t.Fatalf("SARIF on ordinary files: %v\n%s", err, data)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "orders.eventpattern.json"), []byte(`{"source": "x"}`), 0o644)
	if out, err := step(bad, nil); err == nil || !strings.Contains(out, "::error") {
		t.Fatalf("action on a bad pattern passed: %v\n%s", err, out)
	}
}
