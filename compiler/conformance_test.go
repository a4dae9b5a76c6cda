package compiler_test

import (
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/internal/conformance"
)

func TestConformance(t *testing.T) {
	cases, err := conformance.Load("../testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != conformance.Total {
		t.Errorf("loaded %d conformance cases, want all %d", len(cases), conformance.Total)
	}
	for _, tc := range cases {
		t.Run(tc.File+"/"+tc.Name, func(t *testing.T) {
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
