package compiler

import (
	"errors"

	"github.com/patternc/patternc/compiler/source"
)

// CONTRACT (written before the implementation; keep these signatures).

// Pattern is a checked, lowered pattern or filter policy.
type Pattern struct {
	Dialect Dialect
	// Clauses is the disjunctive normal form; never empty for a valid pattern.
	Clauses []Clause
	// Warnings are non-fatal findings (undocumented operators, $or taken as
	// a field name, numbers outside AWS's documented range, …).
	Warnings ErrorList
}

// Options bound the work the compiler does. The zero value means defaults.
type Options struct {
	MaxDepth           int // nesting depth of the pattern document
	MaxClauses         int // clauses after $or expansion
	MaxSize            int // bytes of pattern text (0: dialect default)
	WildcardComplexity int // patterns.md §4.5; 0: the AWS-compatible default
}

// Compile reads, checks and lowers a pattern written as JSON text. The error,
// if any, is an ErrorList whose entries carry positions in src.
func Compile(src []byte, d Dialect, opts *Options) (*Pattern, error) {
	return nil, errors.New("compiler: not implemented")
}

// CompileValue checks and lowers an already-read value tree (from JSON, YAML
// or HCL). Positions in the diagnostics are those of the tree.
func CompileValue(v *source.Value, d Dialect, opts *Options) (*Pattern, ErrorList) {
	return nil, ErrorList{{Severity: SeverityError, Code: "internal", Reason: "not implemented"}}
}

// Explanation is the reference interpreter's verdict with its reasons.
type Explanation struct {
	Matched bool
	// Clause is the index of the first matching clause, or -1.
	Clause int
	// Lines say, per clause and field, what decided (human-readable).
	Lines []string
}

// Explain evaluates p against one input: an event for EventBridge, a
// Publish request for the SNS dialects. It is the plain, obviously-correct
// reference that the automaton is tested against; speed is not its goal.
// An input that is not acceptable (TestEventPattern's "Parameter Event is not
// valid.", a malformed Publish request) is an *InputError.
func Explain(p *Pattern, input []byte) (*Explanation, error) {
	return nil, errors.New("compiler: not implemented")
}

// InputError reports an input (event or Publish request) that cannot be
// matched at all, as opposed to one that simply does not match.
type InputError struct {
	Msg string
}

func (e *InputError) Error() string { return e.Msg }
