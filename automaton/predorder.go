package automaton

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/patternc/patternc/compiler"
)

// Rule data laid out for locality when a rule set is loaded at once.
// A predicate's scratch (Matcher.pred, 32 bytes: two to a line), its
// fired mark and its anchor list (packAnchors lays the lists out in id
// order) are found by its id, and ids were handed out as the rules came:
// at ten thousand mixed rules, the few hundred predicates that events
// fire again and again (a source, a detail-type, a region, a state) lay
// each in a line of its own among the thousands that one rule names
// alone (an order id, a size range), and the records of the rules one
// kind of event reads (clauses, patterns, predicates) lay among every
// other kind's, so that each event of one kind evicted another kind's.
// A rule set of planFrom patterns or more loaded into an empty machine
// (AddAll) is first read through for its predicates' keys (planPredIDs):
// the predicates that several clauses name get the first ids, most named
// first, then the numeric ranges by their low ends (the ranges one
// number stabs are neighbours); and the patterns are added grouped by
// their most named predicate (an EventBridge rule's source), so that
// their records are made one after another.
//
// mixed-10000 (callgrind, 5000 events, L1 48 KB 12-way, misses per event
// in the automaton: base -> ids planned -> ids and order): trusted
// 74.2 + 3.5 -> 68.8 + 3.9 -> 70.7 + 5.0 read + write; Match 74.1 + 4.2
// -> 69.8 + 4.1 (ids and order); instructions unchanged. Paired thread
// CPU (whole corpus, 20 000 events, 400 pairs, GOMAXPROCS=1, load
// 9-17), the ids alone against neither: trusted -6.6 (ab) / -15.7 (ba)
// ns per event, Match -1.8 / +5.2, all within the quartiles; the order
// on top of the ids (planned for every predicate then) against the ids
// alone: trusted -42.6 / -53.9 (q1 -158 / -151, q3 +79 / +34), though
// callgrind's L1 counts no fewer misses for it: its gain is in what
// callgrind does not model (the TLB, the pages and L2 lines an event's
// rules span).
// Both, as here (only shared predicates and ranges planned), against
// neither, ns per event of about 1400 (load 10-17): trusted -98.7 (ab,
// q1 -201, q3 +5) / -53.8 (ba, q1 -213, q3 +82), Match -60.3 (ab, q1
// -147, q3 +24) / -90.2 (ba, q1 -191, q3 +20). Memory per pattern:
// mixed-10000 627 -> 629, exact-100000 691 (unchanged).

// planFrom is the fewest patterns an AddAll plans for: the rule data of
// fewer stays in the core's caches, and planning escapes-unicode's 100
// rules cost its trusted path +10.8 ns per event of 469 (paired, ab, q1
// -10.4, q3 +34.9). (A variable, so that the tests plan small sets.)
var planFrom = 1024

// predPlan maps the interning key of each predicate a rule set will make
// that the plan orders to the id it gets; the others get theirs as they
// come, after these.
type predPlan map[string]int32

// planPredIDs returns the ids, from 0 up, of the predicates that adding
// ps to an empty machine makes and that more than one clause names, or
// that are numeric ranges alone: most named first, then by key. The
// predicates of one clause each (exact-100000's hundred thousand values)
// are left in the order they come: planning them too cost exact-100000's
// AddAll 386 -> 624 ms (thread CPU, 3 loads each).
//
// With order, it also returns the order in which AddAll adds ps: by the
// first planned id among each pattern's predicates (its most named one:
// the source of an EventBridge rule), then by its first numeric range's
// (its low end), then in the given order, so that the records of the
// rules that one kind of event reads are made one after another; nil
// when nothing is planned.
func planPredIDs(ps []*compiler.Pattern, order bool) (predPlan, []int) {
	type planned struct {
		key  string
		uses int32
	}
	before := func(a, b *planned) int {
		if c := cmp.Compare(b.uses, a.uses); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	}
	// Counted by a hash of the key, which allocates nothing: two keys
	// of one hash would only be planned together (as one, whose id the
	// second then does not find), never given one id. The fields are
	// read once, each keeping its hash, pattern and key (in one buffer);
	// the uses of each hash are counted sorted, and only a field whose
	// key more than one names (or a range) is looked up by its hash
	// after. A map counting every hash, and a second read of the fields
	// asking it for each (a cache miss an insert and a lookup), made the
	// plan of 100 000 exact patterns take 74 ms, this 44 (medians of 15,
	// old and new alternated in one process, the same plans and orders
	// for those, a 3000-rule set of every shape and 5000 range rules), of
	// an AddAll of some 300 ms.
	//
	// The fields are sized before they are read, and keep where each
	// field lies, not its key: a planned key is written again from its
	// field when it is first met. Appending the keys' text and the fields
	// as they came grew both by a quarter at a time, which allocated
	// about five times their final size (exact-100000: 37 MB of an
	// AddAll's 110, all garbage once planned).
	//
	// Measured and lost: a pattern whose fields' keys no other field of
	// the set has (by hash) and none is planned made its predicates
	// without asking predKeys and the plan, which cannot hold them in the
	// empty machine a plan is made for (exact-100000: two lookups a
	// pattern in maps of 100 000 keys, a tenth of AddAll's profile).
	// BenchmarkAddAll100k thread CPU, alternated: 2874, 3560, 3660, 3846
	// ns/pattern before, 3066, 3556, 3812, 3723 after: the lookup's
	// cache miss moved to the insert that follows it into the same map.
	seed := maphash.MakeSeed()
	var buf []byte
	nf := 0
	for _, p := range ps {
		for ci := range p.Clauses {
			nf += len(p.Clauses[ci].Fields)
		}
	}
	fields := make([]plannedField, 0, nf)
	for i, p := range ps {
		input, _ := inputOf(p.Dialect)
		for ci := range p.Clauses {
			cl := &p.Clauses[ci]
			for fi := range cl.Fields {
				var ok bool
				if buf, ok = appendPredKey(buf[:0], input, &cl.Fields[fi]); ok {
					fields = append(fields, plannedField{h: maphash.Bytes(seed, buf), pat: int32(i), clause: int32(ci), field: int32(fi), numeric: onlyNumeric(cl.Fields[fi].Conds)})
				}
			}
		}
	}
	uses := usesByHash(fields)
	var list []planned
	where := map[uint64]int32{} // a planned key's index in list
	var first []int32           // by pattern: its first planned key's index in list
	var ranged []int32          // by pattern: its first planned range's index in list
	if order {
		first = make([]int32, len(ps))
		ranged = make([]int32, len(ps))
		for i := range first {
			first[i], ranged[i] = -1, -1
		}
	}
	for j := range fields {
		f := &fields[j]
		n := uses[j]
		if n <= 1 && !f.numeric {
			continue // a key of this field alone: never planned
		}
		i := int(f.pat)
		k, ok := where[f.h]
		if !ok {
			p := ps[i]
			input, _ := inputOf(p.Dialect)
			buf, _ = appendPredKey(buf[:0], input, &p.Clauses[f.clause].Fields[f.field])
			k = int32(len(list))
			list = append(list, planned{key: string(buf), uses: n})
			where[f.h] = k
		}
		if first != nil && (first[i] < 0 || before(&list[k], &list[first[i]]) < 0) {
			first[i] = k
		}
		if f.numeric && first != nil && ranged[i] < 0 {
			ranged[i] = k
		}
	}
	idx := make([]int32, len(list))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return before(&list[a], &list[b]) })
	plan := make(predPlan, len(list))
	rank := make([]int32, len(list))
	for id, k := range idx {
		plan[list[k].key] = int32(id)
		rank[k] = int32(id)
	}
	if len(list) == 0 || first == nil {
		return plan, nil
	}
	keys := make([]int32, len(ps))
	perm := make([]int, len(ps))
	for i, k := range first {
		keys[i], perm[i] = int32(len(list)), i
		if k >= 0 {
			keys[i] = rank[k]
		}
	}
	// Tried: the planned ids grouped as the patterns are (by the first
	// group that names each predicate, then most named first), so that
	// one kind's predicates lie together too: callgrind trusted L1 write
	// misses 5.0 -> 3.5 per event, reads the same; paired trusted -12.5
	// (ab, q1 -122, q3 +97) / -34.0 (ba, q1 -148, q3 +64) ns per event
	// against this (300 pairs, load 9-13): within the quartiles, for a
	// third pass over the fields; not kept.
	//
	// Within a group, the patterns of ranges by their first range's id,
	// by low end (s3): the clauses that one number stabs are then made
	// one after another, in a few pages, where they lay among the
	// group's others (mixed-10000's 1667 S3 size rules, 256 bytes each:
	// an S3 event hands some ten of them to deciding, whose lines lay in
	// as many pages of 427 KB). Paired thread CPU, whole corpus, on-off
	// median (1000 pairs, load 10-13, build orders ab and ba): trusted
	// -11.7 (q1 -93, q3 +78) and -9.2 (q1 -77, q3 +61) ns/event, Match
	// -8.1 and -1.8; S3 events alone trusted -10.9 (300 pairs).
	lows := make([]int32, len(ps))
	for i, k := range ranged {
		lows[i] = -1
		if k >= 0 {
			lows[i] = rank[k]
		}
	}
	slices.SortStableFunc(perm, func(a, b int) int {
		if c := cmp.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		return cmp.Compare(lows[a], lows[b])
	})
	return plan, perm
}

// reserve hands out ids next..next+n-1 at once, for a plan.
func (a *idAllocator) reserve(n int32) {
	for id := a.next; id < a.next+n; id++ {
		if id >= 64 {
			a.wide++
		}
	}
	a.next += n
}

// repeats tells whether ids names a pattern twice (AddAll then adds them
// in the given order: the last wins).
func repeats(ids []ID) bool {
	seen := make(map[ID]struct{}, len(ids))
	for _, id := range ids {
		if _, ok := seen[id]; ok {
			return true
		}
		seen[id] = struct{}{}
	}
	return false
}

// plannedField is a field planPredIDs read: its key's hash, where it
// lies (its pattern, clause and index there), and whether it is a
// numeric range alone.
type plannedField struct {
	h             uint64
	pat           int32
	clause, field int32
	numeric       bool
}

// usesByHash returns, for each of fields, how many of them have its
// hash.
func usesByHash(fields []plannedField) []int32 {
	type at struct {
		h uint64
		j int32
	}
	sorted := make([]at, len(fields))
	for j := range fields {
		sorted[j] = at{fields[j].h, int32(j)}
	}
	slices.SortFunc(sorted, func(a, b at) int { return cmp.Compare(a.h, b.h) })
	uses := make([]int32, len(fields))
	for lo := 0; lo < len(sorted); {
		hi := lo + 1
		for hi < len(sorted) && sorted[hi].h == sorted[lo].h {
			hi++
		}
		for _, x := range sorted[lo:hi] {
			uses[x.j] = int32(hi - lo)
		}
		lo = hi
	}
	return uses
}
