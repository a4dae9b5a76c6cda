package automaton

import (
	"sort"

	"github.com/patternc/patternc/compiler"
)

// A node is a state of a persistent byte trie: the value automaton of one
// path. Values are typed keys (see key.go); a transition consumes one byte.
// Nodes are never changed once a snapshot is published: an update copies
// the nodes on its way (copy-on-write), so matchers read without locks.
type node struct {
	// seg is a run of bytes the value must continue with, after the byte
	// that led here, before anything below applies: chains of single-child
	// nodes without marks are stored as one node (a radix trie), so long
	// unique keys cost one node, not one per byte.
	seg  []byte
	keys []byte  // sorted transition bytes
	kids []*node // kids[i] is the target on keys[i]
	end  []mark  // the value ends exactly here
	pass []mark  // the value reached here (prefix)
	rng  []rangeMark
	gen  uint64 // the write that created this node; it may change it in place
	// shared: kids may still be the published node's array; copy it
	// before the first in-place change.
	shared bool
}

// rangeMark fires when the value continues with a byte in [lo, hi]: a CIDR
// block whose mask ends inside a byte.
type rangeMark struct {
	lo, hi byte
	m      mark
}

// verify says what a mark checks beyond its trie position: the trie finds
// candidates (folded text, the literal head of a glob), the check decides.
type verify uint8

const (
	verifyNone verify = iota
	verifyFoldEqual
	verifyFoldPrefix
	verifyFoldSuffix
	verifyGlob
)

// mark is what reaching a trie position means: a leaf satisfies a
// predicate, or is excluded by an anything-but condition (ab set).
type mark struct {
	pred   int32
	verify verify
	ab     *abCond
	check  *markCheck // what verify compares with; nil for verifyNone
}

// markCheck is the pattern side of a mark's verification, kept apart so
// that the common mark (an exact value) is 24 bytes, not 64.
type markCheck struct {
	text string        // pattern text for fold verification
	glob compiler.Glob // for verifyGlob
}

// child returns the target of byte b, or nil.
func (n *node) child(b byte) *node {
	keys := n.keys
	// Small fan-out is the common case: a linear scan beats a binary search.
	if len(keys) <= 8 {
		for i, k := range keys {
			if k == b {
				return n.kids[i]
			}
		}
		return nil
	}
	lo, hi := 0, len(keys)
	for lo < hi { // first key >= b
		mid := int(uint(lo+hi) >> 1)
		if keys[mid] < b {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(keys) && keys[lo] == b {
		return n.kids[lo]
	}
	return nil
}

// own returns n itself when the current write (gen) created it, else a
// copy that the write may change: nodes a published snapshot can see are
// never modified, and a batch copies each node at most once.
func (n *node) own(gen uint64) *node {
	if n == nil {
		return &node{gen: gen}
	}
	if n.gen == gen {
		return n
	}
	c := *n
	c.gen = gen
	// The slices are shared with the published node: cap them so appends
	// copy instead of writing into its arrays.
	c.keys = c.keys[:len(c.keys):len(c.keys)]
	c.kids = c.kids[:len(c.kids):len(c.kids)]
	c.end = c.end[:len(c.end):len(c.end)]
	c.pass = c.pass[:len(c.pass):len(c.pass)]
	c.rng = c.rng[:len(c.rng):len(c.rng)]
	c.shared = true
	return &c
}

func (n *node) empty() bool {
	return n == nil || (len(n.keys) == 0 && len(n.end) == 0 && len(n.pass) == 0 && len(n.rng) == 0)
}

// markPlace says which list of the final node a mark goes to.
type markPlace uint8

const (
	placeEnd markPlace = iota
	placePass
	placeRange
)

// insert returns a root with m added at key; nodes the write gen does not
// own are copied on the way, the rest shared. created counts new nodes,
// for the state budget.
func insert(root *node, key []byte, place markPlace, lo, hi byte, m mark, gen uint64, created *int) *node {
	if root == nil {
		*created++
	}
	n := root.own(gen)
	if len(key) == 0 {
		switch place {
		case placeEnd:
			n.end = append(n.end, m)
		case placePass:
			n.pass = append(n.pass, m)
		case placeRange:
			n.rng = append(n.rng, rangeMark{lo, hi, m})
		}
		return n
	}
	b, rest := key[0], key[1:]
	i := sort.Search(len(n.keys), func(i int) bool { return n.keys[i] >= b })
	if i < len(n.keys) && n.keys[i] == b {
		kid := insertBelow(n.kids[i], rest, place, lo, hi, m, gen, created)
		if kid != n.kids[i] {
			if n.shared {
				n.kids = append([]*node(nil), n.kids...)
				n.shared = false
			}
			n.kids[i] = kid
		}
		return n
	}
	// A new branch: the whole rest of the key is one node.
	kid := insert(nil, nil, place, lo, hi, m, gen, created)
	kid.seg = append([]byte(nil), rest...)
	n.keys = append(n.keys, 0)
	copy(n.keys[i+1:], n.keys[i:])
	n.keys[i] = b
	n.kids = append(n.kids, nil)
	copy(n.kids[i+1:], n.kids[i:])
	n.kids[i] = kid
	n.shared = false // append copied the capped array
	return n
}

// insertBelow inserts rest into kid, whose seg comes first: where the key
// leaves the seg, the seg is split at a new node.
func insertBelow(kid *node, rest []byte, place markPlace, lo, hi byte, m mark, gen uint64, created *int) *node {
	seg := kid.seg
	c := 0
	for c < len(seg) && c < len(rest) && seg[c] == rest[c] {
		c++
	}
	if c == len(seg) {
		return insert(kid, rest[c:], place, lo, hi, m, gen, created) // own keeps the seg
	}
	// Split: a new node holds seg[:c]; kid keeps seg[c+1:] below byte seg[c].
	*created++
	low := kid.own(gen)
	low.seg = seg[c+1:]
	mid := &node{gen: gen, seg: seg[:c], keys: []byte{seg[c]}, kids: []*node{low}}
	return insert(mid, rest[c:], place, lo, hi, m, gen, created)
}

// remove returns a new root without the marks at key that drop selects,
// pruning nodes left empty and merging a node left with one child and no
// marks into that child. removed counts nodes gone.
func remove(root *node, key []byte, drop func(*mark) bool, gen uint64, removed *int) *node {
	return removeAt(root, key, drop, gen, removed, true)
}

func removeAt(root *node, key []byte, drop func(*mark) bool, gen uint64, removed *int, top bool) *node {
	if root == nil {
		return nil
	}
	n := root.own(gen)
	if len(key) == 0 {
		n.end = filterMarks(n.end, drop)
		n.pass = filterMarks(n.pass, drop)
		var rng []rangeMark
		for _, r := range n.rng {
			if !drop(&r.m) {
				rng = append(rng, r)
			}
		}
		n.rng = rng
	} else {
		b := key[0]
		i := sort.Search(len(n.keys), func(i int) bool { return n.keys[i] >= b })
		if i < len(n.keys) && n.keys[i] == b {
			old := n.kids[i]
			rest := key[1:]
			if len(rest) < len(old.seg) || string(rest[:len(old.seg)]) != string(old.seg) {
				return n // the key is not in the trie
			}
			kid := removeAt(old, rest[len(old.seg):], drop, gen, removed, false)
			if kid.empty() {
				n.keys = append(append([]byte(nil), n.keys[:i]...), n.keys[i+1:]...)
				n.kids = append(append([]*node(nil), n.kids[:i]...), n.kids[i+1:]...)
			} else {
				kids := append([]*node(nil), n.kids...)
				kids[i] = kid
				n.kids = kids
			}
			n.shared = false
		}
	}
	if n.empty() {
		*removed++
		return nil
	}
	if !top && len(n.keys) == 1 && len(n.end) == 0 && len(n.pass) == 0 && len(n.rng) == 0 {
		// Only a path through: fold this node into its child.
		*removed++
		kid := n.kids[0].own(gen)
		seg := make([]byte, 0, len(n.seg)+1+len(kid.seg))
		kid.seg = append(append(append(seg, n.seg...), n.keys[0]), kid.seg...)
		return kid
	}
	return n
}

func filterMarks(list []mark, drop func(*mark) bool) []mark {
	var out []mark
	for i := range list {
		if !drop(&list[i]) {
			out = append(out, list[i])
		}
	}
	return out
}
