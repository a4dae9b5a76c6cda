package automaton

import (
	"math/rand"
	"testing"
)

// TestRangeOverlaps holds rangeIndex.overlaps to a scan of every range,
// with and without a tree, with ranges waiting outside it, for intervals
// around every end.
func TestRangeOverlaps(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for round := 0; round < 200; round++ {
		var ri rangeIndex
		n := 1 + r.Intn(80)
		for k := 0; k < n; k++ {
			lo := uint64(r.Intn(1000))
			ri = ri.with(rangeCond{lo: lo, hi: lo + uint64(r.Intn(60)), pred: int32(k)})
			if k == n/2 && r.Intn(2) == 0 {
				ri = ri.built() // the rest wait outside the tree
				ri.ready = false
			}
		}
		ri = ri.built()
		for q := 0; q < 300; q++ {
			lo := uint64(r.Intn(1100))
			hi := lo + uint64(r.Intn(5))*uint64(r.Intn(40))
			want := false
			for _, c := range ri.conds {
				want = want || c.lo <= hi && lo <= c.hi
			}
			if got := ri.overlaps(lo, hi); got != want {
				t.Fatalf("round %d, %d ranges (tree of %d): overlaps(%d, %d) = %v, want %v", round, len(ri.conds), ri.treeN, lo, hi, got, want)
			}
		}
	}
}
