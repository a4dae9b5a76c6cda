package automaton

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"unsafe"
)

// Threshold groups. Rules that differ only in a lower bound on one
// number ({"size":[{"numeric":[">",N]}]} beside the same bucket, key
// prefix, source and detail-type: mixed-10000 has about eighty such sets
// of some ten rules) are as many clauses of one pattern under one
// anchor, each with its range kept beside it (lazyrange.go): each was
// listed, and decided by testing the same fields and the same leaves
// again. A write of many patterns (AddAll) puts such clauses, under an
// anchor and with the same need, the same other fields and the same kept
// path, in one anchor entry: a threshGroup, whose bounds are sorted with
// the pattern ids beside them. Deciding it tests the shared fields once,
// takes the largest number at the path, and appends the ids of the
// bounds it reaches, a prefix of the sorted ids. Anything the leaves do
// not tell (a field computed on demand not yet computed, a path that
// records no leaves, a leaf in an array, a hit in an array anywhere)
// decides the members one by one, as they were decided before.
// mixed-10000's S3 events, callgrind per event: trusted 12782 -> 9890
// instructions (decideKeptRun 3165 -> 1480, the listing kernel 2096 ->
// 1209, decideThresh 186), Match 12329 -> 9858; the whole corpus trusted
// 9374 -> 8718. Paired thread CPU (two machines, with and without groups,
// 400 alternated pairs, load 7-10), median per event: S3 events alone
// trusted -168 ns (1205 -> 1031), Match -177 ns; the whole corpus
// trusted -39 ns, Match -32 ns.
//
// The members stay clauses of their own in the writer; only the anchor
// list holds the group. A write that changes or removes a member's entry
// (replaceClause) first puts the members back in the list
// (ungroupAnchors), and the write regroups the lists it changed at its
// end (regroup).

// decideThresh is the kind of a threshGroup's record.
const decideThresh = decideAlone + 1

// threshMin is the fewest clauses a group holds: fewer are listed and
// decided one by one.
const threshMin = 4

// threshGroup is a group of clauses (see above). r is what the listing
// and decideAll read as a candidate's record: others[:n] are the shared
// fields, in the members' order, named and lazy as theirs.
type threshGroup struct {
	r    clauseRec
	path int32 // the kept range's path
	// los are the members' lower bounds, ascending, with their patterns'
	// ids and their clauses beside them.
	los     []uint64
	ids     []ID
	members []*clauseRec
}

// group returns the threshGroup whose record cl is.
func (cl *clauseRec) group() *threshGroup {
	return (*threshGroup)(unsafe.Pointer(cl))
}

// threshKey is what the members of a group share.
type threshKey struct {
	need   uint64 // without the run
	others [clauseOthers]int32
	n      uint8
	lazy   uint8
	named  uint8
	path   int32
}

// threshOf returns the key and lower bound of a clause that may join a
// group: of kind decideOthers, once, of one pattern, whose only kept
// entry, its last field, is a range with no upper bound.
func threshOf(a anchorRef) (threshKey, uint64, bool) {
	cl := a.cl
	if cl.kind != decideOthers || !cl.once || len(cl.pats) != 1 || a.need&needIDs == 0 ||
		bits.OnesCount8(cl.rngs) != 1 || cl.rngs != 1<<(cl.n-1) {
		return threshKey{}, 0, false
	}
	r := (*keptRange)(unsafe.Add(unsafe.Pointer(cl.field0), -keptSize))
	if r.lo > r.hi || r.hi != math.MaxUint64 {
		return threshKey{}, 0, false
	}
	k := threshKey{need: a.need &^ (needRunMx << needRun), n: cl.n - 1, named: cl.named, path: r.path}
	k.lazy = cl.lazy &^ cl.rngs
	copy(k.others[:k.n], cl.others[:k.n])
	return k, r.lo, true
}

// ungroupAnchors returns as with each group's members in its place, as
// entries of their own (as itself when it holds no group).
func ungroupAnchors(as []anchorRef) []anchorRef {
	if !slices.ContainsFunc(as, func(a anchorRef) bool { return a.cl.kind == decideThresh }) {
		return as
	}
	out := make([]anchorRef, 0, len(as)+8)
	for _, a := range as {
		if a.cl.kind != decideThresh {
			out = append(out, a)
			continue
		}
		for _, m := range a.cl.group().members {
			out = append(out, anchorRef{cl: m, need: withKind(a.need, m.kind)})
		}
	}
	groupAnchors(out)
	return out
}

// regroup puts the clauses of pw's anchor list that share a threshKey,
// threshMin or more of them, in groups (see above).
func (t *tx) regroup(pw *predW) {
	as := pw.rec.anchors
	if len(as) < threshMin || as[0].need&needIDs == 0 {
		return
	}
	n := 0
	for _, a := range as {
		if a.cl.kind == decideThresh {
			n += threshMin
		} else if _, _, ok := threshOf(a); ok {
			n++
		}
	}
	if n < threshMin {
		return
	}
	as = ungroupAnchors(as)
	type member struct {
		at int
		lo uint64
	}
	// The sets in the order their first member is listed, so that a
	// rule set loaded twice gives the same lists.
	sets := make(map[threshKey]int)
	var keys []threshKey
	var ms [][]member
	for i, a := range as {
		k, lo, ok := threshOf(a)
		if !ok {
			continue
		}
		s, seen := sets[k]
		if !seen {
			s = len(keys)
			sets[k] = s
			keys, ms = append(keys, k), append(ms, nil)
		}
		ms[s] = append(ms[s], member{i, lo})
	}
	drop := make([]bool, len(as))
	var groups []anchorRef
	for s, k := range keys {
		set := ms[s]
		if len(set) < threshMin {
			continue
		}
		slices.SortStableFunc(set, func(a, b member) int { return cmp.Compare(a.lo, b.lo) })
		g := &threshGroup{path: k.path}
		first := as[set[0].at].cl
		g.r = clauseRec{kind: decideThresh, n: k.n, lazy: k.lazy, named: k.named, once: true,
			others: k.others, nfields: first.nfields, field0: first.field0}
		g.los = make([]uint64, len(set))
		g.ids = make([]ID, len(set))
		g.members = make([]*clauseRec, len(set))
		for j, m := range set {
			cl := as[m.at].cl
			g.los[j], g.ids[j], g.members[j] = m.lo, cl.pats[0].id, cl
			drop[m.at] = true
		}
		groups = append(groups, anchorRef{cl: &g.r, need: withKind(k.need, decideThresh)})
	}
	if len(groups) == 0 {
		if len(as) != len(pw.rec.anchors) {
			t.ownPred(pw).anchors = as
		}
		return
	}
	out := make([]anchorRef, 0, len(as))
	for i, a := range as {
		if !drop[i] {
			out = append(out, a)
		}
	}
	out = append(out, groups...)
	groupAnchors(out)
	t.ownPred(pw).anchors = out
}

// regroupAll regroups the anchor lists of the predicates this write
// changed: every one after a write of many patterns, else those it
// logged (t.regroupPreds).
func (t *tx) regroupAll(all bool) {
	if !t.m.needIDs {
		t.regroupPreds = t.regroupPreds[:0]
		return
	}
	if all {
		for _, pw := range t.m.preds {
			if pw != nil && pw.rec.gen == t.gen && len(pw.rec.anchors) >= threshMin {
				t.regroup(pw)
			}
		}
	} else {
		for _, pw := range t.regroupPreds {
			if t.m.preds[pw.rec.id] == pw {
				t.regroup(pw)
			}
		}
	}
	clear(t.regroupPreds)
	t.regroupPreds = t.regroupPreds[:0]
}

// decideThresh decides candidate cl, a threshGroup's record, whose
// anchor has fired (arr: inside an array); named as for decide.
func (mt *Matcher) decideThresh(dst []ID, cl *clauseRec, arr, named bool) []ID {
	g := cl.group()
	epoch := mt.epoch
	mt.memoDep = true // the bounds are tested against the leaves (memo.go)
	if !mt.arrHits {
		from := 0
		if named {
			from = int(cl.named)
		}
		slow, fail := 0, uint32(0)
		for k := from; k < int(cl.n); k++ {
			ps := &mt.pred[cl.others[k]]
			slow |= int(cl.lazy>>k&1) & b2i(ps.lazy != epoch)
			fail |= ps.epoch ^ epoch
		}
		if slow == 0 && fail != 0 {
			return dst
		}
		if pl := &mt.pathLeaves[g.path]; slow == 0 && pl.epoch == epoch && pl.pm.recordAll {
			v, any, inArr := uint64(0), 0, 0
			for li := pl.head; li >= 0; li = mt.leaves[li].next {
				l := &mt.leaves[li]
				inArr |= b2i(l.tr1 > l.tr0)
				if l.numOK {
					v, any = max(v, l.num), 1
				}
			}
			if inArr == 0 {
				if any == 0 {
					return dst
				}
				// The bounds at or below v, a prefix of los.
				lo, hi := 0, len(g.los)
				for lo < hi {
					h := int(uint(lo+hi) >> 1)
					if g.los[h] <= v {
						lo = h + 1
					} else {
						hi = h
					}
				}
				return append(dst, g.ids[:lo]...)
			}
		}
	}
	for _, m := range g.members {
		if mt.arrHits {
			dst = mt.decide(dst, m, arr, named)
		} else {
			dst = mt.decideKept(dst, m, named)
		}
	}
	return dst
}
