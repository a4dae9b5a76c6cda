package automaton

import (
	"math/bits"
	"unsafe"

	"github.com/patternc/patternc/compiler"
)

// A clause's lone numeric ranges kept beside its record. A numeric field
// whose predicate anchors no clause is computed on demand (lazy): decide
// read the predicate's scratch, then its record for the range and the
// path, two cache misses one after the other for a predicate it had not
// read in a while (at ten thousand rules each {"numeric":[">",N]} is a
// predicate of its own; mixed-10000 decides two such fields per event).
// A clause of kind decideOthers keeps the ranges of its fields that are
// one numeric range and nothing else (predRec.rng, from numeric
// conditions alone), with their paths, in the line after its record;
// decide tests them after the other fields, against the path's leaves
// (rangeHolds), reading neither the predicate's scratch nor its record
// (mixed-10000 trusted: decide, lazy and rangeHolds 17.6 -> 13.7
// simulated D1 misses per event, for 20 instructions more). The range
// of a predicate never changes (predicates are interned by their
// conditions), and the kept ranges travel with a copy of the clause:
// ownClause copies the record, whose field0 points just past them (the
// copy's ranges are then no longer in the line after it; a clause is
// copied when a write adds a pattern to it).

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

// keptRange is a range kept in a clause, with its field's path.
type keptRange struct {
	keyRange
	path int32
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
	if cr.kind != decideOthers || cr.lazy == 0 || len(cr.pats) != 1 {
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
		r := pw.rec.rng
		if r.lo > r.hi || !onlyNumeric(pw.conds) || (n+1)*keptSize > room {
			continue
		}
		rs[n] = keptRange{keyRange: r, path: pw.rec.pathIdx}
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
	cw.rec = &a.r
	return &a.r
}

// keptAt returns the kept range of others[k] of cl (bit k of cl.rngs):
// the ranges end at the first field, the last of them kept for the
// highest k.
func (cl *clauseRec) keptAt(k int) *keptRange {
	return (*keptRange)(unsafe.Add(unsafe.Pointer(cl.field0), -bits.OnesCount8(cl.rngs>>k)*keptSize))
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

// rangeAnswer is what rangeHolds can tell of a kept range.
type rangeAnswer uint8

const (
	rangeAsk   rangeAnswer = iota // the predicate decides (lazy)
	rangeHolds                    // a leaf of the path is in the range
	rangeFails                    // no leaf of the path is
)

// rangeHolds tests others[k] of cl (decideOthers: bit k of cl.rngs is
// set), a kept range, against the leaves of its path.
// It answers only where the leaves tell it all: the path records every
// leaf (recordAll; a range that anchors nothing sets it, one that
// anchors has it in the range index and may have fired by the scan
// alone) and none of them lies in an array (a hit there would matter to
// the consistency search, which reads the predicate's hits).
func (mt *Matcher) rangeHolds(cl *clauseRec, k int) rangeAnswer {
	r := cl.keptAt(k)
	pl := &mt.pathLeaves[r.path]
	if pl.epoch != mt.epoch || !pl.pm.recordAll {
		return rangeAsk
	}
	ans := rangeFails
	for li := pl.head; li >= 0; li = mt.leaves[li].next {
		l := &mt.leaves[li]
		if l.tr1 > l.tr0 {
			return rangeAsk
		}
		if l.numOK && r.lo <= l.num && l.num <= r.hi {
			ans = rangeHolds
		}
	}
	return ans
}
