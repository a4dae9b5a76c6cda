package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"go.yaml.in/yaml/v3"
)

// goreleaserConfig reads .goreleaser.yaml as a JSON value (the YAML is
// the JSON data model with comments).
func goreleaserConfig(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestGoreleaserConfigSchema validates .goreleaser.yaml against the part
// of GoReleaser v2's schema it uses (testdata/goreleaser-v2.schema.json),
// then checks what the issue asks of the release: static binaries for
// linux, darwin and windows on amd64 and arm64, checksums and an SBOM.
// .ci/release-check runs the real `goreleaser check` where it is installed.
func TestGoreleaserConfigSchema(t *testing.T) {
	cfg := goreleaserConfig(t)
	c := jsonschema.NewCompiler()
	schema, err := c.Compile("testdata/goreleaser-v2.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	// Round-trip through JSON so that numbers are what the validator expects.
	raw, _ := json.Marshal(cfg)
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}

	build := cfg["builds"].([]any)[0].(map[string]any)
	if !containsString(build["env"], "CGO_ENABLED=0") {
		t.Error("builds are not static: want env CGO_ENABLED=0")
	}
	if build["main"] != "./cmd/patternc" {
		t.Errorf("builds.main = %v", build["main"])
	}
	for _, os := range []string{"linux", "darwin", "windows"} {
		if !containsString(build["goos"], os) {
			t.Errorf("no %s build", os)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if !containsString(build["goarch"], arch) {
			t.Errorf("no %s build", arch)
		}
	}
	if cfg["checksum"] == nil || len(cfg["sboms"].([]any)) == 0 {
		t.Error("no checksums or no SBOM")
	}

	// A v1-only key is caught, as goreleaser check would catch it.
	bad := map[string]any{}
	_ = json.Unmarshal(raw, &bad)
	bad["archives"].([]any)[0].(map[string]any)["format"] = "zip"
	if err := schema.Validate(bad); err == nil {
		t.Error("the schema accepts the v1 key archives.format")
	}
}

// TestActionInstallsThePinnedRelease: the action downloads the archive the
// release config names, for the ref it is pinned to, never "latest"; it
// documents fail-level and if: always() for SARIF uploads; it sets up Go
// without the module cache (which warns in repositories without go.sum).
func TestActionInstallsThePinnedRelease(t *testing.T) {
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	var action struct {
		Inputs map[string]struct {
			Description string `yaml:"description"`
			Default     string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Steps []struct {
				Name string            `yaml:"name"`
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "@latest") || action.Inputs["version"].Default == "latest" {
		t.Error("action.yml installs latest, not the pinned ref")
	}
	if !strings.Contains(text, "github.action_ref") || !strings.Contains(text, "github.action_path") {
		t.Error("action.yml does not read the ref it is pinned to")
	}
	if d := action.Inputs["fail-level"].Description; !strings.Contains(d, "error") || !strings.Contains(d, "none") {
		t.Errorf("fail-level is not documented: %q", d)
	}
	if !strings.Contains(action.Inputs["sarif-file"].Description, "if: always()") || !strings.Contains(text, "if: always()") {
		t.Error("action.yml does not document if: always() for the SARIF upload")
	}

	// The archive name the action builds is the one .goreleaser.yaml makes.
	archive := goreleaserConfig(t)["archives"].([]any)[0].(map[string]any)
	if archive["name_template"] != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" ||
		!strings.Contains(text, `archive="patternc_${TAG#v}_${os}_${arch}.${ext}"`) {
		t.Errorf("the action's archive name and the release's name_template (%v) disagree", archive["name_template"])
	}

	sawSetupGo := false
	for _, s := range action.Runs.Steps {
		if strings.HasPrefix(s.Uses, "actions/setup-go@") {
			sawSetupGo = true
			if s.With["cache"] != "false" {
				t.Errorf("setup-go with cache %q: it warns in repositories without go.sum", s.With["cache"])
			}
		}
		if s.Run == "" {
			continue
		}
		// Every script parses as bash once expressions are filled in.
		script := regexp.MustCompile(`\$\{\{[^}]*\}\}`).ReplaceAllString(s.Run, "x")
		cmd := exec.Command("bash", "-n")
		cmd.Stdin = strings.NewReader(script)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("step %q: bash -n: %v %s", s.Name, err, stderr.String())
		}
	}
	if !sawSetupGo {
		t.Error("no setup-go step for building from a branch or commit")
	}
}

func containsString(list any, s string) bool {
	items, _ := list.([]any)
	for _, it := range items {
		if it == s {
			return true
		}
	}
	return false
}
