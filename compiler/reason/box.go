package reason

import (
	"errors"
	"fmt"
	"sort"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/valueset"
)

// A box is one clause read over events that have at most one value per
// path: a value set per path (a path it does not name may hold anything
// the envelope allows). A pattern is a union of boxes, so what one pattern
// matches and another does not is a union of boxes too, computed by box
// subtraction. Why one value per path is enough: every field of a clause
// asks for one leaf, and shrinking an event's values at a path to one of
// them keeps a clause false whenever it was false; see doc.go.
type box struct {
	d    compiler.Dialect
	sets map[string]valueset.Set
	// own are the paths the clause the box came from names; the others
	// were added by subtraction, and an example leaves them out when it
	// can (an absent field reads better than an odd value).
	own map[string]bool
}

// MaxBoxes bounds the pieces a difference is cut into.
const MaxBoxes = 4096

// ErrBudget is returned (wrapped) when reasoning needs more than the
// budget allows: automaton states (valueset.MaxStates) or boxes.
var ErrBudget = errors.New("reason: pattern too complex to reason about within patternc's budget")

func (b box) get(path string) valueset.Set {
	if s, ok := b.sets[path]; ok {
		return s
	}
	return domain(b.d, path)
}

func (b box) with(path string, s valueset.Set) box {
	n := box{d: b.d, sets: make(map[string]valueset.Set, len(b.sets)+1), own: b.own}
	for k, v := range b.sets {
		n.sets[k] = v
	}
	n.sets[path] = s
	return n
}

func (b box) paths() []string {
	out := make([]string, 0, len(b.sets))
	for p := range b.sets {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// clauseBox reads a clause as a box within the envelope. dead is the
// first field no real event can satisfy (nil if none).
func clauseBox(d compiler.Dialect, cl *compiler.Clause) (b box, dead *compiler.Field, alone valueset.Set) {
	b = box{d: d, sets: map[string]valueset.Set{}, own: map[string]bool{}}
	for i := range cl.Fields {
		f := &cl.Fields[i]
		b.own[f.Path] = true
		s := valueset.OfField(f)
		in := s.Intersect(domain(d, f.Path))
		b.sets[f.Path] = in
		if empty, known := in.IsEmpty(); empty && known && dead == nil {
			dead, alone = f, s
		}
	}
	return b, dead, alone
}

// empty says whether the box holds no event (known false when an
// approximated set leaves it open).
func (b box) empty() (empty, known bool) {
	known = true
	for _, p := range b.paths() {
		e, k := b.sets[p].IsEmpty()
		if e && k {
			return true, true
		}
		known = known && k
	}
	return false, known
}

// approx reports whether any set of the box is approximate.
func (b box) approx() bool {
	for _, s := range b.sets {
		if s.Approx || !s.Strings.Exact() {
			return true
		}
	}
	return false
}

// subtract returns boxes covering a minus c, pairwise disjoint.
func subtract(a, c box) []box {
	var out []box
	for _, p := range c.paths() {
		cp := c.sets[p]
		ap := a.get(p)
		rest := ap.Minus(cp)
		if e, k := rest.IsEmpty(); !(e && k) {
			out = append(out, a.with(p, rest))
		}
		both := ap.Intersect(cp)
		if e, k := both.IsEmpty(); e && k {
			return out
		}
		a = a.with(p, both)
	}
	return out
}

// minus is the union of as minus the union of cs.
func minus(as, cs []box) ([]box, error) {
	cur := as
	for _, c := range cs {
		var next []box
		for _, a := range cur {
			next = append(next, subtract(a, c)...)
			if len(next) > MaxBoxes {
				return nil, fmt.Errorf("%w: the difference has more than %d parts", ErrBudget, MaxBoxes)
			}
		}
		cur = next
		if len(cur) == 0 {
			break
		}
	}
	return cur, nil
}

// patternBoxes reads every clause of p; clauses no real event satisfies
// are left out.
func patternBoxes(p *compiler.Pattern) []box {
	var out []box
	for i := range p.Clauses {
		b, dead, _ := clauseBox(p.Dialect, &p.Clauses[i])
		if dead == nil {
			out = append(out, b)
		}
	}
	return out
}

// guard turns a budget panic from valueset into ErrBudget.
func guard(err *error) {
	if r := recover(); r != nil {
		var be *valueset.BudgetError
		if e, ok := r.(error); ok && errors.As(e, &be) {
			*err = fmt.Errorf("%w: %v", ErrBudget, be)
			return
		}
		panic(r)
	}
}
