package automaton

import "unsafe"

// A single Add copies every trie node on its way down, and each of them
// gets a new kids array (one kid pointer changes); a new leaf gets its
// mark list and its seg. Allocating each node together with its array (a
// leaf with its mark and a short seg) halves the allocations of an Add.
// The arrays are ordinary slices into the same object, so nothing that
// reads a node knows the difference.

// nodeWith is a node and the array of its kids in one allocation.
type nodeWith[A any] struct {
	n    node
	kids A
}

// newNodeWith returns a zero node whose kids, of length n, lie in the same
// allocation, an array of type A (of *node) with room for n.
func newNodeWith[A any](n int) *node {
	x := new(nodeWith[A])
	room := int(unsafe.Sizeof(x.kids) / unsafe.Sizeof((*node)(nil)))
	x.n.kids = unsafe.Slice((**node)(unsafe.Pointer(&x.kids)), room)[:n]
	return &x.n
}

// newNode returns a zero node whose kids has length n, in one allocation
// when n is at most 32. The array lengths fill Go's size classes above
// the 96 bytes of a node. One or two kids get room for four all the
// same: a node with two (the usual split) was 112 bytes, a size class
// whose objects lie across three lines as often as two, and a walk
// reads the node's first line and its kids; 128 bytes start on a line
// (callgrind mixed-10000 trusted, L1 read misses per event: walkFrom
// and child 12.8 -> 11.6; 4 bytes more per pattern at exact-100000,
// 687 -> 691).
func newNode(n int) *node {
	switch {
	case n == 0:
		return &node{}
	case n <= 4:
		return newNodeWith[[4]*node](n)
	case n <= 6:
		return newNodeWith[[6]*node](n)
	case n <= 8:
		return newNodeWith[[8]*node](n)
	case n <= 10:
		return newNodeWith[[10]*node](n)
	case n <= 12:
		return newNodeWith[[12]*node](n)
	case n <= 16:
		return newNodeWith[[16]*node](n)
	case n <= 20:
		return newNodeWith[[20]*node](n)
	case n <= 24:
		return newNodeWith[[24]*node](n)
	case n <= 32:
		return newNodeWith[[32]*node](n)
	}
	return &node{kids: make([]*node, n)}
}

// leafAlloc is a new leaf with its first mark and a seg of up to 8 bytes:
// 128 bytes, the size class the three took apart.
type leafAlloc struct {
	n   node
	m   [1]mark
	seg [8]byte
}

// newLeaf returns a node with seg and the single mark m in its end list.
func newLeaf(seg []byte, m mark, gen uint64) *node {
	x := &leafAlloc{}
	x.n.gen = gen
	x.m[0] = m
	x.n.end = x.m[:1:1]
	if len(seg) <= len(x.seg) {
		copy(x.seg[:], seg)
		x.n.seg = bytesString(x.seg[:len(seg)])
	} else {
		x.n.seg = string(seg)
	}
	return &x.n
}
