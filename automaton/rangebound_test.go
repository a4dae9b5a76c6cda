package automaton

import (
	"math"
	"math/rand"
	"testing"
)

// TestBoundNodes: each bounded node holds its own ranges' lowest lo and
// highest hi, its left child is the next node, and its entries end where
// the next node's start, for trees of narrow, wide, nested and equal
// ranges; stab over them (TestRangeTree) then reads no node's entries
// that could hold the number without reading them.
func TestBoundNodes(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	shapes := []struct {
		name       string
		n          int
		span, wide int
	}{
		{"narrow", 2000, 10_000_000, 100_000},
		{"wide", 300, 1000, 900},
		{"points", 100, 50, 1},
		{"equal", 40, 1, 1},
		{"small tree", 9, 100, 10},
	}
	for _, sh := range shapes {
		var ri rangeIndex
		for k := 0; k < sh.n; k++ {
			lo := uint64(r.Intn(sh.span))
			ri = ri.with(rangeCond{lo: lo, hi: lo + uint64(r.Intn(sh.wide)), pred: int32(k)})
		}
		ri = ri.built()
		if ri.nodes == nil {
			t.Fatalf("%s: no tree", sh.name)
		}
		last := ri.nodes[len(ri.nodes)-1]
		if last.right != -1 || int(last.meta>>1) != len(ri.byLo) {
			t.Fatalf("%s: last node %+v, want the entries' end %d", sh.name, last, len(ri.byLo))
		}
		seen := 0
		for at := range ri.nodes[:len(ri.nodes)-1] {
			n := &ri.nodes[at]
			from, to := int(n.meta>>1), int(ri.nodes[at+1].meta>>1)
			if from >= to {
				t.Fatalf("%s: node %d holds no range", sh.name, at)
			}
			seen += to - from
			lo, hi := uint64(math.MaxUint64), uint64(0)
			for i := from; i < to; i++ {
				lo, hi = min(lo, ri.byLo[i].key), max(hi, ri.byHi[i].key)
				if ri.byLo[i].key > n.center || ri.byHi[i].key < n.center {
					t.Fatalf("%s: node %d: a range not holding the centre", sh.name, at)
				}
			}
			if n.minLo != lo || n.maxHi != hi {
				t.Fatalf("%s: node %d bounds [%d, %d], its ranges [%d, %d]", sh.name, at, n.minLo, n.maxHi, lo, hi)
			}
			if l := n.left(int32(at)); l >= 0 && ri.nodes[l].center >= n.center {
				t.Fatalf("%s: node %d's left child %d is not below it", sh.name, at, l)
			}
			if n.right >= 0 && ri.nodes[n.right].center <= n.center {
				t.Fatalf("%s: node %d's right child %d is not above it", sh.name, at, n.right)
			}
		}
		if seen != sh.n {
			t.Fatalf("%s: the nodes hold %d ranges, want %d", sh.name, seen, sh.n)
		}
	}
}
