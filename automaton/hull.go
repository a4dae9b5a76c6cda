package automaton

// hullCache remembers, for the last two integer parts seen at a path
// whose only number conditions are ranges, whether every number with
// that integer part lies outside the hull of the ranges. Coordinates
// alternate between two integer parts ("-122." and "37." in citylots), so
// the integer bounds are worked out twice per event instead of once per
// number. The cache is cleared when the Matcher moves to another snapshot
// (a path of the new one may reuse an old path's memory).
type hullCache struct {
	e    [2]hullEntry
	last uint8 // the entry used last
}

type hullEntry struct {
	pm   *pathMatcher
	word uint64 // the integer part's bytes, little-endian, the rest zero
	n    int    // its length
	out  bool
}

// outsideHull tells whether the number text val (of shape sh) lies
// outside the hull of pm's ranges, from its integer part alone; false
// when that does not settle it.
func (mt *Matcher) outsideHull(pm *pathMatcher, val []byte, sh numShape) bool {
	n := sh.intEnd
	if sh.exponent || n >= 8 || len(val) < 8 {
		return outsideByBounds(pm, val, sh)
	}
	w := load64(val, 0) & (1<<(8*n) - 1)
	c := &mt.hull
	if e := &c.e[0]; e.word == w && e.n == n && e.pm == pm {
		c.last = 0
		return e.out
	}
	if e := &c.e[1]; e.word == w && e.n == n && e.pm == pm {
		c.last = 1
		return e.out
	}
	return mt.hullMiss(pm, val, sh, w)
}

// hullMiss works the answer out and keeps it in the entry used less
// recently.
func (mt *Matcher) hullMiss(pm *pathMatcher, val []byte, sh numShape, w uint64) bool {
	out := outsideByBounds(pm, val, sh)
	c := &mt.hull
	c.last ^= 1
	c.e[c.last] = hullEntry{pm: pm, word: w, n: sh.intEnd, out: out}
	return out
}

// outsideByBounds is outsideHull without the cache.
func outsideByBounds(pm *pathMatcher, val []byte, sh numShape) bool {
	lo, hi, ok := integerBounds(val, sh)
	return ok && (numberKey(hi) < pm.ranges.min || numberKey(lo) > pm.ranges.max)
}

// overlaps tells whether some range of ri overlaps [lo, hi] (keys).
func (ri *rangeIndex) overlaps(lo, hi uint64) bool {
	if !ri.bounded || hi < ri.min || lo > ri.max {
		return false
	}
	for i := ri.treeN; i < len(ri.conds); i++ {
		if c := &ri.conds[i]; c.lo <= hi && lo <= c.hi {
			return true
		}
	}
	return ri.nodes != nil && ri.overlapsNode(0, lo, hi)
}

// overlapsNode searches the subtree at node at. A node's ranges contain
// its centre; those of its left subtree end below it, those of its right
// one start above it.
func (ri *rangeIndex) overlapsNode(at int32, lo, hi uint64) bool {
	for at >= 0 {
		n := &ri.nodes[at]
		switch {
		case hi < n.center: // of the node's ranges, the lowest lo decides
			if n.from < n.to && ri.conds[ri.byLo[n.from]].lo <= hi {
				return true
			}
			at = n.left
		case lo > n.center: // the highest hi decides
			if n.from < n.to && ri.conds[ri.byHi[n.from]].hi >= lo {
				return true
			}
			at = n.right
		default: // [lo, hi] holds the centre
			if n.from < n.to || ri.overlapsNode(n.left, lo, hi) {
				return true
			}
			at = n.right
		}
	}
	return false
}
