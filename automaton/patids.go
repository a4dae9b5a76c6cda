package automaton

import "unsafe"

// The ids of a clause of several patterns, side by side. A clause that
// several patterns share (at ten thousand rules many are the same rule:
// mixed-10000 decides 2.5 such clauses per event, of 26.6 patterns in
// all) lists them in pats, each with its dense index, 24 bytes a
// pattern, in an array grown one pattern at a time among the other
// records. Such a list keeps its ids, in order, in an array of their own
// as well, found from the slot before the list's first pattern
// (patHead); a clause decided to hold appends a long list's ids in one
// copy, and AddAll packs the lists it grew, one after another
// (packPats). mixed-10000 trusted, callgrind per event: decide +
// appendPats + the copy 678 -> 479 instructions; paired thread CPU, the
// packed ids against the scattered lists (same machine, 1000-event
// chunks alternated, load 9-12): -5%; two machines alternated, packed
// and not: -0.5..-5%. A list of one pattern, the usual clause, is the
// pattern in its record's next line, without the slot.
//
// What is left is the copies themselves, one per clause: mixed-10000's
// intl events append 176 ids from twelve clauses (a name's, ten city
// lists', a note's), and leaving out the copies of eight ids or more
// saved 120-190 ns of 900-1050 per event, where copying as many ids
// from one small array in the cache saved 24-30 (paired thread CPU,
// 400-600 pairs, load 8-10): the cost is typedslicecopy and memmove per
// clause, not the lines read. Prefetching each listed list-of-values
// clause's ids before deciding (+21..+47 ns) and appending a run of
// such clauses in one call, not one each (+6 ns), did not help. The
// ten city lists are now one copy, of ids the Matcher keeps per table
// key (alone.go): -137..-174 ns per intl event.

// patHead is the slot before a list of several patterns: the first of
// their ids. It is laid out as a patRef, a pointer and then words the
// collector does not scan, so that the slot, allocated as one, keeps
// the ids alive.
type patHead struct {
	ids *ID
	_   [unsafe.Sizeof(patRef{}) - unsafe.Sizeof((*ID)(nil))]byte
}

var _ [0]struct{} = [unsafe.Sizeof(patHead{}) - unsafe.Sizeof(patRef{})]struct{}{}

// patIDs returns the ids of pats, a list of two patterns or more.
func patIDs(pats []patRef) []ID {
	head := (*patHead)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(pats)), -int(unsafe.Sizeof(patRef{}))))
	return unsafe.Slice(head.ids, len(pats))
}

// bulkIDs is the fewest patterns a clause appends in one copy of its
// ids; fewer are appended one at a time, from pats (the copy's two
// calls cost escapes-unicode, whose shared clauses have two or three
// patterns, 44 instructions per event more than the loop).
const bulkIDs = 8

// addPat returns pats with p appended, for a write that owns the clause:
// in place while there is room (a published version of the clause reads
// neither pats nor ids past its own length), else in new arrays twice
// the size, the list behind its slot.
func addPat(pats []patRef, p patRef) []patRef {
	n := len(pats)
	if n >= 2 && n < cap(pats) {
		// The ids array is as long as the list's room (below).
		ids := unsafe.Slice(unsafe.SliceData(patIDs(pats)), cap(pats))
		ids[n] = p.id
		return append(pats, p)
	}
	c := max(4, 2*n)
	buf := make([]patRef, 1+n+1, 1+c)
	copy(buf[1:], pats)
	buf[1+n] = p
	ids := make([]ID, c)
	for i := range buf[1:] {
		ids[i] = buf[1+i].id
	}
	(*patHead)(unsafe.Pointer(&buf[0])).ids = &ids[0]
	return buf[1:]
}

// packPats moves the lists of several patterns that this write grew
// (AddAll: a rule set loaded at once) into two arrays of its own, the
// ids of one clause after another's and their lists likewise, each
// behind its slot: grown one pattern at a time, the lists lay scattered
// among the other records, and the same ids packed were read faster
// (see above; the one copy against the loop, both from scattered ids,
// was neutral by the clock). A list packed has no room left (its capacity
// is its length), so a later write gives it new arrays (addPat). A
// single Add does not pack: a clause of n patterns would be copied
// whole for each one added.
func (t *tx) packPats() {
	seen := make(map[*clauseW]bool, len(t.grown))
	list := t.grown[:0]
	n, k := 0, 0
	for _, cw := range t.grown {
		if seen[cw] || cw.gen != t.gen || len(cw.rec.pats) < 2 {
			continue
		}
		seen[cw] = true
		list = append(list, cw)
		n += len(cw.rec.pats)
		k++
	}
	if k == 0 {
		return
	}
	ids := make([]ID, 0, n)
	refs := make([]patRef, 0, n+k)
	for _, cw := range list {
		cr := cw.rec // this write's (cw.gen)
		from := len(refs)
		refs = append(refs, patRef{})
		refs = append(refs, cr.pats...)
		head := len(ids)
		ids = append(ids, patIDs(cr.pats)...)
		(*patHead)(unsafe.Pointer(&refs[from])).ids = &ids[head]
		cr.pats = refs[from+1 : len(refs) : len(refs)]
	}
	clear(t.grown)
	t.grown = t.grown[:0]
}

// packAnchors moves the anchor lists of this write's predicate records
// (AddAll of a rule set: it passes over every predicate) into one
// array, in the order of the predicates' ids, each list without room (a
// later write's entry gives it a new array); a list of one entry goes
// in its record's line (predAlloc), or stays there. Grown one entry at a
// time, and copied when the machine passed needIDsFrom (encodeIDs), the lists lay
// scattered among the other records, and the listing kernel read them
// from more lines (mixed-10000, two machines alternated in 1000-event
// chunks, packed and not, load 8-10: trusted -2..-3%, Match -1..-2%;
// the same with neither packed: +-0.7%). A list of one entry, three
// lists in four at mixed-10000, was copied too, out of its record's line
// (5.72 such lists read per event, 3.03 of them elsewhere); put back in
// the line, the listing kernel's L1 misses fell 24.3 -> 21.1 per event
// (callgrind), and ten alternated quiet runs of `patternc bench --family
// mixed-10000` gave Match 0.76 -> 0.84 on average (trusted 0.94 -> 0.95).
func (t *tx) packAnchors() {
	n := 0
	for _, pw := range t.m.preds {
		if pw == nil || pw.rec.gen != t.gen || inLine(pw.rec) {
			continue
		}
		if pa := allocOf(pw); len(pw.rec.anchors) == 1 && pw.rec == &pa.r {
			pa.a[0] = pw.rec.anchors[0]
			pw.rec.anchors = pa.a[:1:1]
			continue
		}
		n += len(pw.rec.anchors)
	}
	if n == 0 {
		return
	}
	all := make([]anchorRef, 0, n)
	for _, pw := range t.m.preds {
		if pw == nil || pw.rec.gen != t.gen || inLine(pw.rec) || len(pw.rec.anchors) == 0 {
			continue
		}
		from := len(all)
		all = append(all, pw.rec.anchors...)
		pw.rec.anchors = all[from:len(all):len(all)]
	}
}

// allocOf returns the allocation pw lies in (newPred makes every
// predicate in one).
func allocOf(pw *predW) *predAlloc {
	return (*predAlloc)(unsafe.Add(unsafe.Pointer(pw), -int(unsafe.Offsetof(predAlloc{}.w))))
}

// inLine tells whether pr's one anchor entry lies just before it, in its
// line (predAlloc).
func inLine(pr *predRec) bool {
	as := pr.anchors
	return len(as) == 1 && uintptr(unsafe.Pointer(&as[0]))+unsafe.Sizeof(anchorRef{}) == uintptr(unsafe.Pointer(pr))
}
