package automaton

import (
	"math"
	"sort"

	"github.com/patternc/patternc/compiler"
)

// Numeric ranges live in the comparable key space of key.go, where numeric
// order is unsigned integer order: a range is an interval of keys, and the
// ranges of one path are cut into elementary segments so a number finds
// every range holding it with one binary search.

type rangeCond struct {
	lo, hi uint64 // inclusive keys
	pred   int32
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
type rangeIndex struct {
	conds []rangeCond
	// bounds are the sorted distinct segment starts; cover[i] lists the
	// conditions holding every key in [bounds[i], bounds[i+1]).
	bounds []uint64
	cover  [][]int32
	ready  bool
	// min and max bound every range: the hull a number must be in.
	min, max uint64
	bounded  bool // min and max are set
}

func (ri rangeIndex) with(c rangeCond) rangeIndex {
	return rangeIndex{conds: append(ri.conds[:len(ri.conds):len(ri.conds)], c)}
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

// built returns the index with its segments computed. Up to a handful of
// ranges a linear scan is faster than segments, so none are built.
func (ri rangeIndex) built() rangeIndex {
	if ri.ready {
		return ri
	}
	ri.min, ri.max = math.MaxUint64, 0
	for _, c := range ri.conds {
		ri.min, ri.max = min(ri.min, c.lo), max(ri.max, c.hi)
	}
	ri.bounded = len(ri.conds) > 0
	if len(ri.conds) <= 8 {
		ri.ready = true
		return ri
	}
	starts := make([]uint64, 0, 2*len(ri.conds)+1)
	starts = append(starts, 0)
	for _, c := range ri.conds {
		starts = append(starts, c.lo)
		if c.hi != math.MaxUint64 {
			starts = append(starts, c.hi+1)
		}
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	bounds := starts[:1]
	for _, s := range starts[1:] {
		if s != bounds[len(bounds)-1] {
			bounds = append(bounds, s)
		}
	}
	cover := make([][]int32, len(bounds))
	for ci, c := range ri.conds {
		i := sort.Search(len(bounds), func(i int) bool { return bounds[i] >= c.lo })
		for ; i < len(bounds) && bounds[i] <= c.hi; i++ {
			cover[i] = append(cover[i], int32(ci))
		}
	}
	ri.bounds, ri.cover, ri.ready = bounds, cover, true
	return ri
}

// segment returns the conditions holding key as indexes into conds, or
// all=true when the index is a plain list to scan.
func (ri *rangeIndex) segment(key uint64) (cover []int32, all bool) {
	if ri.bounds == nil {
		return nil, true
	}
	lo, hi := 0, len(ri.bounds)
	for lo < hi { // first bound > key
		mid := int(uint(lo+hi) >> 1)
		if ri.bounds[mid] > key {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return ri.cover[lo-1], false
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
