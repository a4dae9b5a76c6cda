package compiler

import (
	"fmt"
	"strings"

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
