// Package semantics holds no code: its test checks that every citation of
// docs/semantics in the repository names a section that exists.
package semantics

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	heading = regexp.MustCompile(`(?m)^#{2,4} (\d+[a-z]?(?:\.\d+)*)\.? `)
	// A citation: a file of docs/semantics, then one or more sections.
	citation = regexp.MustCompile(`(?:docs/semantics/)?(patterns|filter-policies|runtime|serve)\.md\)?\s*(?://\s*)?((?:§[\d.]*\d[a-z]?(?:\s*(?:,|/|–|and|or)\s*)?)+)`)
	section  = regexp.MustCompile(`§([\d.]*\d[a-z]?)`)
	bare     = regexp.MustCompile(`(?:^|[^\w.)])(§[\d.]*\d[a-z]?)`)
)

// sections reads the section numbers of each semantics file.
func sections(t *testing.T) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, name := range []string{"patterns", "filter-policies", "runtime", "serve"} {
		b, err := os.ReadFile(name + ".md")
		if err != nil {
			t.Fatal(err)
		}
		out[name] = map[string]bool{}
		for _, m := range heading.FindAllStringSubmatch(string(b), -1) {
			out[name][m[1]] = true
		}
	}
	return out
}

// TestCitationsResolve walks the repository's Go and Markdown files: each
// "docs/semantics/X.md §N" must name a section of X, and inside the
// semantics files a bare "§N" must name a section of the same file.
func TestCitationsResolve(t *testing.T) {
	secs := sections(t)
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" && path != root) {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".md")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := string(b)
		inSemantics := filepath.Dir(path) == "."
		for _, m := range citation.FindAllStringSubmatch(text, -1) {
			for _, s := range section.FindAllStringSubmatch(m[2], -1) {
				checked++
				if !secs[m[1]][s[1]] {
					t.Errorf("%s cites %s.md §%s, which has no such section", path, m[1], s[1])
				}
			}
		}
		if inSemantics && strings.HasSuffix(path, ".md") {
			self := strings.TrimSuffix(filepath.Base(path), ".md")
			stripped := citation.ReplaceAllString(text, "")
			for _, m := range bare.FindAllStringSubmatch(stripped, -1) {
				n := strings.TrimPrefix(m[1], "§")
				checked++
				if secs[self] != nil && !secs[self][n] {
					t.Errorf("%s cites §%s, which it does not have", path, n)
				}
			}
		}
		if strings.Contains(text, "shared/spec") && path != filepath.Join(root, "docs", "semantics", "refs_test.go") {
			t.Errorf("%s points at shared/spec, which no clone has", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d citations found; the walk is not reading the repository", checked)
	}
}
