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
// which fire stamped in Matcher.abEx. Everything else (no leaf, several
// leaves, a leaf in an array) goes through evaluate.

// abFirstShape tells whether a clause, its fields in evaluation order,
// can be decided by abFirst: two required fields, the first a predicate
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

// abFirst decides clause cl of shape abFirstShape, evaluated because its
// predicate anchor fired; ok is false when evaluate must decide it.
func (mt *Matcher) abFirst(dst []ID, cl *clauseRec, anchor int32) (_ []ID, ok bool) {
	f0 := &cl.fields[0]
	if cl.fields[1].pred != anchor {
		return dst, false
	}
	epoch := mt.epoch
	ps := &mt.pathLeaves[f0.pathIdx]
	if ps.epoch != epoch {
		return dst, true // no leaf: no anything-but holds
	}
	if ps.head != ps.tail {
		return dst, false
	}
	if l := &mt.leaves[ps.head]; l.tr1 > l.tr0 {
		return dst, false
	}
	if mt.abEx[f0.pred] == epoch {
		return dst, true // the leaf is excluded
	}
	for _, pat := range cl.pats {
		if mt.patEpoch[pat.idx] != epoch {
			mt.patEpoch[pat.idx] = epoch
			dst = append(dst, pat.id)
		}
	}
	return dst, true
}
