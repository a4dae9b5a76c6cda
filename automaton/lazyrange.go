package automaton

import (
	"unsafe"

	"github.com/patternc/patternc/compiler"
)

// A clause's lone numeric ranges and anything-buts kept beside its
// record. A numeric field whose predicate anchors no clause is computed
// on demand (lazy): decide read the predicate's scratch, then its record
// for the range and the path, two cache misses one after the other for a
// predicate it had not read in a while (at ten thousand rules each
// {"numeric":[">",N]} is a predicate of its own; mixed-10000 decides two
// such fields per event), and an anything-but was computed over its
// path's leaves once per input before any clause could use it. A clause
// of kind decideOthers keeps, for each of its fields that is one numeric
// range and nothing else (predRec.rng, from numeric conditions alone),
// the range and its path, and for each that is one anything-but and
// nothing else (loneAnythingBut), its path (a range lo > hi), in the
// line after its record; decideKept tests them after the other fields,
// a range against the path's leaves and an anything-but by the exclusion
// its one leaf fired (as decideAB), reading neither the predicate's
// scratch nor its record. Removing the computations on demand and the
// branch on each answer was what counted: mixed-10000 trusted, callgrind
// per event, decide+decideKept+decideAll+lazy+hit 2265 -> 2233
// instructions, 39.5 -> 30.3 simulated D1 misses (lazy alone 291 -> 25
// instructions). Thread CPU per event, paired runs: against main before
// the listing kernel, trusted -53..-79 ns (three sets, load 6-12); against
// main with it (baa1b7f, load 2.5), Match -46 ns (-66..-19; -3%) and
// trusted neutral (+6, -47..+104). The ranges kept alone, with the
// answers branched on, were neutral by the clock. The range of a predicate
// never changes (predicates are interned by their conditions), and the
// kept entries travel with a copy of the clause: ownClause copies the
// record, whose field0 points just past them (the copy's entries are
// then no longer in the line after it; a clause is copied when a write
// adds a pattern to it).

// rangedClause is a clause record allocated with room for its kept
// ranges and its fields after it: 256 bytes, a size class whose objects
// start on a cache line, so that the ranges are the line after the
// record's, with its pattern (mixed-10000's S3 rules have five fields:
// after them, the range was a line further on, a second cache miss).
type rangedClause struct {
	r clauseRec
	p [1]patRef // in the line after the record's, as in clauseAllocLine
	// b holds a keptRange for each bit of r.rngs, in order, then the
	// fields (field0).
	b [rangedRoom / 8]uint64
}

// keptRange is a range kept in a clause, with its field's path. The
// first of a clause's carries its rest's id (rests.go) in what was the
// entry's padding.
type keptRange struct {
	keyRange
	path int32
	rest int32
}

// rangedRoom is the bytes a rangedClause has for ranges and fields.
const rangedRoom = 256 - 64 - int(unsafe.Sizeof(patRef{}))

const keptSize = int(unsafe.Sizeof(keptRange{}))

var _ [0]struct{} = [(int(unsafe.Sizeof(rangedClause{})) - 256) * on64]struct{}{}

// keepRanges returns cr, a new clause of this write (not yet in any
// list) of kind decideOthers, moved into a rangedClause with the lone
// ranges of its fields computed on demand before its fields, or nil when
// it has none. cw is its writer's record.
func (t *tx) keepRanges(cr *clauseRec, cw *clauseW) *clauseRec {
	// Only in a large machine (needIDs): a small one decides each
	// candidate as it finds it (decideEach), from records in the cache,
	// with decide, to which the kept entries last only change the order
	// of the fields (complex-arrays decide 439 -> 450 instr/event).
	if !t.m.needIDs || cr.kind != decideOthers || cr.lazy == 0 || len(cr.pats) != 1 {
		return nil
	}
	fs := cr.fieldList()
	room := rangedRoom - len(fs)*int(unsafe.Sizeof(fieldRec{}))
	var rs [clauseOthers]keptRange
	var keep uint8
	n := 0
	for k := range int(cr.n) {
		if cr.lazy>>k&1 == 0 {
			continue
		}
		pw := t.m.preds[cr.others[k]]
		switch r := pw.rec.rng; {
		case (n+1)*keptSize > room:
			continue
		case r.lo <= r.hi && onlyNumeric(pw.conds):
			rs[n] = keptRange{keyRange: r, path: pw.rec.pathIdx}
		case loneAnythingBut(pw):
			rs[n] = keptRange{keyRange: noRange, path: pw.rec.pathIdx}
		default:
			continue
		}
		n++
		keep |= 1 << k
	}
	if keep == 0 {
		return nil
	}
	a := new(rangedClause)
	a.r = *cr
	// The kept fields go last in others, in their order (decide tests
	// them after the rest, so its loop over the rest stops short of
	// them rather than testing each field for a bit: mixed-10000 trusted
	// decide 1107 -> 990 instr/event); the fields named first
	// (cl.named) are not lazy, so they stay where they were. others no
	// longer follows the fields' order then: only decide reads it.
	m := 0
	a.r.lazy, a.r.rngs = 0, 0
	for pass := range 2 {
		for k := range int(cr.n) {
			if keep>>k&1 != uint8(pass) {
				continue
			}
			a.r.others[m] = cr.others[k]
			if cr.lazy>>k&1 != 0 {
				a.r.lazy |= 1 << m
			}
			if pass == 1 {
				a.r.rngs |= 1 << m
			}
			m++
		}
	}
	base := unsafe.Pointer(&a.b[0])
	for j := range n {
		*(*keptRange)(unsafe.Add(base, j*keptSize)) = rs[j]
	}
	f := unsafe.Slice((*fieldRec)(unsafe.Add(base, n*keptSize)), len(fs))
	copy(f, fs)
	a.r.field0 = &f[0]
	a.p[0] = cr.pats[0]
	a.r.pats = a.p[:]
	(*keptRange)(base).rest = t.internRest(&a.r)
	cw.rec = &a.r
	return &a.r
}

// keepAll gives the clauses made while the machine was small, which
// keepRanges left alone, their kept entries, once it has grown large
// (encodeIDs); cur is a clause being made, not yet listed, left to its
// maker. (At ten thousand mixed rules the first few hundred were made
// so: without them decide and lazy cost 76 instructions per event more.)
func (t *tx) keepAll(cur *clauseW) {
	for _, cw := range t.m.clauses {
		if cw == cur || cw.anchor == nil || cw.rec.rngs != 0 {
			continue
		}
		if old := cw.rec; t.keepRanges(old, cw) != nil {
			t.replaceClause(cw, old, cw.rec)
		}
	}
}

// loneAnythingBut tells whether pw is one anything-but and nothing else
// (abFirstShape's first field): with one leaf at its path, in no array,
// it holds unless that leaf fired its exclusion (Matcher.abEx).
func loneAnythingBut(pw *predW) bool {
	lz := pw.rec.lz
	return len(pw.conds) == 1 && pw.conds[0].Op == compiler.OpAnythingBut &&
		lz != nil && len(lz.ab) == 1 && len(lz.exists) == 0 && len(lz.ranges) == 0
}

// onlyNumeric tells whether conds are all numeric conditions: a field
// with others too ({"numeric":[">",0]} or a suffix) may hold by a
// condition the scan fires, which only its predicate knows.
func onlyNumeric(conds []compiler.Condition) bool {
	for i := range conds {
		if conds[i].Op != compiler.OpNumeric {
			return false
		}
	}
	return true
}
