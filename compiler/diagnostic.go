package compiler

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/patternc/patternc/compiler/source"
)

// Severity orders diagnostics.
type Severity uint8

const (
	SeverityError Severity = iota + 1
	SeverityWarning
	SeverityInfo
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInfo:
		return "info"
	}
	return "unknown"
}

// Diagnostic is one finding about a pattern. Reason is AWS's reason text,
// verbatim, where AWS has one (tests compare it as a substring), else our
// own; Code is stable across releases; Hint says how to fix it.
type Diagnostic struct {
	Pos      source.Pos
	End      source.Pos
	Severity Severity
	Code     string
	Reason   string
	Hint     string
}

func (d *Diagnostic) Error() string {
	var b strings.Builder
	if d.Pos.IsValid() {
		fmt.Fprintf(&b, "%d:%d: ", d.Pos.Line, d.Pos.Col)
	}
	fmt.Fprintf(&b, "%s[%s]: %s", d.Severity, d.Code, d.Reason)
	return b.String()
}

// ErrorList collects every diagnostic instead of stopping at the first, as
// go/scanner.ErrorList does.
type ErrorList []*Diagnostic

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more)", l[0].Error(), len(l)-1)
}

// Err returns l as an error, or nil when it holds no error-severity entry.
func (l ErrorList) Err() error {
	for _, d := range l {
		if d.Severity == SeverityError {
			return l
		}
	}
	return nil
}

// Format writes d as `file:line:col: severity[CODE]: reason`, then the
// source line with a caret under the column and the hint, the way compilers
// do. src may be nil (no snippet).
func (d *Diagnostic) Format(filename string, src []byte) string {
	var b strings.Builder
	b.WriteString(filename)
	if d.Pos.IsValid() {
		fmt.Fprintf(&b, ":%d:%d", d.Pos.Line, d.Pos.Col)
	}
	fmt.Fprintf(&b, ": %s[%s]: %s\n", d.Severity, d.Code, d.Reason)
	if line, col, ok := sourceLine(src, d.Pos); ok {
		fmt.Fprintf(&b, "  %s\n  %s^\n", line, caretPad(line, col))
	}
	if d.Hint != "" {
		fmt.Fprintf(&b, "  hint: %s\n", d.Hint)
	}
	return b.String()
}

// sourceLine returns the text of the line holding pos and the caret's
// 0-based column in it; long lines (minified JSON) are cut to a window
// around the column.
func sourceLine(src []byte, pos source.Pos) (string, int, bool) {
	if src == nil || !pos.IsValid() || pos.Offset > len(src) {
		return "", 0, false
	}
	start := pos.Offset - (pos.Col - 1)
	if start < 0 || start > len(src) {
		return "", 0, false
	}
	end := start
	for end < len(src) && src[end] != '\n' && src[end] != '\r' {
		end++
	}
	line, col := string(src[start:end]), pos.Col-1
	const window = 60
	if len(line) > 2*window+20 {
		from, to := max(col-window, 0), min(col+window, len(line))
		cut := line[from:to]
		if to < len(line) {
			cut += "…"
		}
		if from > 0 {
			cut, col = "…"+cut, col-from+len("…")
		}
		line = cut
	}
	if !utf8.ValidString(line) {
		line = strings.ToValidUTF8(line, "?")
	}
	return line, col, true
}

// caretPad is the indentation that puts a caret under byte offset col of
// line: one space per character before it, tabs kept.
func caretPad(line string, col int) string {
	var b strings.Builder
	for i, r := range line {
		if i >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}
