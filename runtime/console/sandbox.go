package console

import (
	"errors"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/reason"
)

// Trial is one sandbox request: a pattern in a dialect ("eventbridge",
// "sns-attributes" or "sns-body") and, optionally, the input to match it
// against (an event, or a Publish request for the SNS dialects).
type Trial struct {
	Dialect string `json:"dialect"`
	Pattern string `json:"pattern"`
	Input   string `json:"input,omitempty"`
}

// Outcome is the sandbox's answer.
type Outcome struct {
	Valid       bool   `json:"valid"`
	Diagnostics []Diag `json:"diagnostics"`
	// Matched is set when the pattern is valid and an input was given
	// that could be read.
	Matched *bool    `json:"matched,omitempty"`
	Explain []string `json:"explain,omitempty"`
	// InputError says why the input cannot be matched at all.
	InputError string `json:"inputError,omitempty"`
	// Example is an input the pattern matches (compiler/reason), when
	// one can be built.
	Example string `json:"example,omitempty"`
}

// Diag is a compiler diagnostic placed for the page: Line (1-based),
// Column (0-based, in UTF-16 code units as JavaScript counts them) and
// the source line it is in, so the caret lands under the offending
// character whatever the text holds.
type Diag struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Reason   string `json:"reason"`
	Hint     string `json:"hint,omitempty"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column"`
	Text     string `json:"text,omitempty"` // the source line
}

// MaxTrialBytes bounds the pattern and the input of one trial.
const MaxTrialBytes = 256 << 10

// Try runs a trial. It never panics on input: bad dialects, patterns and
// inputs come back as diagnostics or InputError.
func Try(t Trial) (Outcome, error) {
	out := Outcome{Diagnostics: []Diag{}}
	var d compiler.Dialect
	switch t.Dialect {
	case "", "eventbridge":
		d = compiler.EventBridge
	case "sns", "sns-attributes":
		d = compiler.SNSAttributes
	case "sns-body":
		d = compiler.SNSBody
	default:
		return out, errors.New(`dialect must be "eventbridge", "sns-attributes" or "sns-body"`)
	}
	if len(t.Pattern) > MaxTrialBytes || len(t.Input) > MaxTrialBytes {
		return out, errors.New("the pattern and the input are at most 256 KiB each")
	}
	p, err := compiler.Compile([]byte(t.Pattern), d, nil)
	var list compiler.ErrorList
	switch {
	case errors.As(err, &list):
		for _, dg := range list {
			out.Diagnostics = append(out.Diagnostics, place(t.Pattern, dg))
		}
	case err != nil:
		out.Diagnostics = append(out.Diagnostics, Diag{Severity: "error", Code: "invalid", Reason: err.Error()})
	}
	if p == nil {
		return out, nil
	}
	out.Valid = true
	for _, w := range p.Warnings {
		out.Diagnostics = append(out.Diagnostics, place(t.Pattern, w))
	}
	if ex, _, err := reason.Examples(p, false); err == nil && len(ex) > 0 {
		out.Example = string(ex[0].Input)
	}
	if strings.TrimSpace(t.Input) == "" {
		return out, nil
	}
	ex, err := compiler.Explain(p, []byte(t.Input))
	if err != nil {
		var ie *compiler.InputError
		if errors.As(err, &ie) {
			out.InputError = ie.Msg
			return out, nil
		}
		out.InputError = err.Error()
		return out, nil
	}
	m := ex.Matched
	out.Matched, out.Explain = &m, ex.Lines
	return out, nil
}

// place turns a diagnostic's byte position into a line and a UTF-16
// column of src.
func place(src string, d *compiler.Diagnostic) Diag {
	out := Diag{Severity: d.Severity.String(), Code: d.Code, Reason: d.Reason, Hint: d.Hint}
	if !d.Pos.IsValid() {
		return out
	}
	off := d.Pos.Offset
	if off < 0 {
		off = 0
	}
	if off > len(src) {
		off = len(src)
	}
	start := strings.LastIndexByte(src[:off], '\n') + 1
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += off
	}
	out.Line = strings.Count(src[:off], "\n") + 1
	out.Column = utf16Len(src[start:off])
	out.Text = strings.TrimRight(strings.ToValidUTF8(src[start:end], "\uFFFD"), "\r")
	return out
}

func utf16Len(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}
