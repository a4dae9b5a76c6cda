package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestCodeTableExamples: every lint code's example file draws that code
// with the table's severity.
func TestCodeTableExamples(t *testing.T) {
	for _, ci := range Codes {
		t.Run(ci.Code, func(t *testing.T) {
			f, ok := DrawnBy(t.TempDir(), ci)
			if !ok {
				t.Fatalf("%s does not draw %s", ci.File, ci.Code)
			}
			if f.Severity != ci.Severity {
				t.Fatalf("%s is a %s, the table says %s", ci.Code, f.Severity, ci.Severity)
			}
		})
	}
	if !KnownCode("L104") || !KnownCode("E206") || KnownCode("L999") {
		t.Fatal("KnownCode disagrees with the tables")
	}
}

// DrawnBy writes ci's example under dir, lints it and returns the finding
// with ci.Code.
func DrawnBy(dir string, ci CodeInfo) (Finding, bool) {
	path := filepath.Join(dir, ci.File)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return Finding{}, false
	}
	if err := os.WriteFile(path, []byte(ci.Example), 0o644); err != nil {
		return Finding{}, false
	}
	res, err := Run([]string{dir}, Options{})
	if err != nil {
		return Finding{}, false
	}
	for _, f := range res.Findings {
		if f.Code == ci.Code {
			return f, true
		}
	}
	return Finding{}, false
}

const codesDoc = "../docs/codes.md"

// TestCodesDoc generates docs/codes.md from compiler.Codes and Codes, with
// the message each example actually draws, and fails when the committed
// page differs: the page cannot drift from the code. Rewrite it with
// go test ./lint -run TestCodesDoc -update.
func TestCodesDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Diagnostic codes\n\n")
	b.WriteString("<!-- Generated from compiler.Codes and lint.Codes by `go test ./lint -run TestCodesDoc -update`: do not edit. -->\n\n")
	b.WriteString("Every finding of `patternc check`, `test` and `lint` carries one of these\n" +
		"codes. Codes are stable: filter on them, and silence one with\n" +
		"`patternc lint --disable CODE` or a comment `# patternc:disable=CODE` on the\n" +
		"line or the line above. E0xx reading, E1xx structure, E2xx operators, E3xx\n" +
		"limits, W1xx compiler warnings, L0xx/L1xx lint findings. Each example below\n" +
		"is checked by the test that writes this page to draw its code, with the\n" +
		"message shown.\n\n")
	b.WriteString("## Compiler codes (check, test, lint and the library)\n\n")
	b.WriteString("| code | severity | meaning | example | dialect | message |\n|---|---|---|---|---|---|\n")
	for _, ci := range compiler.Codes {
		d, ok := compiler.Drawn(ci)
		if !ok {
			t.Fatalf("%s: example does not draw it", ci.Code)
		}
		shown := ci.Shown
		if shown == "" {
			shown = ci.Example
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", ci.Code, ci.Severity, cell(ci.Summary), code(shown), ci.Dialect, cell(d.Reason))
	}
	b.WriteString("\n## Lint codes (patternc lint)\n\n")
	b.WriteString("| code | severity | meaning | example file | message |\n|---|---|---|---|---|\n")
	for _, ci := range Codes {
		f, ok := DrawnBy(t.TempDir(), ci)
		if !ok {
			t.Fatalf("%s: example does not draw it", ci.Code)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | `%s`: %s | %s |\n", ci.Code, ci.Severity, cell(ci.Summary), ci.File, code(ci.Example), cell(f.Message))
	}
	for _, ci := range DiffCodes {
		fmt.Fprintf(&b, "| %s | %s | %s | (git history: `patternc lint --diff BASE`) | see README, Reviewing rule changes |\n", ci.Code, ci.Severity, cell(ci.Summary))
	}
	got := b.String()
	if *update {
		if err := os.WriteFile(codesDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(codesDoc)
	if err != nil {
		t.Fatalf("%v (run go test ./lint -run TestCodesDoc -update)", err)
	}
	if string(want) != got {
		t.Fatalf("docs/codes.md is out of date with the code tables: run go test ./lint -run TestCodesDoc -update")
	}
}

// cell makes text safe in a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}

// code renders s as inline code in a table cell; newlines become ⏎ so a
// multi-line file fits one row.
func code(s string) string {
	s = strings.TrimRight(s, "\n")
	s = strings.NewReplacer("|", "\\|", "\n", " ⏎ ").Replace(s)
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// TestCodeTableComplete: every L code declared in lint.go is in Codes,
// except those no code path emits (named here, so adding an emitter means
// adding a table row).
func TestCodeTableComplete(t *testing.T) {
	src, err := os.ReadFile("lint.go")
	if err != nil {
		t.Fatal(err)
	}
	notEmitted := map[string]bool{CodeWildcardSNS: true} // the compiler rejects SNS wildcards (E108) first
	inTable := map[string]bool{}
	for _, ci := range Codes {
		inTable[ci.Code] = true
	}
	for _, m := range regexp.MustCompile(`= "(L\d{3})"`).FindAllStringSubmatch(string(src), -1) {
		if !inTable[m[1]] && !notEmitted[m[1]] {
			t.Errorf("%s is declared in lint.go but missing from Codes", m[1])
		}
	}
}
