package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		glob, path string
		want       bool
	}{
		{"**/*.json", "a.json", true},
		{"**/*.json", "a/b/c.json", true},
		{"*.json", "a/b/c.json", true}, // no slash: any depth, as .gitignore
		{"policies/*.json", "policies/a.json", true},
		{"policies/*.json", "x/policies/a.json", false},
		{"infra/**", "infra/a/b.tf", true},
		{"infra/**/rules/*.yaml", "infra/rules/x.yaml", true},
		{"infra/**/rules/*.yaml", "infra/a/b/rules/x.yaml", true},
		{"infra/**/rules/*.yaml", "infra/a/b/rule/x.yaml", false},
		{"[", "a", false},
	} {
		if got := globMatch(c.glob, c.path); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.glob, c.path, got)
		}
	}
}

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func findingKeys(root string, res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		rel, _ := filepath.Rel(root, f.File)
		out = append(out, fmt.Sprintf("%s:%d:%d %s", filepath.ToSlash(rel), f.Line, f.Col, f.Code))
	}
	sort.Strings(out)
	return out
}

// TestConfig: the config found walking up from a nested path maps
// standalone files to a dialect, includes and excludes by glob, disables
// codes, sets the fail level, and gives Terraform variables values.
func TestConfig(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".git/HEAD": "ref: refs/heads/main\n",
		".patternc.yaml": `include: ["infra/**"]
exclude: ["infra/vendor/**"]
patterns:
  - files: "infra/policies/*.json"
    dialect: sns
    scope: MessageBody
disable: [L104]
fail-level: warning
terraform:
  variables:
    bad_cidr: "10.0.0.0/99"
    sources: ["com.example"]
`,
		"infra/policies/orders.json":       `{"order": {"total": [{"numeric": [">", "x"]}]}}`,
		"infra/vendor/p.eventpattern.json": `{"source": "x"}`,
		"other/p.eventpattern.json":        `{"source": "x"}`,
		"infra/near.eventpattern.json":     `{"detail_type": ["x"]}`,
		"infra/tf/main.tf": `resource "aws_cloudwatch_event_rule" "r" {
  event_pattern = jsonencode({ source = var.sources, detail = { ip = [{ cidr = var.bad_cidr }] } })
}
`,
	})
	want := []string{"infra/policies/orders.json:1:40 E206", "infra/tf/main.tf:2:80 E208"}
	for _, start := range []string{root, filepath.Join(root, "infra")} {
		res, err := Run([]string{start}, Options{Rules: true})
		if err != nil {
			t.Fatal(err)
		}
		got := findingKeys(root, res)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("from %s: %v, want %v", start, got, want)
		}
		if res.Config == nil || res.Config.FailLevel != "warning" {
			t.Errorf("from %s: config %+v", start, res.Config)
		}
		var sns bool
		for _, r := range res.Rules {
			sns = sns || (r.Name == "orders" && r.Dialect == compiler.SNSBody)
		}
		if !sns {
			t.Errorf("from %s: orders.json was not read as an SNS body policy: %+v", start, res.Rules)
		}
	}
	res, err := Run([]string{filepath.Join(root, "infra/vendor/p.eventpattern.json"), filepath.Join(root, "infra/near.eventpattern.json")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 || res.Files != 1 {
		t.Errorf("named files: excluded one linted, or L104 not disabled: %v", findingKeys(root, res))
	}
	res, err = Run([]string{root}, Options{NoConfig: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) < 3 {
		t.Errorf("--no-config: %v", findingKeys(root, res))
	}
}

// TestConfigErrors: a config that breaks its schema is reported (L005) at
// the offending value, deterministically, and not applied.
func TestConfigErrors(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".git/HEAD": "x",
		".patternc.yaml": `disable: [L104]
patterns:
  - files: "*.json"
    dialect: kinesis
    zeta: 1
    alpha: 2
fail-level: loud
`,
		"near.eventpattern.json": `{"detail_type": ["x"]}`,
	})
	var first string
	for i := 0; i < 5; i++ {
		res, err := Run([]string{root}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		res.Write(&b, "text", "test")
		if i == 0 {
			first = b.String()
			got := findingKeys(root, res)
			want := []string{".patternc.yaml:3:5 L005", ".patternc.yaml:4:14 L005", ".patternc.yaml:7:13 L005", "near.eventpattern.json:1:2 L104"}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("got %v, want %v\n%s", got, want, first)
			}
			if !strings.Contains(first, "'alpha', 'zeta'") {
				t.Errorf("additional properties not sorted:\n%s", first)
			}
		} else if b.String() != first {
			t.Fatalf("output differs between runs:\n%s\n---\n%s", first, b.String())
		}
	}
}
