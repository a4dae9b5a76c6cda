package reason

import (
	"fmt"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
	"github.com/patternc/patternc/compiler/valueset"
)

// Example is an input that a clause of a pattern matches.
type Example struct {
	Clause int    // index in Pattern.Clauses
	Input  []byte // an EventBridge event, or an SNS Publish request
	// Lines are compiler.Explain's reasons for the match.
	Lines []string
}

// Dead is a clause that no real input can satisfy, with the field that
// rules it out.
type Dead struct {
	Clause int
	Path   string
	Pos    source.Pos // where the field's first condition is written
	Reason string
	// Envelope is true when the field's conditions accept values, just
	// not any a real event has there; false when they accept nothing.
	Envelope bool
}

func deadClause(ci int, f *compiler.Field, alone valueset.Set) Dead {
	e, k := alone.IsEmpty()
	return Dead{Clause: ci, Path: f.Path, Pos: f.Conds[0].Pos, Reason: envelopeReason(f.Path, f, alone), Envelope: !(e && k)}
}

// Examples finds, for each clause of p (only the first that has one unless
// all), a small input that it matches, and says for every clause it
// skips why no real event satisfies it. Every example is checked by
// compiler.Explain before it is returned. An error wraps ErrBudget when
// the pattern is too complex to reason about.
func Examples(p *compiler.Pattern, all bool) (examples []Example, dead []Dead, err error) {
	defer guard(&err)
	for ci := range p.Clauses {
		b, f, alone := clauseBox(p.Dialect, &p.Clauses[ci])
		if f != nil {
			dead = append(dead, deadClause(ci, f, alone))
			continue
		}
		if len(examples) > 0 && !all {
			continue
		}
		vals, ok := b.values()
		if !ok {
			continue
		}
		in := input(p.Dialect, vals)
		ex, err := compiler.Explain(p, in)
		if err != nil {
			return nil, nil, fmt.Errorf("reason: internal error: example for clause %d is not a valid input: %v\n%s", ci+1, err, in)
		}
		if !ex.Matched {
			if b.approx() {
				continue // a bound too loose to trust: no example from this clause
			}
			return nil, nil, fmt.Errorf("reason: internal error: the example for clause %d does not match\n%s", ci+1, in)
		}
		examples = append(examples, Example{Clause: ci, Input: in, Lines: ex.Lines})
	}
	return examples, dead, nil
}

// NeverMatches returns the clauses of p that no real input satisfies,
// without building examples (what lint asks).
func NeverMatches(p *compiler.Pattern) (dead []Dead, err error) {
	defer guard(&err)
	for ci := range p.Clauses {
		_, f, alone := clauseBox(p.Dialect, &p.Clauses[ci])
		if f != nil {
			dead = append(dead, deadClause(ci, f, alone))
		}
	}
	return dead, nil
}
