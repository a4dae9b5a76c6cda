package lint

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/patternc/patternc/compiler"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden runs lint over testdata/repo and compares each format with its
// golden file.
func TestGolden(t *testing.T) {
	res, err := Run([]string{"testdata/repo"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := res.Write(&b, format, "test"); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", format+".golden")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./lint -update)", err)
			}
			if b.String() != string(want) {
				t.Fatalf("%s output differs from %s:\n%s", format, golden, b.String())
			}
		})
	}
}

// TestPositions pins the line and column of findings in every kind of
// source, including patterns written as JSON strings inside YAML (block and
// quoted), JSON, and HCL (heredoc, quoted string and jsonencode).
func TestPositions(t *testing.T) {
	res, err := Run([]string{"testdata/repo"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"template.yaml:10:45 E206",            // YAML object
		"template.yaml:17:43 E204",            // YAML block scalar JSON
		"template.yaml:22:23 L104",            // YAML quoted JSON
		"template.yaml:26:39 L001",            // !Sub: checked around its placeholder, not an error
		"template.yaml:31:18 L001",            // !Ref as a list element: checked around it
		"template.yaml:52:44 L106",            // Pipes filter, quoted
		"template.yaml:59:32 L106",            // ESM filter, block
		"cdk.out/App.template.json:6:80 E108", // JSON string in JSON (escaped quotes)
		"main.tf:10:47 E205",                  // jsonencode object
		"main.tf:20:31 E208",                  // heredoc
		"main.tf:26:42 L001",                  // var reference: checked around it
		"main.tf:34:63 E207",                  // quoted HCL string with escapes
		"eventbridge/bad-or.json:4:6 L102",
		"sns-body/nested.json:1:78 E102",
		"rules.patternc.yaml:12:11 L004",
		"bad.patternc.json:1:12 L003",
	}
	got := map[string]bool{}
	for _, f := range res.Findings {
		rel, _ := filepath.Rel("testdata/repo", f.File)
		got[fmt.Sprintf("%s:%d:%d %s", filepath.ToSlash(rel), f.Line, f.Col, f.Code)] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing finding %s; got %v", w, got)
		}
	}
	for k := range got {
		if strings.HasPrefix(k, "other/") {
			t.Errorf("package.json was linted: %s", k)
		}
		if strings.Contains(k, "L103") && strings.HasPrefix(k, "template.yaml") {
			t.Errorf("inline patternc:disable was ignored: %s", k)
		}
	}
}

func TestDisableAndExitLevels(t *testing.T) {
	res, err := Run([]string{"testdata/repo/eventbridge"}, Options{Disable: map[string]bool{"L102": true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Code == "L102" {
			t.Fatal("--disable L102 did not drop L102")
		}
	}
	if res.AtOrAbove(compiler.SeverityError) || !res.AtOrAbove(compiler.SeverityWarning) {
		t.Fatalf("levels wrong: %+v", res.Findings)
	}
}

// TestSARIFSchema validates the SARIF output against the SARIF 2.1.0
// schema (testdata/sarif: a faithful subset of the OASIS schema covering
// every object patternc writes, with the official constraints).
func TestSARIFSchema(t *testing.T) {
	res, err := Run([]string{"testdata/repo"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.Write(&b, "sarif", "test"); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	schema, err := c.Compile("testdata/sarif/sarif-2.1.0-subset.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("SARIF output is not valid SARIF 2.1.0: %v", err)
	}
	// And a broken log must fail, so the check can fail.
	doc.(map[string]any)["version"] = "2.0"
	if schema.Validate(doc) == nil {
		t.Fatal("the schema accepted version 2.0")
	}
}

// BenchmarkLint10000 lints 10 000 rule files in a temp directory.
func BenchmarkLint10000(b *testing.B) {
	dir := b.TempDir()
	for i := 0; i < 10000; i++ {
		sub := filepath.Join(dir, "eventbridge", fmt.Sprint(i%100))
		os.MkdirAll(sub, 0o755)
		p := fmt.Sprintf(`{"source": ["app.%d"], "detail": {"n": [{"numeric": [">", %d]}], "s": [{"prefix": "x%d"}, {"anything-but": ["a", "b"]}]}}`, i, i, i)
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("rule-%d.json", i)), []byte(p), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		res, err := Run([]string{dir}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Files != 10000 || len(res.Findings) != 0 {
			b.Fatalf("%d files, %d findings", res.Files, len(res.Findings))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N), "s/10k-files")
}
