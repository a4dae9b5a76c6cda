package automaton

import (
	"slices"
	"unsafe"
)

// Ranges straight to their clause. A numeric range that anchors one
// clause, and is used by no other ({"size":[{"numeric":[">=",lo,"<",hi]}]}
// beside a source prefix and a region: mixed-10000 has 1667 such rules,
// each range its own predicate, and an S3 event stabs some ten of them),
// was a hit (its predicate on the fired list and marked fired), then an
// entry the listing found through the predicate's record, then a
// candidate. The range index keeps that one clause beside the range
// (rangeCond.cl, rangeEntry.cl), and a number in it in no array hands
// the clause to deciding straight (Matcher.direct): the predicate's
// scratch says it has fired, for a second leaf, and nothing else reads
// it. A range whose predicate anchors several clauses or is a field of
// another, or a number in an array, takes the way of every hit. The
// writer keeps the clause beside the range as it is published: a write
// that changes a range predicate's clauses or uses recomputes its path's
// index (redirect, at commit). mixed-10000's S3 events, callgrind per
// event (trusted, cache simulated): hit + stab + the listing kernel +
// decideKeptRun 4214 -> 3668 instructions with hitRange and decideDirect,
// 55.6 -> 46.6 L1 misses. Paired thread CPU (two machines, 400 pairs,
// load 8-10), S3 events alone: trusted -45 and -55 ns per event, Match
// -31 and -39; the whole corpus within its noise (+11 and 0, quartiles
// +-100).

// hitRange records that leaf li satisfies range predicate p, whose one
// clause is cl (nil: none kept), as stab finds it.
func (mt *Matcher) hitRange(p int32, cl *clauseRec, li int32) {
	if cl == nil || len(mt.stack) != 0 || !mt.marks {
		if cl != nil && mt.marks && mt.firedMark[p] == mt.mark {
			mt.anchorHit(p) // after a hit handed straight: not a first
		}
		mt.hit(p, li)
		return
	}
	if mt.firedMark[p] == mt.mark {
		// A second leaf: recorded as any hit is, after the first
		// (anchorHit). The clause may be decided straight, its anchor's
		// hit taken as in no array: it is then decided as if it were
		// (directArr), which the consistency search answers exactly.
		mt.anchorHit(p)
		mt.directArr = true
		mt.hit(p, li)
		return
	}
	// Marked fired but not on the fired list, which the listing reads,
	// and the predicate's scratch left as it was: nothing reads it unless
	// a second leaf or a search asks (anchorHit). The scratch line, a
	// predicate's of its own for each range stabbed, was a cache miss per
	// hit: mixed-10000's S3 events (trusted, callgrind per event) hitRange
	// 510 -> 370 instructions, 9.3 -> 2.2 L1 read misses (2.7 -> 0.4
	// write misses).
	mt.firedMark[p] = mt.mark
	// The clause's two lines, which deciding reads only once the scan
	// is over (setKinds the record's, decideKeptRun the kept entries'
	// and the pattern's), asked for now so that their misses overlap the
	// rest of the scan. Paired thread CPU, whole corpus, on-off median
	// (build orders ab and ba): trusted -12.1 and -18.3 ns/event, Match
	// -9.7 and -17.4 (400 pairs, load 9-10, before the bounded range
	// nodes); with them, trusted -0.2 and -11.6, -11.8 and -18.6 (1000
	// pairs, quartiles about +-100, load 9-15), Match -9.6 and +0.2
	// (1000 pairs, load 14); S3 events alone -13.1 (300 pairs).
	prefetchClause(cl)
	mt.direct = append(mt.direct, candidate{cl: uintptr(unsafe.Pointer(cl)), pred: p})
}

// anchorHit records the hit of the free leaf that hitRange left out of
// predicate p's scratch, as firstHit, off the fired list.
func (mt *Matcher) anchorHit(p int32) {
	if ps := &mt.pred[p]; ps.epoch != mt.epoch {
		ps.epoch, ps.head = mt.epoch, 0
	}
}

// decideDirect decides the clauses stab handed straight to deciding
// (see above), whose need nothing has tested.
//
// Tried and lost (s3, 090f623): a range entry carrying its clause's
// shared rest (rests.go) when the clause is a rangedClause of one
// pattern that decideKeptRun takes, so that once the rest is answered
// only the pattern's id, in the line after the record, is read: S3
// events callgrind decideKeptRun 1209 -> 1070 instr/event, the record
// lines' misses (9.6 per event) moved to the pattern's line. By the
// clock (paired, 1000 pairs, S3 alone) +40..+50 ns/event as a loop of
// its own with a branch on the answer and a call per first of a rest;
// +29 inside decideKeptRun's loop, where the misses no longer overlapped
// as setKinds' loop makes them; +4 with that loop touching each
// candidate's line first: the lines are L2 hits there, and S3 events run
// at about three instructions a cycle, so the fewer misses bought
// nothing. Together with the flat index (see stab), the whole corpus
// (load 11-15): trusted -22.8 and -0.0 ns/event (600 pairs, both build
// orders, quartiles +-200), again -21.9 and +30.8 (1000 pairs, +-110),
// Match +5.6 and -16.6; S3 alone -14.1 and -29.4: neutral.
func (mt *Matcher) decideDirect(dst []ID) []ID {
	cands := mt.direct
	setKinds(cands)
	ab := abMemo{path: -1, leaves: abFallback}
	for i := 0; i < len(cands); i++ {
		c := &cands[i]
		c.arr = mt.directArr
		cl := c.clause()
		if c.kind != decideOthers || cl.rngs == 0 || mt.arrHits {
			// The search and evaluate read the anchor's hits.
			mt.anchorHit(c.pred)
			dst = mt.decideCand(dst, cl, c.kind, c.arr, &ab)
			continue
		}
		var took int
		dst, took = mt.decideKeptFrom(dst, cands[i:], false)
		i += took - 1
	}
	return dst
}

// directOf returns the clause a range of pw keeps beside it: its one
// clause, where pw is a field of no other and of numeric conditions
// alone (a hit handed straight leaves the predicate's scratch as it was,
// which a condition fired elsewhere, a string or an anything-but, would
// take for its first); else nil.
func directOf(pw *predW) *clauseRec {
	if pw == nil || pw.uses != 1 || len(pw.rec.anchors) != 1 || !onlyNumeric(pw.conds) {
		return nil
	}
	if cl := pw.rec.anchors[0].cl; cl.kind != decideThresh {
		return cl
	}
	return nil
}

// redirectRanges has commit recompute the clauses kept beside the ranges
// at pw's path, when pw has ranges there: its clauses or uses changed.
func (t *tx) redirectRanges(pw *predW) {
	if lz := pw.rec.lz; lz == nil || len(lz.ranges) == 0 {
		return
	}
	pm := t.path(pw.input, pw.path)
	if !slices.Contains(t.redirects, pm) {
		t.redirects = append(t.redirects, pm)
	}
}

// redirected returns ri with the clause beside each range recomputed,
// to be built anew.
func (ri rangeIndex) redirected(m *Machine) rangeIndex {
	conds := slices.Clone(ri.conds)
	for i := range conds {
		conds[i].cl = nil
		if int(conds[i].pred) < len(m.preds) {
			conds[i].cl = directOf(m.preds[conds[i].pred])
		}
	}
	return rangeIndex{conds: conds}
}

// Rest hits. A range kept beside a clause of one pattern whose fields
// besides the range are a shared rest (rests.go) — mixed-10000's 1667
// S3 size rules, four rests among them, some ten hits an S3 event — has
// that rest, its representative clause and the pattern's id in its
// range entries (rangeEntry.rest, rep, id). stab lists such a hit
// (hitRest) without marking its predicate fired or asking for its
// clause's lines, and deciding answers each rest once per input, by its
// representative, whose lines every input that hits the rest reads and
// which therefore stay in the cache, where each hit's own clause is read
// by few inputs; every hit of the rest is then its answer and the id
// beside it (decideRestHits). Anything the fast way cannot tell — a hit
// in an array, a second leaf, a rest decideKeptRun cannot answer — goes
// hitRange's way, as if the hits listed so far had gone it too
// (flushRestHits). A predicate with several ranges in the index keeps no
// rest in its entries: a leaf may hit it twice, which only the fired mark
// tells. Callgrind, mixed-10000's S3 events, trusted:
// 7988 -> 7610 instr/event, simulated L1 read misses 61.6 -> 36.2. In-
// process A/B (one binary, a switch, 300 whole-corpus rounds, on-off
// median): mixed-10000 trusted -1.95 and -1.24 % (-1.23, -3.60, -1.95 a
// step before), Match -2.56 %. Measured and lost on the way: each hit's
// own clause deciding its rest (the clause's lines asked for as its rest
// is first hit), with the fired mark kept: +1.05, +0.52, +0.97 % (no
// prefetch), -1.36, +0.21, -0.21 % (with it); the rests answered by the
// hits' own clauses without a prefetch and with no fired mark, +1.42,
// +0.47, +1.40 %; after this change, the rests answered in a loop of
// their own before the loop that appends (+1.28, +0.71, +0.60 %), and the
// representatives' lines asked for as stab starts (-0.35, +0.77,
// +0.81 %). What is left costs more than its instructions suggest:
// skipping decideRestHits altogether (wrong answers, an upper bound)
// measured -3.67 and -3.89 %, doing nothing at all for these hits -2.94
// and -4.67 % (before this change, -6.25 and -6.59 %). Also lost: a
// node's run of entries with rests listed as one (its first entry and
// count; stab's loops only finding where the hits end, one call per
// node): S3 events callgrind trusted 7182 -> 7333 instr/event, stab 671
// -> 572 but decideRestHits 416 -> 588 (a loop in a loop) and hitRest's
// 218 now 288 in two calls: an S3 event's ten hits lie in about five
// nodes.

// restDirect returns the shared rest of cl, a clause kept beside a range,
// where decideKeptRun can take it with its rest alone: one pattern, once,
// of kind decideOthers, with kept entries whose first carries a rest of
// two clauses or more; else 0.
func restDirect(cl *clauseRec) int32 {
	if cl == nil || cl.kind != decideOthers || cl.rngs == 0 || !cl.once || len(cl.pats) != 1 {
		return 0
	}
	return keptOf(cl).rest
}

// listRest is hitRest's usual case in line (stab's three loops inline
// it): a hit of the input's rest leaf, a recorded one, appended to
// restHits. The call to hitRest for every hit cost mixed-10000's S3
// events 188 of hitRest's 218 instr/event. Callgrind trusted, S3 events
// 7192 -> 7041 instr/event, the whole corpus 7697 -> 7664; in-process
// A/B, on-off median of 600 rounds, the whole corpus trusted -0.46,
// -0.41, -0.38 %.
func (mt *Matcher) listRest(e *rangeEntry, li int32) {
	if li == mt.restLeaf && li > 0 {
		mt.restHits = append(mt.restHits, uintptr(unsafe.Pointer(e)))
		return
	}
	mt.hitRest(e, li)
}

// hitRest lists a hit by leaf li of e, an entry with a rest (stab hands
// it here through listRest, the others to hitRange), in restHits, its
// predicate's fired mark left unset: its range is its predicate's only
// one in the index (treeBuild.ranges), so only another leaf could hit the
// predicate again. All rest hits of an input are of one leaf (restLeaf),
// in no array. A hit of another leaf, of one in an array, or of one whose
// leaves are not recorded (li 0) first hands those listed to hitRange's
// way (flushRestHits), as if they had gone it, and the input lists no
// more.
func (mt *Matcher) hitRest(e *rangeEntry, li int32) {
	switch {
	case li > 0 && li == mt.restLeaf:
		// restLeaf is a leaf in no array, so li, the same leaf, is in
		// none either.
	case li > 0 && mt.restLeaf == 0 && len(mt.stack) == 0 && mt.marks:
		mt.restLeaf = li
	default:
		mt.flushRestHits()
		mt.hitRange(e.pred, e.cl, li)
		return
	}
	mt.restHits = append(mt.restHits, uintptr(unsafe.Pointer(e)))
}

// flushRestHits hands the listed rest hits to hitRange's way, and no
// leaf of the input lists rest hits after.
func (mt *Matcher) flushRestHits() {
	mt.restLeaf = -1
	for i := range mt.restHits {
		mt.directRest(restEntry(&mt.restHits[i]))
	}
	mt.restHits = mt.restHits[:0]
}

// directRest hands e's clause to decideDirect as hitRange hands a first
// hit: its predicate marked fired. (Not inlined: in decideRestHits' loop,
// where it is rare, its append cost the usual case registers, callgrind
// trusted S3 events 7060 -> 7043 instr/event out of line.)
//
//go:noinline
func (mt *Matcher) directRest(e *rangeEntry) {
	mt.firedMark[e.pred] = mt.mark
	mt.direct = append(mt.direct, candidate{cl: uintptr(unsafe.Pointer(e.cl)), pred: e.pred})
}

// restEntry returns the entry a word of restHits holds. (The snapshot
// the Matcher holds while it matches keeps it alive, as candidate.cl's
// clause.)
func restEntry(u *uintptr) *rangeEntry {
	return *(**rangeEntry)(unsafe.Pointer(u))
}

// decideRestHits decides the clauses of restHits by their rests'
// answers, each rest answered once, from its representative (rep), whose
// pattern is not the hit's (answerRestBy); a clause whose rest the fields
// cannot answer (a field to compute on demand), and every clause of an
// input whose hits may lie in arrays, go to decideDirect, as hitRange's
// do. (Nothing here marks the decision memo dependent, memoDep: the memo
// holds decideAll's answers alone, and it has kept them before rest hits
// are decided.)
//
// A rest was answered by decideKeptRun on a run of the representative
// alone (its candidate and a scratch dst in the Matcher, the pattern's id
// written there and dropped): 260 instructions per answer, 3.7 answers
// per S3 event. Callgrind, mixed-10000's S3 events trusted 7609 -> 7192
// instr/event; in-process A/B, on-off median of 300 and 1000 rounds, the
// whole corpus trusted -0.59, -1.27, -0.49 %, Match -1.79 %.
func (mt *Matcher) decideRestHits(dst []ID) []ID {
	if mt.directArr || mt.arrHits {
		mt.flushRestHits()
		return dst
	}
	hits := mt.restHits
	dst = slices.Grow(dst, len(hits))
	n := len(dst)
	out := dst[:cap(dst)]
	epoch := mt.epoch
	for i := range hits {
		e := restEntry(&hits[i])
		rs := &mt.rests[e.rest]
		if rs.epoch != epoch && !mt.answerRestBy(rs, e.rep) {
			mt.directRest(e)
			continue
		}
		out[n] = e.id
		n += int(rs.hold)
	}
	return out[:n]
}
