package automaton

import "math"

// boundNode is a node of the range tree (rangeIndex) with the lowest lo
// and the highest hi of its ranges beside its centre, so that stab reads
// a node's entries only when one of them may hold the number. Where the
// ranges are narrow against the span the tree covers (mixed-10000's 1667
// S3 size ranges, 20k-100k wide over ten million), the nodes near the
// root hold none of them: a number read each of their first entries, a
// line of byLo or byHi apart from the nodes', to learn only that. The
// bounds make a node 32 bytes where it was 24 (the left child is the
// next node and the node's entries end where the next node's start, so
// neither is kept).
//
// mixed-10000's S3 events, callgrind per event (trusted, 5000 events):
// stab 747 -> 616 instructions, 13.7 -> 10.0 simulated D1 read misses.
// Paired thread CPU, whole corpus, trusted, on-off median (build orders
// ab and ba): -10.5 and -41.6 ns/event (400 pairs, load 9-11), -14.4
// and -8.8 (600 pairs, load 11-14), -16.2 (q1 -86, q3 +55) and -7.3
// (q1 -87, q3 +73) (1000 pairs, load 9-16); S3 events alone -15.1 (300
// pairs); Match -3.2 and -0.2 (400 pairs, load 7): neutral there.
type boundNode struct {
	center, minLo, maxHi uint64
	right                int32 // -1: none
	// meta is the node's first entry in byLo and byHi, shifted left by
	// one, with bit 0 set when the node has a left child, the node after
	// it (the nodes are in preorder). The next node's first entry ends
	// the node's (a last node, past the others, holds their end).
	meta int32
}

// left returns the left child of node at, or -1.
func (n *boundNode) left(at int32) int32 {
	if n.meta&1 == 0 {
		return -1
	}
	return at + 1
}

// rangeNode is a node as buildNode makes it.
type rangeNode struct {
	center      uint64
	left, right int32 // child nodes, -1: none
	from, to    int32 // its conditions in byLo and byHi
}

// boundNodes returns the bounded nodes of a tree built by buildNode, in
// preorder, and the last node past them.
func boundNodes(nodes []rangeNode, byLo, byHi []rangeEntry) []boundNode {
	out := make([]boundNode, len(nodes)+1)
	for i, n := range nodes {
		b := boundNode{center: n.center, minLo: math.MaxUint64, right: n.right, meta: n.from << 1}
		if n.from < n.to {
			b.minLo, b.maxHi = byLo[n.from].key, byHi[n.from].key
		}
		if n.left >= 0 {
			if n.left != int32(i+1) {
				panic("automaton: range tree not in preorder")
			}
			b.meta |= 1
		}
		out[i] = b
	}
	out[len(nodes)] = boundNode{right: -1, meta: int32(len(byLo)) << 1}
	return out
}
