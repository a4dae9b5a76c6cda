package automaton

import (
	"cmp"
	"slices"
	"unsafe"
)

// A flat range index: the ranges of a path sorted by lo, with their his
// beside, and for each block of flatBlock of them the largest hi up to
// its end. A number finds the last range whose lo it reaches by a binary
// search over the los, then reads back over the his while an earlier
// block may still reach it. Where the ranges are many and narrow
// (mixed-10000's 1667 S3 size ranges [lo, lo+20k..100k)), a number reads
// a few lines one after the other, where the interval tree read a node
// and its first entry at each of some eleven levels, each load waiting
// for the one before. A set where a number would read many ranges that
// do not hold it (a wide range among narrow ones) keeps the tree
// (flatFits).

// flatBlock is how many ranges share a prefix maximum.
const flatBlock = 8

// flatWasteMax is the most ranges a number may read that do not hold it,
// for a set to be kept flat.
const flatWasteMax = 48

// flatIndex is the flat index of a rangeIndex's conditions (see above).
type flatIndex struct {
	los, his []uint64 // by ascending lo
	ents     []flatEntry
	// tops[b] is los[b*flatBlock], the first lo of block b: the search
	// halves these, a few lines, then reads one block's los, where
	// halving the los read a line at each of its last steps, one after
	// the other.
	tops []uint64
	// pmax[b] is the largest hi of the ranges before (b+1)*flatBlock.
	pmax []uint64
}

// flatEntry is what a hit needs of a range, as rangeEntry.
type flatEntry struct {
	pred int32
	rest int32
	cl   *clauseRec
}

// flatRanges lets built make flat indexes (a knob for the paired
// measurement).
var flatRanges = true

// buildFlat returns the flat index of conds, or nil when it does not
// fit them (flatFits).
func buildFlat(conds []rangeCond) *flatIndex {
	order := make([]int32, len(conds))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(conds[a].lo, conds[b].lo) })
	n := len(conds)
	f := &flatIndex{
		los:  make([]uint64, n),
		his:  make([]uint64, n),
		ents: make([]flatEntry, n),
		pmax: make([]uint64, (n+flatBlock-1)/flatBlock),
		tops: make([]uint64, (n+flatBlock-1)/flatBlock),
	}
	m := uint64(0)
	for i, ci := range order {
		c := &conds[ci]
		f.los[i], f.his[i] = c.lo, c.hi
		if i%flatBlock == 0 {
			f.tops[i/flatBlock] = c.lo
		}
		f.ents[i] = flatEntry{pred: c.pred, rest: restOfDirect(c.cl), cl: c.cl}
		m = max(m, c.hi)
		if i%flatBlock == flatBlock-1 || i == n-1 {
			f.pmax[i/flatBlock] = m
		}
	}
	if !f.fits() {
		return nil
	}
	return f
}

// fits bounds, for every block, the ranges a number in it reads that
// do not hold it: a number x of block b (los[b*flatBlock] <= x < the next
// block's first lo) reads back from its last lo to the block after the
// last one whose prefix maximum is below x; those of them whose hi is
// below the next block's first lo may not hold it.
func (f *flatIndex) fits() bool {
	n := len(f.los)
	for b := range f.pmax {
		start := b * flatBlock
		end := min(start+flatBlock, n)
		x0 := f.los[start]
		xmax := ^uint64(0)
		if end < n {
			xmax = f.los[end]
		}
		// The first block whose prefix maximum reaches x0: the scan
		// stops before it at the earliest.
		k, _ := slices.BinarySearch(f.pmax[:b], x0)
		waste := 0
		for i := k * flatBlock; i < end; i++ {
			if f.his[i] < xmax {
				if waste++; waste > flatWasteMax {
					return false
				}
			}
		}
	}
	return true
}

// stabFlat records a hit of the leaf val for every range of f holding
// key, as stab.
func (mt *Matcher) stabFlat(f *flatIndex, key uint64, val []byte, li int32) {
	los := f.los
	if len(los) == 0 || los[0] > key {
		return
	}
	// p: the last range whose lo key reaches, by halving without a
	// branch on the compare (a conditional move), which goes either way
	// as often.
	b, n := 0, len(f.tops)
	for n > 1 {
		half := n >> 1
		b += half & -b2i(f.tops[b+half] <= key)
		n -= half
	}
	p := b * flatBlock
	for _, lo := range los[p+1 : min(p+flatBlock, len(los))] {
		p += b2i(lo <= key)
	}
	his := f.his[:p+1]
	// Block by block back from p, the ranges that hold key listed
	// without a branch on each (narrow ranges hold it about as often as
	// not), then recorded.
	var at [flatBlock]int32
	direct := len(mt.stack) == 0 && mt.marks && directRests
	for i := p; i >= 0; {
		start := i &^ (flatBlock - 1)
		k := 0
		for ; i >= start; i-- {
			at[k&(flatBlock-1)] = int32(i)
			k += b2i(his[i] >= key)
		}
		for _, j := range at[:k] {
			e := &f.ents[j]
			if direct && e.cl != nil && mt.firedMark[e.pred] != mt.mark {
				// hitRange's way for a first hit handed straight, without
				// its call, nor the leaf's (nothing reads it then).
				mt.firedMark[e.pred] = mt.mark
				mt.direct = append(mt.direct, candidate{cl: uintptr(unsafe.Pointer(e.cl)), kind: decideOthers, pred: e.pred, rest: uint16(e.rest)})
				continue
			}
			if li < 0 {
				li = mt.leafNow(val)
			}
			mt.hitRange(e.pred, e.cl, e.rest, li)
		}
		if b := start / flatBlock; b == 0 || f.pmax[b-1] < key {
			return
		}
	}
}

// overlaps tells whether some range of f shares a key with [lo, hi].
func (f *flatIndex) overlaps(lo, hi uint64) bool {
	p, _ := slices.BinarySearch(f.los, hi+1)
	if hi == ^uint64(0) {
		p = len(f.los)
	}
	// ranges [0, p) start at or below hi: does one end at or above lo?
	start := p &^ (flatBlock - 1)
	if b := start / flatBlock; b > 0 && f.pmax[b-1] >= lo {
		return true
	}
	for i := start; i < p; i++ {
		if f.his[i] >= lo {
			return true
		}
	}
	return false
}
