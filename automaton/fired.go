package automaton

import (
	"cmp"
	"slices"
)

// The fired marks: in a large machine (more than needIDsFrom
// predicates), a byte per predicate, set to the input's mark when the
// predicate has its first hit in the input. They are what decideAll
// tests a clause's need against before it loads the clause: two
// predicates each anchor entry names (anchorNeed). At ten thousand rules
// the predicates' scratch (Matcher.pred) is some 500 KB and the clause
// records more, so testing a predicate there, or reading the clause to
// find its predicates, was a cache miss each; the marks of the
// predicates clauses name are a few lines, read from the L1 cache. A
// small machine keeps the 64-bit mask of the fired predicates' ids
// modulo 64 (needMask), one test for all of a clause's fields, but the
// eighteen predicates an AWS event fires at ten thousand rules set a
// quarter of its bits: three in ten of the clauses it let through failed
// on a predicate whose bit another had set (mixed-10000: 12.0 candidates
// per event, 3.7 of them so; 8.2 with the marks). A byte, not a bit: the
// test is a load and a compare, with no shift and no clearing per input
// (the marks are cleared once in 255 inputs, when the mark wraps).

// setFired marks predicate p fired, in the marks or the mask, as the
// machine's anchor entries test them; the caller has just seen its first
// hit in this input.
//
// Measured and lost: in a machine whose memo keys its sets by the mask
// (ids all below 64: decisionMemo.exact), its hash and count left out
// here (a flag tested per predicate) and derived from the mask once in
// decideMemo (a popcount and a multiply): callgrind escapes-unicode
// trusted 3817 -> 3797 instr/event, in-process A/B on-off median +0.76 %
// (q1 -2.28, q3 +3.50), +1.50 % (-1.67, +4.42), 300 rounds.
// Also lost (icode): the mask's arm in a noinline function, to take its
// 40-odd bytes out of the hot lines of the ten functions firstHit is
// inlined in, where a large machine never runs it: the call's cost puts
// firstHit over the inliner's budget: mixed-10000 trusted some +100
// instr/event (7794 -> 7884 with skipWS's loop also out of line, which
// alone took 11).
func (mt *Matcher) setFired(p int32) {
	if mt.marks {
		mt.firedMark[p] = mt.mark
	} else {
		mt.firedBits |= 1 << (p & 63)
		mt.fhash ^= uint64(uint32(p)) * memoMul // the decision memo's key (memo.go)
		mt.nall++
	}
}

// startFired starts the fired marks and mask of a new input. With marks,
// the mask is all ones: a decideEach of a machine grown large and
// shrunk again, which tests the mask, then lets every entry through.
func (mt *Matcher) startFired() {
	mt.marks = mt.snap.needIDs
	if !mt.marks {
		mt.firedBits = 0
		return
	}
	mt.firedBits = ^uint64(0)
	if mt.mark++; mt.mark == 0 {
		clear(mt.firedMark)
		mt.mark = 1
	}
}

// encodeIDs turns the anchor entries of every predicate from masks into
// the predicates they name, once the machine has more than needIDsFrom
// predicates (the entries are copied: the published ones are read).
func (t *tx) encodeIDs() {
	t.m.needIDs = true
	for _, pw := range t.m.preds {
		if pw == nil || len(pw.rec.anchors) == 0 {
			continue
		}
		pr := t.ownPred(pw)
		as := slices.Clone(pr.anchors)
		for k := range as {
			as[k].need = anchorNeed(as[k].cl.fieldList(), as[k].cl.kind, pr.id, true)
		}
		groupAnchors(as)
		pr.anchors = as
	}
}

// needIDs marks an anchorRef.need that names two predicates, not a mask
// (needMask). Such a need holds the first predicate's id in bits 0-23,
// the second's in bits 24-47, in bits 48-59 the entry's run, and in
// bits 60-62 its clause's kind (needKind), so that the listing writes
// each candidate's kind from its entry without loading its clause's
// line (listanchors.go). The run: the
// entries of a predicate's list are ordered by their first predicate,
// and the last of each run of entries with the same first predicate
// counts the run (groupAnchors), so that listAnchors passes over a run
// whose predicate has not fired without reading it, in a list of more
// than flatMax entries; it reads every entry of a shorter list
// (listanchors.go).
const (
	needIDs   = 1 << 63
	needMax   = 1<<24 - 1 // the largest id a need names
	needRun   = 48
	needRunMx = 1<<12 - 1
	needKind  = 60
)

// A clause's kind fits in the need's three bits (needKind).
var _ [7 - decideAbsent]struct{}

// needKindOf returns the clause's kind a need of the needIDs form holds.
func needKindOf(need uint64) decideKind { return decideKind(need >> needKind & 7) }

// withKind returns need, of the needIDs form, holding kind.
func withKind(need uint64, kind decideKind) uint64 {
	return need&^(7<<needKind) | uint64(kind&7)<<needKind
}

// needFirst returns the first predicate a need of the needIDs form names.
func needFirst(need uint64) uint64 { return need & needMax }

// needRunOf returns the run a need of the needIDs form counts.
func needRunOf(need uint64) int { return int(need >> needRun & needRunMx) }

// anchorNeed returns the need of an anchor entry of a clause with
// fields fs (anchorRef): a mask (needMask) while the machine has no more
// than needIDsFrom predicates, else the two predicates it names: the
// first two required fields, other than the anchor's, whose predicates
// fire during the scan (not computed on demand), or the anchor itself in
// place of those missing (it has fired when the entry is read).
// orderFields put the most selective first, so these are the fields most
// candidates would fail on; the rest (a source, a detail-type, which fire
// for every event of the kind) are decided from the clause. A mask does
// better while few predicates fire, as in a small machine: one test for
// every field of the clause.
// kind is the clause's (setDecide), which the needIDs form holds.
func anchorNeed(fs []fieldRec, kind decideKind, anchor int32, named bool) uint64 {
	if !named {
		return needMask(fs)
	}
	ids := [2]int32{anchor, anchor}
	n := 0
	for _, f := range fs {
		if n == len(ids) {
			break
		}
		if f.pred < 0 || f.pred == anchor || f.lazy || f.allowAbsent || f.pred > needMax {
			continue
		}
		ids[n] = f.pred
		n++
	}
	return needIDs | uint64(kind&7)<<needKind | uint64(ids[1])<<24 | uint64(ids[0])
}

// addAnchor appends a, made by anchorNeed, to the anchors of pr, which
// this write owns, keeping a named list grouped (groupAnchors): in place
// when a sorts last (the published entries before it are not changed),
// else in a copy.
func addAnchor(pr *predRec, a anchorRef) {
	as := pr.anchors
	if a.need&needIDs == 0 {
		pr.anchors = append(as, a)
		return
	}
	if n := len(as); n == 0 || needFirst(as[n-1].need) < needFirst(a.need) {
		pr.anchors = append(as, withRun(a, 1))
		return
	} else if last := as[n-1].need; needFirst(last) == needFirst(a.need) && needRunOf(last) < needRunMx {
		pr.anchors = append(as, withRun(a, needRunOf(last)+1))
		return
	}
	c := make([]anchorRef, len(as), len(as)+1+len(as)/4)
	copy(c, as)
	c = append(c, a)
	groupAnchors(c)
	pr.anchors = c
}

// groupAnchors orders a named list (a copy this write owns) by the first
// predicate each entry names and counts the runs.
func groupAnchors(as []anchorRef) {
	if len(as) == 0 || as[0].need&needIDs == 0 {
		return
	}
	slices.SortStableFunc(as, func(a, b anchorRef) int {
		return cmp.Compare(needFirst(a.need), needFirst(b.need))
	})
	for i := range as {
		run := 1
		if i > 0 && needFirst(as[i-1].need) == needFirst(as[i].need) && needRunOf(as[i-1].need) < needRunMx {
			run = needRunOf(as[i-1].need) + 1
		}
		as[i] = withRun(as[i], run)
	}
}

// withRun returns a with its run set to run.
func withRun(a anchorRef, run int) anchorRef {
	a.need = a.need&^(needRunMx<<needRun) | uint64(run&needRunMx)<<needRun
	return a
}

// needIDsFrom is the most predicates a machine may have for the anchor
// entries it makes to hold masks: about the size at which Match decides
// in two passes (decideInOnePass). (A variable, so that the tests run
// both ways, and across the change.)
var needIDsFrom int32 = 768

// firstHit records the first hit of predicate p (ps, its scratch) in
// this input, by the free leaf (head 0, no record): it goes on the fired
// list where decideAll must look at it, and is marked fired as the
// anchor entries test it. The stamps of one plain mark — in the tries'
// walks, the exact-value tables, the written forms, the infix walks, the
// trusted member loop — each test the predicate's epoch themselves and
// call this in line (cost 51 of the inliner's 80: with the epoch test
// and the repeat hit's branch, a stamp of one predicate is over the
// budget, and a call per fired predicate cost the member loops their
// registers), so that what a first hit must do is written once: two
// stamps written out before the fired marks existed set the mask alone,
// and a large machine dropped the clauses that needed their predicates.
func (mt *Matcher) firstHit(ps *predState, p int32) {
	ps.epoch, ps.head = mt.epoch, 0
	if ps.anchors != 0 || ps.recEpoch < mt.snapEpoch { // see fired
		mt.fired[mt.nfired] = p
		mt.nfired++
	}
	mt.setFired(p)
}
