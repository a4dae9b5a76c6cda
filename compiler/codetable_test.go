package compiler

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestCodeTableExamples: every code's example draws that code, with the
// table's severity.
func TestCodeTableExamples(t *testing.T) {
	for _, ci := range Codes {
		t.Run(ci.Code, func(t *testing.T) {
			d, ok := Drawn(ci)
			if !ok {
				t.Fatalf("example %.80q (%s) does not draw %s", ci.Example, ci.Dialect, ci.Code)
			}
			if d.Severity != ci.Severity {
				t.Fatalf("%s is a %s, the table says %s", ci.Code, d.Severity, ci.Severity)
			}
		})
	}
}

// TestCodeTableComplete: every Code… and Warn… constant of codes.go is in
// the table, once.
func TestCodeTableComplete(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			for _, v := range vs.Values {
				if lit, ok := v.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(lit.Value)
					declared[s] = true
				}
			}
		}
		return true
	})
	seen := map[string]bool{}
	for _, ci := range Codes {
		if seen[ci.Code] {
			t.Errorf("%s is in the table twice", ci.Code)
		}
		seen[ci.Code] = true
		if !declared[ci.Code] {
			t.Errorf("%s is in the table but not declared in codes.go", ci.Code)
		}
	}
	for c := range declared {
		if !seen[c] {
			t.Errorf("%s is declared in codes.go but missing from the table", c)
		}
	}
	if !strings.HasPrefix(Codes[0].Code, "E0") {
		t.Error("table not in order")
	}
}
