package automaton

import "github.com/patternc/patternc/compiler"

// The usual anything-but rule names one exact field and excludes a few
// values of another: {"ODD_EVEN":["E"], "STREET":[{"anything-but":[…]}]}.
// A hundred such rules share their anchor, and each one that is evaluated
// computes its anything-but on demand (walk the path's leaves, look for
// the exclusion, record a hit, then decide the clause): several hundred
// instructions, for a clause that nearly always matches. The clause is
// decided here instead, when its anything-but path has a single leaf that
// lies in no array: the clause holds unless that leaf fired the exclusion,
// which fire stamped in Matcher.abEx; with no leaf, it fails. Several
// leaves, or a leaf in an array, go through evaluate. (Matcher.decideAll does
// this, for the clauses an anchor nominates.)

// abFirstShape tells whether a clause, its fields in evaluation order,
// can be decided so: two required fields, the first a predicate
// whose one condition is an anything-but (no other condition fires it).
func abFirstShape(fields []fieldRec, preds []*predW, full bool) bool {
	if full || len(fields) != 2 {
		return false
	}
	f0, f1 := &fields[0], &fields[1]
	if f0.allowAbsent || f1.allowAbsent || f0.pred < 0 || f1.pred < 0 || !f0.lazy || f0.pred == f1.pred {
		return false
	}
	pw := preds[f0.pred]
	if pw == nil || len(pw.conds) != 1 || pw.conds[0].Op != compiler.OpAnythingBut {
		return false
	}
	lz := pw.rec.lz
	return lz != nil && len(lz.ab) == 1 && len(lz.exists) == 0 && len(lz.ranges) == 0
}

// abLeaves classes the leaves at an anything-but path for the clauses
// of abFirstShape.
type abLeafClass uint8

const (
	abFallback abLeafClass = iota // several leaves, or one in an array: evaluate decides
	abNone                        // no leaf: the anything-but does not hold
	abSingle                      // one leaf in no array: abEx decides
)

// abLeaves tells how the clauses of abFirstShape whose anything-but is at
// path idx are decided in this input. Their anchor (the clause's other
// field) has fired; with one leaf in no array at idx, the two fields
// cannot be inconsistent, so the clause holds unless that leaf fired the
// anything-but's exclusion, which fire stamped in abEx.
func (mt *Matcher) abLeaves(idx int32) abLeafClass {
	mt.memoDep = true // reads the leaves (memo.go)
	ps := &mt.pathLeaves[idx]
	switch {
	case ps.epoch != mt.epoch:
		return abNone
	case ps.head != ps.tail:
		return abFallback
	case mt.leaves[ps.head].tr1 > mt.leaves[ps.head].tr0:
		return abFallback
	}
	return abSingle
}
