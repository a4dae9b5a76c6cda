package compiler

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestDiagnosticGolden formats the diagnostics of each file in
// testdata/diagnostics and compares them with its .golden file. The file
// name's first part names the dialect. Run with -update to rewrite.
func TestDiagnosticGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/diagnostics/*.json")
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, f := range files {
		base := filepath.Base(f)
		t.Run(base, func(t *testing.T) {
			d := EventBridge
			switch {
			case strings.HasPrefix(base, "sns-attributes"):
				d = SNSAttributes
			case strings.HasPrefix(base, "sns-body"):
				d = SNSBody
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			p, err := Compile(src, d, nil)
			switch {
			case err != nil:
				for _, diag := range err.(ErrorList) {
					b.WriteString(diag.Format(base, src))
				}
			default:
				for _, w := range p.Warnings {
					b.WriteString(w.Format(base, src))
				}
				b.WriteString("valid\n")
			}
			golden := strings.TrimSuffix(f, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if b.String() != string(want) {
				t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
			}
		})
	}
}
