package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsAgree keeps README.md, docs/ and the package docs pointing at one
// place per fact: every relative link resolves, and the facts that used to
// live in two places (the code table, lint timings) have one home that the
// others link to. (That nothing points outside the repository is
// docs/semantics's TestCitationsResolve.)
func TestDocsAgree(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md")
	link := regexp.MustCompile(`\]\(([^)#]+)(#[^)]*)?\)`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(f), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", f, target)
			}
		}
		if f != "../../docs/codes.md" && regexp.MustCompile(`(?m)^\| L10[0-9] \|`).MatchString(text) {
			t.Errorf("%s keeps its own code table: link docs/codes.md instead", f)
		}
		if strings.Contains(text, "lint --help") && strings.Contains(text, "table") {
			t.Errorf("%s says a code table is in lint --help", f)
		}
	}
	readme, _ := os.ReadFile("../../README.md")
	for _, want := range []string{"docs/codes.md", "docs/lint.md", "docs/release.md"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README does not link %s", want)
		}
	}
	doc, _ := os.ReadFile("../../compiler/doc.go")
	if !strings.Contains(string(doc), "docs/codes.md") || strings.Contains(string(doc), "E101 not an object") {
		t.Error("compiler/doc.go keeps its own code list instead of pointing at Codes and docs/codes.md")
	}
}
