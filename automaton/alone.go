package automaton

import "unsafe"

// The fired predicates whose one anchored clause is their field alone
// (decideAlone: a list of values, a city of several, whose clause holds
// when the predicate fires). In a large machine (needIDs) such a
// predicate's scratch says so (anchors is anchorsAlone, set when its
// record is cached, loadRec), and stamp, which fires a table key's
// predicates, puts it on the alone list, not the fired list: decideAll
// appends its clause's patterns straight from the list, and the listing
// kernel neither reads its record nor writes a candidate for it. (A
// predicate's first hit elsewhere, firstHit, puts it on the fired list
// as before, to be listed as a candidate of kind decideAlone: firstHit is
// written in line at every stamp of one mark, and the second list took
// it over the inliner's budget.) Where every predicate a key stamps is
// alone, the key's ids are appended in one copy (aloneGroups, below).
//
// mixed-10000's intl events (10% of the corpus) fire twelve predicates
// that anchor clauses, ten of them one city's lists (its own and nine
// pairs), and match 176 patterns, 106 of them by those lists. Callgrind,
// 5000 intl events, trusted, automaton's instructions per event: 8007 ->
// 6570 (listAnchorsAMD64 1076 -> 286, appendPats 629 -> 0, decideAll 409
// -> 121, stamp 403 -> 505, appendGroups 89); memmove, typedslicecopy and
// growslice 874 -> 485. Paired thread CPU (the bench-like harness, intl
// events only, 3000 pairs of 1000 events, load 10-12), on-off median
// (q1, q3): -174 (-392, +4) and -137 (-313, +10) ns/event in the two
// build orders, from about 1050; the alone list without the keys' copies
// -10 and -7 (noise). The whole corpus (20000 events, 5000 in
// callgrind), against cc95d5e: trusted 8638 -> 8506 automaton instr/event
// (listAnchorsAMD64 -79, appendPats -62, decideAll -25, stamp +16),
// Match 9788 -> 9681; paired, 1500 pairs of 4096 events, load 12-14,
// on-off median (q1, q3) trusted -17.3 (-155, +110) and -16.8 (-129,
// +92), Match -27.8 (-124, +65) and -11.8 (-137, +109) ns/event, of
// about 1400 at that load; the other kinds alone within +-13 (medians,
// q1/q3 +-50..185). escapes-unicode (a small machine: no alone list)
// trusted 3832 -> 3831.

// anchorsAlone is predState.anchors for a predicate of one anchored
// clause of kind decideAlone (aloneOnly): every other reader of anchors
// only tests it against zero, and the listing reads the count from the
// record.
const anchorsAlone = -1

// aloneOnly tells that pr anchors one clause, whose only field is pr's.
func aloneOnly(pr *predRec) bool {
	as := pr.anchors
	return len(as) == 1 && as[0].cl.kind == decideAlone
}

// appendAlone appends the patterns of the clauses of the predicates on
// the alone list: each holds (decideAll's decideAlone case).
func (mt *Matcher) appendAlone(dst []ID) []ID {
	if len(mt.groups.fired) > 0 {
		dst = mt.appendGroups(dst)
	}
	pred := mt.pred
	for _, p := range mt.alone[:mt.nalone] {
		cl := pred[p].rec.anchors[0].cl
		if pats := cl.pats; len(pats) == 1 && cl.once { // see appendPats
			dst = append(dst, pats[0].id)
		} else {
			dst = mt.appendPats(dst, cl)
		}
	}
	return dst
}

// The predicates one plain key stamps (a table slot's, stamp), every one
// of them alone: a city's ten lists at mixed-10000. Their clauses'
// patterns are the same for every input that stamps the key, so the
// Matcher keeps them concatenated, per key, for the snapshot it matches
// against, and appends them in one copy: a copy per clause cost
// typedslicecopy's and memmove's calls, some ten an intl event (see
// patids.go).

// aloneGroups is a Matcher's concatenated ids of the keys whose
// predicates are all alone, and the keys stamped in this input.
type aloneGroups struct {
	// fired are the keys stamped in this input, whose predicates went on
	// the alone list and were taken back off it (addGroup).
	fired []groupKey
	// table maps a key (the address of its predicates) to its ids in
	// ids, direct-mapped; cleared when the snapshot changes.
	table *[groupSlots]groupEntry
	ids   []ID
}

// groupKey is the predicates of one key a stamp found all alone.
type groupKey struct {
	ids *int32
	n   int32
}

// groupEntry is a key's concatenated ids: ids[at:at+n], or n < 0 where
// some clause's patterns have other clauses (once is false: they are
// appended one clause at a time, appendPats deduplicating).
type groupEntry struct {
	key    *int32
	at, n  int32
	npreds int32
}

const (
	groupSlots  = 64
	groupProbe  = 8
	groupIDsMax = 4096 // ids kept at most; a full store starts over
)

// clear forgets every key's ids (the snapshot changed).
func (g *aloneGroups) clear() {
	if g.table != nil {
		clear(g.table[:])
	}
	g.ids = g.ids[:0]
}

// addGroup takes the predicates ids stamped, which went on the alone list
// from its position from, back off it, and records them as one key.
func (mt *Matcher) addGroup(ids []int32, from int32) {
	mt.nalone = from
	mt.groups.fired = append(mt.groups.fired, groupKey{ids: &ids[0], n: int32(len(ids))})
}

// appendGroups appends the patterns of the keys stamped in this input.
//
// Measured and lost (3597be9): the key's entry found as it is stamped
// (addGroup, during the scan) and its ids' lines prefetched then, so that
// the copy here, long after, finds them in the cache: callgrind intl
// events trusted 6763 -> 6953 instr/event (the prefetch of some 27 lines
// and a second groupOf); in-process A/B on-off median, intl events alone
// +2.55 / +0.43 % (1000 rounds), whole mixed-10000 +0.29 / +0.16 % (300).
func (mt *Matcher) appendGroups(dst []ID) []ID {
	g := &mt.groups
	for _, k := range g.fired {
		e := mt.groupOf(k)
		if e.n >= 0 {
			dst = append(dst, g.ids[e.at:e.at+e.n]...)
			continue
		}
		for _, p := range unsafe.Slice(k.ids, k.n) {
			dst = mt.appendPats(dst, mt.pred[p].rec.anchors[0].cl)
		}
	}
	return dst
}

// groupOf returns the entry of key k, made on its first use: the table is
// probed from the key's home for groupProbe slots; where they hold
// other keys, everything kept is forgotten and the key made again.
func (mt *Matcher) groupOf(k groupKey) *groupEntry {
	g := &mt.groups
	if g.table == nil {
		g.table = new([groupSlots]groupEntry)
	}
	h := groupHash(k.ids)
	for i := uintptr(0); i < groupProbe; i++ {
		e := &g.table[(h+i)&(groupSlots-1)]
		if e.key == k.ids && e.npreds == k.n {
			return e
		}
		if e.key == nil {
			return mt.fillGroup(e, k)
		}
	}
	g.clear()
	return mt.fillGroup(&g.table[h], k)
}

// groupHash is the home slot of a key: its address, mixed (the
// addresses of one table's keys lie a few words apart, and a product's
// top bits alone put three of ten cities on others' slots).
func groupHash(p *int32) uintptr {
	x := uint64(uintptr(unsafe.Pointer(p)))
	x ^= x >> 29
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 32
	return uintptr(x>>(64-6)) & (groupSlots - 1)
}

// fillGroup makes e, an empty slot of the table, the entry of key k,
// and returns it (another, where the store is full and starts over).
func (mt *Matcher) fillGroup(e *groupEntry, k groupKey) *groupEntry {
	g := &mt.groups
	preds := unsafe.Slice(k.ids, k.n)
	total := 0
	once := true
	for _, p := range preds {
		cl := mt.pred[p].rec.anchors[0].cl
		total += len(cl.pats)
		once = once && cl.once
	}
	*e = groupEntry{key: k.ids, npreds: k.n, n: -1}
	if !once || total > groupIDsMax {
		return e
	}
	if len(g.ids)+total > groupIDsMax {
		// Full: start over.
		g.clear()
		e = &g.table[groupHash(k.ids)]
		*e = groupEntry{key: k.ids, npreds: k.n, n: -1}
	}
	at := len(g.ids)
	for _, p := range preds {
		for _, pat := range mt.pred[p].rec.anchors[0].cl.pats {
			g.ids = append(g.ids, pat.id)
		}
	}
	e.at, e.n = int32(at), int32(total)
	return e
}
