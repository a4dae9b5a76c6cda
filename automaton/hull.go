package automaton

// hullCache remembers, for the last four integer parts seen at paths
// whose only number conditions are ranges, whether every number with
// that integer part lies outside the hull of the ranges. Coordinates
// cycle through a few integer parts ("-122", "37" and "0" in citylots),
// so the integer bounds are worked out a few times per event instead of
// once per number. The cache is cleared when the Matcher moves to another snapshot
// (a path of the new one may reuse an old path's memory).
type hullCache struct {
	e    [4]hullEntry
	next uint8 // the entry written last
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
	if sh.exponent || n >= 8 {
		return outsideByBounds(pm, val, sh)
	}
	var w uint64
	if len(val) >= 8 {
		w = load64(val, 0) & (1<<(8*n) - 1)
	} else {
		for k := n - 1; k >= 0; k-- { // a short number: "0.0"
			w = w<<8 | uint64(val[k])
		}
	}
	c := &mt.hull
	for k := range c.e {
		if e := &c.e[k]; e.word == w && e.n == n && e.pm == pm {
			return e.out
		}
	}
	out := outsideByBounds(pm, val, sh)
	c.next = (c.next + 1) % uint8(len(c.e))
	c.e[c.next] = hullEntry{pm: pm, word: w, n: n, out: out}
	return out
}

// outsideByBounds is outsideHull without the cache.
func outsideByBounds(pm *pathMatcher, val []byte, sh numShape) bool {
	lo, hi, ok := integerBounds(val, sh)
	return ok && (numberKey(hi) < pm.hullLo || numberKey(lo) > pm.hullHi)
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
			if n.minLo <= hi {
				return true
			}
			at = n.left(at)
		case lo > n.center: // the highest hi decides
			if n.maxHi >= lo {
				return true
			}
			at = n.right
		default: // [lo, hi] holds the centre; every node has a range
			return true
		}
	}
	return false
}
