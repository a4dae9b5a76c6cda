package reason

import (
	"fmt"

	"github.com/patternc/patternc/compiler"
)

// Verdict is what Compare concluded.
type Verdict uint8

const (
	// Same: no input is matched by one pattern and not the other.
	Same Verdict = iota + 1
	// Different: at least one witness shows a difference.
	Different
	// Undecided: a difference may exist but could not be shown (an
	// approximated value set left it open; no operator makes one today).
	Undecided
)

func (v Verdict) String() string {
	return [...]string{"", "same", "different", "undecided"}[v]
}

// Witness is an input matched by one pattern and not by the other, with
// compiler.Explain's reasons under each.
type Witness struct {
	Input []byte
	Old   *compiler.Explanation
	New   *compiler.Explanation
}

// Diff is the comparison of two patterns of one dialect.
type Diff struct {
	Verdict Verdict
	// Added is matched by the new pattern and not by the old one;
	// Removed the other way round. Nil when there is none.
	Added, Removed *Witness
	// Caveat qualifies a Same verdict that holds for inputs with one value
	// per path (the SNS String.Array rule for anything-but reads every
	// value of an attribute, so arrays could tell the patterns apart).
	Caveat string
}

// Compare says whether old and new match exactly the same real inputs
// (EventBridge events with a valid envelope, SNS Publish requests) and,
// when they do not, gives a witness each way. Every witness is checked by
// compiler.Explain.
func Compare(old, new *compiler.Pattern) (d *Diff, err error) {
	defer guard(&err)
	if old.Dialect != new.Dialect {
		return nil, fmt.Errorf("reason: cannot compare a %v pattern with a %v one", old.Dialect, new.Dialect)
	}
	ob, nb := patternBoxes(old), patternBoxes(new)
	d = &Diff{Verdict: Same}
	undecided := false
	for _, dir := range []struct {
		from, to []box
		out      **Witness
		inNew    bool
	}{{nb, ob, &d.Added, true}, {ob, nb, &d.Removed, false}} {
		rest, err := minus(dir.from, dir.to)
		if err != nil {
			return nil, err
		}
		for _, b := range rest {
			if e, k := b.empty(); e && k {
				continue
			}
			w, ok := witness(old, new, b, dir.inNew)
			if ok {
				*dir.out = w
				break
			}
			if !b.approx() {
				vals, _ := b.values()
				return nil, fmt.Errorf("reason: internal error: a difference between the patterns has no verified witness\n%s", input(new.Dialect, vals))
			}
			undecided = true
		}
	}
	// Differences that only arrays of objects show (arrays.go).
	if d.Added == nil {
		d.Added, _ = arrayWitness(new, old, true)
	}
	if d.Removed == nil {
		d.Removed, _ = arrayWitness(old, new, false)
	}
	switch {
	case d.Added != nil || d.Removed != nil:
		d.Verdict = Different
	case undecided:
		d.Verdict = Undecided
	default:
		if hasSharedArrays(old) || hasSharedArrays(new) {
			d.Caveat = "for events whose arrays of objects do not separate the fields of a clause: {\"exists\": false} is judged within the array element the other fields use, and no such event told the patterns apart"
		}
		for _, bs := range [][]box{ob, nb} {
			for _, b := range bs {
				for _, s := range b.sets {
					if s.Approx {
						d.Caveat = "for messages whose attributes hold one value each: anything-but on a String.Array attribute reads all of its values"
					}
				}
			}
		}
	}
	return d, nil
}

// witness builds the input of a box and checks that it is matched by the
// pattern it should be matched by and not by the other.
func witness(old, new *compiler.Pattern, b box, inNew bool) (*Witness, bool) {
	vals, ok := b.values()
	if !ok {
		return nil, false
	}
	in := input(new.Dialect, vals)
	eo, err1 := compiler.Explain(old, in)
	en, err2 := compiler.Explain(new, in)
	if err1 != nil || err2 != nil || en.Matched != inNew || eo.Matched == inNew {
		return nil, false
	}
	return &Witness{Input: in, Old: eo, New: en}, true
}

// Subsumes reports whether every real input that a matches, b matches too
// (known false when an approximation leaves it open).
func Subsumes(b, a *compiler.Pattern) (yes, known bool, err error) {
	defer guard(&err)
	if a.Dialect != b.Dialect {
		return false, true, nil
	}
	rest, err := minus(patternBoxes(a), patternBoxes(b))
	if err != nil {
		return false, false, err
	}
	yes, known, err = subsumedRest(rest)
	if !yes || err != nil {
		return yes, known, err
	}
	// Arrays of objects can separate what one-value events cannot.
	if _, found := arrayWitness(a, b, true); found {
		return false, true, nil
	}
	if hasSharedArrays(a) || hasSharedArrays(b) {
		return false, false, nil
	}
	return true, true, nil
}

func subsumedRest(rest []box) (yes, known bool, err error) {
	known = true
	for _, r := range rest {
		e, k := r.empty()
		if !e && k {
			return false, true, nil
		}
		if !e {
			known = false
		}
	}
	return known, known, nil
}
