package compiler_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// conformanceCase is one case of testdata/conformance (see its README).
// Pattern and input stay raw: number text and duplicate keys matter.
type conformanceCase struct {
	Name    string          `json:"name"`
	Dialect string          `json:"dialect"`
	Pattern json.RawMessage `json:"pattern"`
	Input   json.RawMessage `json:"input"`
	Expect  string          `json:"expect"`
	Error   string          `json:"error"`
}

func loadConformance(t *testing.T) map[string][]conformanceCase {
	t.Helper()
	files, err := filepath.Glob("../testdata/conformance/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance files: %v", err)
	}
	out := map[string][]conformanceCase{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []conformanceCase
		if err := json.Unmarshal(data, &cases); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = cases
	}
	return out
}

func TestConformance(t *testing.T) {
	total := 0
	for file, cases := range loadConformance(t) {
		for _, tc := range cases {
			total++
			t.Run(file+"/"+tc.Name, func(t *testing.T) {
				d, err := compiler.ParseDialect(tc.Dialect, "")
				if err != nil {
					t.Fatal(err)
				}
				p, err := compiler.Compile(tc.Pattern, d, nil)
				if tc.Expect == "invalid" {
					if err == nil {
						t.Fatalf("pattern %s: compiled, want error %q", tc.Pattern, tc.Error)
					}
					if !strings.Contains(err.Error(), tc.Error) {
						t.Fatalf("pattern %s: error %q, want it to contain %q", tc.Pattern, err, tc.Error)
					}
					return
				}
				if err != nil {
					t.Fatalf("pattern %s: %v", tc.Pattern, err)
				}
				ex, err := compiler.Explain(p, tc.Input)
				if err != nil {
					t.Fatalf("explain: %v", err)
				}
				if got := map[bool]string{true: "match", false: "no-match"}[ex.Matched]; got != tc.Expect {
					t.Fatalf("pattern %s\ninput %s\ngot %s, want %s\n%s", tc.Pattern, tc.Input, got, tc.Expect, strings.Join(ex.Lines, "\n"))
				}
			})
		}
	}
	if total != 360 {
		t.Errorf("ran %d conformance cases, want all 360", total)
	}
}
