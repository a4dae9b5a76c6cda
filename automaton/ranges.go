package automaton

import (
	"cmp"
	"math"
	"slices"

	"github.com/patternc/patternc/compiler"
)

// Numeric ranges live in the comparable key space of key.go, where numeric
// order is unsigned integer order: a range is an interval of keys, and the
// ranges of one path form an interval tree, so a number finds every range
// holding it in logarithmic time plus one step per range found.

type rangeCond struct {
	lo, hi uint64 // inclusive keys
	pred   int32
	// cl is the one clause pred anchors, where stab may hand it to
	// deciding straight (rangedirect.go), else nil.
	cl *clauseRec
}

// rangeKeys converts a compiler range to inclusive keys; ok is false for an
// empty range.
func rangeKeys(r compiler.Range) (lo, hi uint64, ok bool) {
	lo, hi = 0, math.MaxUint64
	if r.HasLo {
		lo = numberKey(r.Lo)
		if !r.LoIncl {
			if lo == math.MaxUint64 {
				return 0, 0, false
			}
			lo++
		}
	}
	if r.HasHi {
		hi = numberKey(r.Hi)
		if !r.HiIncl {
			if hi == 0 {
				return 0, 0, false
			}
			hi--
		}
	}
	return lo, hi, lo <= hi
}

// rangeOverlap counts the ranges of conds that share a number with a
// numeric condition of fc (saturating), for the anchor's cost.
func rangeOverlap(conds []rangeCond, fc []compiler.Condition) uint16 {
	n := 0
	for i := range fc {
		if fc[i].Op != compiler.OpNumeric {
			continue
		}
		lo, hi, ok := rangeKeys(fc[i].Range)
		if !ok {
			continue
		}
		for _, c := range conds {
			if c.lo <= hi && lo <= c.hi {
				n++
			}
		}
	}
	return uint16(min(n, math.MaxUint16))
}

// rangeIndex is immutable once built; with/without return new values.
// Built, it is a centred interval tree over the keys: a number finds every
// range holding it in O(log n + hits), and the tree takes O(n) memory and
// O(n log n) to build. (Elementary segments with a cover list each took
// O(n²) for nested ranges — a thousand {"numeric":[">",N]} rules on one
// path — and every Add at the path rebuilt them.)
type rangeIndex struct {
	conds []rangeCond
	// nodes[0] is the root; byLo and byHi hold, for each node, the
	// conditions containing its centre, by ascending lo and descending hi,
	// with that bound and the predicate beside each: stab reads them in
	// order and stops at the first that does not hold the number, where
	// an index into conds cost a cache miss per condition read (at ten
	// thousand rules, forty per number stabbed).
	nodes      []boundNode
	byLo, byHi []rangeEntry
	// treeN: conds[:treeN] are in the tree; the few added since it was
	// built are scanned one by one, so a single Add does not rebuild the
	// tree (it is rebuilt once they are more than pendingMax).
	treeN int
	ready bool
	// bounded: min and max are set (beside ready, where it leaves the
	// pathMatcher room for strSeen in its size class).
	bounded bool
	// min and max bound every range: the hull a number must be in.
	min, max uint64
}

// rangeEntry is a condition in byLo (key is its lo) or byHi (its hi).
// rest and id are its clause's shared rest and pattern where the clause
// is one restDirect takes (rangedirect.go), else 0 and "".
type rangeEntry struct {
	key  uint64
	pred int32
	rest int32
	cl   *clauseRec // as rangeCond's
	id   ID
	// rep is a clause of the rest that every entry of the rest here
	// names (restDirect): deciding it answers the rest, from lines every
	// input that hits the rest reads, where each entry's own clause is
	// read by few.
	rep *clauseRec
}

// with appends in place when the array has room: a published index
// reads only its own length of it, and writers are serialised, so the
// slot past that length is nobody's yet (copying every condition of the
// path per Add was most of an Add's bytes at a path with thousands).
func (ri rangeIndex) with(c rangeCond) rangeIndex {
	ri.conds = append(ri.conds, c)
	ri.ready = false
	return ri
}

func (ri rangeIndex) without(pred int32) rangeIndex {
	var out []rangeCond
	changed := false
	for _, c := range ri.conds {
		if c.pred == pred {
			changed = true
			continue
		}
		out = append(out, c)
	}
	if !changed {
		return ri
	}
	return rangeIndex{conds: out}
}

// pendingMax is how many ranges may wait outside the tree.
const pendingMax = 32

// built returns the index with its tree computed. Up to a handful of
// ranges a linear scan is faster than a tree, so none is built.
func (ri rangeIndex) built() rangeIndex {
	if ri.ready {
		return ri
	}
	if ri.nodes != nil && len(ri.conds)-ri.treeN <= pendingMax {
		for _, c := range ri.conds[ri.treeN:] {
			ri.min, ri.max = min(ri.min, c.lo), max(ri.max, c.hi)
		}
		ri.ready = true
		return ri
	}
	ri.nodes, ri.byLo, ri.byHi, ri.treeN = nil, nil, nil, 0
	ri.min, ri.max = math.MaxUint64, 0
	for _, c := range ri.conds {
		ri.min, ri.max = min(ri.min, c.lo), max(ri.max, c.hi)
	}
	ri.bounded = len(ri.conds) > 0
	ri.ready = true
	if len(ri.conds) <= 8 {
		return ri
	}
	ri.treeN = len(ri.conds)
	all := make([]int32, len(ri.conds))
	for i := range all {
		all[i] = int32(i)
	}
	slices.SortFunc(all, func(a, b int32) int { return cmp.Compare(ri.conds[a].lo, ri.conds[b].lo) })
	ri.byLo = make([]rangeEntry, 0, len(ri.conds))
	ri.byHi = make([]rangeEntry, 0, len(ri.conds))
	b := treeBuild{ri: &ri, nodes: make([]rangeNode, 0, len(ri.conds)/4+1), ranges: map[int32]int{}, reps: map[int32]*clauseRec{}}
	for _, c := range ri.conds {
		b.ranges[c.pred]++
	}
	b.buildNode(all, make([]int32, len(ri.conds)))
	ri.nodes = boundNodes(b.nodes, ri.byLo, ri.byHi)
	return ri
}

// treeBuild is the tree being built: its nodes, with their children and
// their ends, before boundNodes lays them out.
type treeBuild struct {
	ri    *rangeIndex
	nodes []rangeNode
	// ranges counts each predicate's ranges here: the entries of one of
	// several carry no rest (rangedirect.go).
	ranges map[int32]int
	reps   map[int32]*clauseRec // by rest, rangeEntry.rep
}

// buildNode adds the subtree over the conditions in set, sorted by lo,
// and returns its node's index. The centre is the median lo, which lies
// in that range, so each node takes at least one range and either side
// gets at most half: the depth is logarithmic, and a stable partition
// keeps both sides sorted, so only byHi needs a sort per node.
func (b *treeBuild) buildNode(set, scratch []int32) int32 {
	ri := b.ri
	if len(set) == 0 {
		return -1
	}
	center := ri.conds[set[len(set)/2]].lo
	// Stable three-way partition: [left | here | right].
	nl, nh := 0, 0
	for _, ci := range set {
		if ri.conds[ci].hi < center {
			nl++
		} else if ri.conds[ci].lo <= center {
			nh++
		}
	}
	l, h, r := 0, nl, nl+nh
	for _, ci := range set {
		switch c := &ri.conds[ci]; {
		case c.hi < center:
			scratch[l] = ci
			l++
		case c.lo <= center:
			scratch[h] = ci
			h++
		default:
			scratch[r] = ci
			r++
		}
	}
	copy(set, scratch[:len(set)])
	here := set[nl : nl+nh]
	at := int32(len(b.nodes))
	from := len(ri.byLo)
	b.nodes = append(b.nodes, rangeNode{center: center, from: int32(from), to: int32(from + len(here))})
	for _, ci := range here { // here is sorted by lo
		c := &ri.conds[ci]
		e := rangeEntry{key: c.lo, pred: c.pred, cl: c.cl}
		if r := restDirect(c.cl); r != 0 && b.ranges[c.pred] == 1 {
			e.rest, e.id = r, c.cl.pats[0].id
			if b.reps[r] == nil {
				b.reps[r] = c.cl
			}
			e.rep = b.reps[r]
		}
		ri.byLo = append(ri.byLo, e)
		e.key = c.hi
		ri.byHi = append(ri.byHi, e)
	}
	slices.SortStableFunc(ri.byHi[from:], func(a, b rangeEntry) int { return cmp.Compare(b.key, a.key) })
	left := b.buildNode(set[:nl], scratch)
	right := b.buildNode(set[nl+nh:], scratch)
	b.nodes[at].left, b.nodes[at].right = left, right
	return at
}

// stab records a hit of the leaf val for every condition holding key.
// The leaf is taken once, at the first hit (leafNow, a call for each of
// them: mixed-10000's S3 events stab ten ranges).
//
// Tried and lost (s3, 090f623): a flat index in place of the tree where
// no number reads more than 48 ranges that do not hold it: the ranges by
// lo, his beside, per block of 8 the first lo and a prefix maximum of
// hi; a branch-free halving of the blocks' first los, one block's los
// counted, then his read back block by block while an earlier block may
// reach the number, holders listed without a branch, first hits handed
// straight recorded inline (40 B per range against the tree's 48 B and
// nodes). Callgrind, 5000 S3 events, trusted: stab+hitRange 1212 ->
// 1229 instr/event, D1 read misses 14 -> 9.7; with branches on each
// compare +53 ns/event by the clock. With the rests read without the
// clause (decideDirect), the whole corpus: 8908 -> 8872 instr/event,
// D1 read misses 83.3 -> 80.4. Paired thread CPU (1000 pairs,
// load 9-17), on-off median: S3 alone +2.9 and -1.8 ns/event, the whole
// corpus trusted +4.0 and +11.7 (quartiles +-100): neutral, as bnd's
// flat bound index was a loss.
//
// Tried and lost (s3, a13ea81; in-process A/B, mixed-10000 trusted, 300
// rounds, on-off median): the tree's ranges by elementary segment (the
// sorted los and his+1, each segment with the list of ranges holding it,
// at most 32 entries per range, else the tree), a binary search for the
// segment and every entry of its list a hit, no compare: S3 events
// callgrind 8095 -> 7915 instr/event (stab 614 -> 401), branch
// mispredicts in stab 15 -> 8 per event, but LL misses 0.2 -> 1.6 (the
// lists: 20 entries per range, 530 KB at 16 B each). A/B +2.1 / +2.5 %;
// with the search without a branch +3.8 / +3.0; with 4-byte entries
// indexing conds +3.7 / +3.0. The tree's walk, its branches predicted
// more often than not, runs ahead of its loads; the search waits on each.
// Also lost: hitRange's first hit inlined in stab's loops, the Matcher's
// tests made once per stab and the clause prefetches after the walk:
// 8095 -> 8183 instr/event (the loops' values reloaded around leafNow and
// hitRange), A/B +0.1 / +2.1 %; each node's run of holding entries
// handed to one call instead, 8186. And one way for both sides of a
// centre (byHi's keys compared flipped, ^key, the side picked by
// selects): Go branched on the selects, stab 614 -> 824 instr/event, 15
// -> 14 mispredicts (model), dropped untimed.
func (mt *Matcher) stab(ri *rangeIndex, key uint64, val []byte) {
	li := int32(-1)
	for i := ri.treeN; i < len(ri.conds); i++ {
		if c := &ri.conds[i]; c.lo <= key && key <= c.hi {
			if li < 0 {
				li = mt.leafNow(val)
			}
			mt.hitRange(c.pred, c.cl, li)
		}
	}
	if ri.nodes == nil {
		return
	}
	nodes := ri.nodes
	for at := 0; ; {
		n := &nodes[at]
		from := int(n.meta >> 1)
		switch {
		case key < n.center:
			if n.minLo <= key {
				to := int(nodes[at+1].meta >> 1)
				for i := from; i < to; i++ {
					e := &ri.byLo[i]
					if e.key > key {
						break
					}
					if li < 0 {
						li = mt.leafNow(val)
					}
					if e.rest != 0 { // rangedirect.go
						mt.listRest(e, li)
					} else {
						mt.hitRange(e.pred, e.cl, li)
					}
				}
			}
			if n.meta&1 == 0 {
				return
			}
			at++
		case key > n.center:
			if n.maxHi >= key {
				to := int(nodes[at+1].meta >> 1)
				for i := from; i < to; i++ {
					e := &ri.byHi[i]
					if e.key < key {
						break
					}
					if li < 0 {
						li = mt.leafNow(val)
					}
					if e.rest != 0 { // rangedirect.go
						mt.listRest(e, li)
					} else {
						mt.hitRange(e.pred, e.cl, li)
					}
				}
			}
			if n.right < 0 {
				return
			}
			at = int(n.right)
		default:
			to := int(nodes[at+1].meta >> 1)
			for i := from; i < to; i++ {
				e := &ri.byLo[i]
				if li < 0 {
					li = mt.leafNow(val)
				}
				if e.rest != 0 { // rangedirect.go
					mt.listRest(e, li)
				} else {
					mt.hitRange(e.pred, e.cl, li)
				}
			}
			return
		}
	}
}

// integerBounds bounds a number written without exponent by its integer
// part: 37.8 lies in [37, 38], -122.4 in [-123, -122].
func integerBounds(text []byte, sh numShape) (lo, hi float64, ok bool) {
	if sh.exponent {
		return 0, 0, false
	}
	i, neg := 0, false
	if text[0] == '-' {
		i, neg = 1, true
	}
	if sh.intEnd-i > 15 {
		return 0, 0, false
	}
	var n int64
	for _, c := range text[i:sh.intEnd] {
		n = n*10 + int64(c-'0')
	}
	lo, hi = float64(n), float64(n+1)
	if neg {
		lo, hi = -hi, -lo
	}
	return lo, hi, true
}
