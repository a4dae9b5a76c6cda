package main

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestLintCommand(t *testing.T) {
	// The README's first command: the samples are clean.
	code, out, stderr := runCLI(t, "", "lint", "../../corpus/samples")
	if code != 0 || !strings.Contains(out, "0 errors") {
		t.Fatalf("samples: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runCLI(t, "", "lint", "../../lint/testdata/repo")
	if code != 1 || !strings.Contains(out, "error[E206]: Bottom must be less than top") {
		t.Fatalf("findings: exit %d\n%s", code, out)
	}
	if code, _, _ = runCLI(t, "", "lint", "--fail-level", "none", "../../lint/testdata/repo"); code != 0 {
		t.Fatalf("--fail-level none: exit %d", code)
	}
	if code, _, _ = runCLI(t, "", "lint", "--fail-level", "warning", "../../lint/testdata/repo/eventbridge"); code != 1 {
		t.Fatalf("--fail-level warning with warnings only: exit %d, want 1", code)
	}
	if code, _, _ = runCLI(t, "", "lint", "--format", "xml", "."); code != 2 {
		t.Fatalf("bad format: exit %d, want 2", code)
	}
	if code, _, _ = runCLI(t, "", "lint", "no/such/dir"); code != 2 {
		t.Fatalf("missing path: exit %d, want 2", code)
	}
}

// TestShippedHooks checks that the pre-commit hook and the GitHub Action
// are well-formed and call the linter.
func TestShippedHooks(t *testing.T) {
	var hooks []map[string]any
	data, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil || len(hooks) != 1 || hooks[0]["id"] != "patternc-lint" || hooks[0]["entry"] != "patternc lint" || hooks[0]["language"] != "golang" {
		t.Fatalf(".pre-commit-hooks.yaml: %v %v", hooks, err)
	}
	var action struct {
		Name   string                    `yaml:"name"`
		Inputs map[string]map[string]any `yaml:"inputs"`
		Runs   struct {
			Using string           `yaml:"using"`
			Steps []map[string]any `yaml:"steps"`
		} `yaml:"runs"`
	}
	data, err = os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" || len(action.Runs.Steps) < 2 || action.Inputs["format"] == nil || action.Inputs["fail-level"] == nil {
		t.Fatalf("action.yml: %+v", action)
	}
	if run, _ := action.Runs.Steps[len(action.Runs.Steps)-1]["run"].(string); !strings.Contains(run, "patternc lint --format") {
		t.Fatalf("action.yml does not run patternc lint: %q", run)
	}
}

// TestLintClassification: a file named on the command line is judged by
// its content (package.json is not a pattern) unless --dialect forces it;
// the fail level comes from .patternc.yaml unless the flag is given.
func TestLintClassification(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(dir+"/.git", 0o755)
	os.WriteFile(dir+"/package.json", []byte(`{"name": "my-eventbridge-app", "version": "1.0.0"}`), 0o644)
	os.WriteFile(dir+"/policy.json", []byte(`{"price": [{"numeric": [">", "x"]}]}`), 0o644)
	code, out, _ := runCLI(t, "", "lint", dir+"/package.json", dir+"/policy.json")
	if code != 0 || !strings.Contains(out, "0 patterns") {
		t.Fatalf("named ordinary files: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "lint", "--dialect", "sns", dir+"/policy.json")
	if code != 1 || !strings.Contains(out, "E206") {
		t.Fatalf("--dialect sns: exit %d\n%s", code, out)
	}
	os.WriteFile(dir+"/near.eventpattern.json", []byte(`{"detail_type": ["x"]}`), 0o644)
	if code, out, _ = runCLI(t, "", "lint", dir); code != 0 {
		t.Fatalf("a warning at the default fail level: exit %d\n%s", code, out)
	}
	os.WriteFile(dir+"/.patternc.yaml", []byte("fail-level: warning\n"), 0o644)
	if code, out, _ = runCLI(t, "", "lint", dir); code != 1 {
		t.Fatalf("fail-level warning from .patternc.yaml: exit %d\n%s", code, out)
	}
	if code, _, _ = runCLI(t, "", "lint", "--fail-level", "error", dir); code != 0 {
		t.Fatalf("--fail-level error over the config: exit %d", code)
	}
	if code, _, _ = runCLI(t, "", "lint", "--no-config", dir); code != 0 {
		t.Fatalf("--no-config: exit %d", code)
	}
}
