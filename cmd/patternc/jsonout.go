package main

import (
	"encoding/json"
	"io"

	"github.com/patternc/patternc/compiler"
)

// jsonDiagnostic is a diagnostic in --format json output; the field names
// are lint's (file, line, column, severity, code, message, hint), so one
// reader serves check, test and lint.
type jsonDiagnostic struct {
	File      string `json:"file"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	Offset    *int   `json:"offset,omitempty"`
	EndLine   int    `json:"endLine,omitempty"`
	EndColumn int    `json:"endColumn,omitempty"`
	Severity  string `json:"severity"`
	Code      string `json:"code,omitempty"`
	Message   string `json:"message"`
	Hint      string `json:"hint,omitempty"`
}

// jsonDiagnostics converts err (an ErrorList or any error) and warnings.
func jsonDiagnostics(name string, err error, warnings compiler.ErrorList) []jsonDiagnostic {
	var list compiler.ErrorList
	if err != nil {
		if l, ok := err.(compiler.ErrorList); ok {
			list = append(list, l...)
		} else {
			return []jsonDiagnostic{{File: name, Severity: "error", Message: err.Error()}}
		}
	}
	list = append(list, warnings...)
	out := []jsonDiagnostic{}
	for _, d := range list {
		j := jsonDiagnostic{File: name, Severity: d.Severity.String(), Code: d.Code, Message: d.Reason, Hint: d.Hint}
		if d.Pos.IsValid() {
			off := d.Pos.Offset
			j.Line, j.Column, j.Offset = d.Pos.Line, d.Pos.Col, &off
		}
		if d.End.IsValid() {
			j.EndLine, j.EndColumn = d.End.Line, d.End.Col
		}
		out = append(out, j)
	}
	return out
}

// writeJSON writes v indented, without HTML escaping: the output is read by
// programs and people, and patterns are full of < and >.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// formatFlag validates --format for check and test.
func formatFlag(f string) error {
	switch f {
	case "text", "json":
		return nil
	}
	return &exitError{code: 2, err: errorf("--format must be text or json, not %q", f)}
}
