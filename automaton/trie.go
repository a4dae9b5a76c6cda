package automaton

import "math/bits"

// A node is a state of a persistent byte trie: the value automaton of one
// path. Values are typed keys (see key.go); a transition consumes one byte.
// Nodes are never changed once a snapshot is published: an update copies
// the nodes on its way (copy-on-write), so matchers read without locks.
// A node is 96 bytes: a single Add copies one per byte of trie depth, and
// most nodes are leaves of exact values that need only seg and end.
type node struct {
	// seg is a run of bytes the value must continue with, after the byte
	// that led here, before anything below applies: chains of single-child
	// nodes without marks are stored as one node (a radix trie), so long
	// unique keys cost one node, not one per byte.
	seg string
	// more comes next, in the node's first line with seg and the walk's
	// keys and kids: walkFrom reads it at every node, and at its old
	// place after end it was a second line per node (callgrind
	// mixed-10000 trusted: walkFrom and child 13.9 -> 12.8 L1 misses
	// per event).
	more *moreMarks
	keys string  // sorted transition bytes
	kids []*node // kids[i] is the target on keys[i]
	end  []mark  // the value ends exactly here
	// gen is the write that created this node (it may change it in
	// place), with kidsShared set while kids is still the published
	// node's array: it is copied before the first change in place.
	gen uint64
}

// kidsShared marks a node's gen while its kids array is shared.
const kidsShared = 1 << 63

// moreMarks holds the marks of prefixes and byte ranges, which few nodes
// have.
type moreMarks struct {
	pass []mark // the value reached here (prefix)
	rng  []rangeMark
	gen  uint64 // the write that created it may change it in place
}

// passMarks returns the node's prefix marks.
func (n *node) passMarks() []mark {
	if n.more == nil {
		return nil
	}
	return n.more.pass
}

// rangeMarks returns the node's byte range marks.
func (n *node) rangeMarks() []rangeMark {
	if n.more == nil {
		return nil
	}
	return n.more.rng
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
	// sure: a fold mark whose pattern text is all ASCII. Each pattern
	// byte then admits its two ASCII cases and nothing else, so a walk
	// that reached it lowering ASCII bytes compared all there is to
	// compare (foldSure).
	sure  bool
	ab    *abCond
	check *markCheck // what verify compares with; nil for verifyNone
}

// markCheck is the pattern side of a mark's verification, kept apart so
// that the common mark (an exact value) is 24 bytes, not 64.
type markCheck struct {
	text string // pattern text for fold verification
	// ascii: text is all ASCII, so an ASCII value that reached the mark
	// through a folded trie needs no verification (fire).
	ascii bool
	glob  *globCheck // for verifyGlob (globcheck.go)
}

// foldCheck is the check of a fold mark on pattern text s.
func foldCheck(s string) *markCheck {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	return &markCheck{text: s, ascii: ascii}
}

// child returns the target of byte b, or nil.
func (n *node) child(b byte) *node {
	keys := n.keys
	// Small fan-out is the common case: a linear scan beats a binary search.
	if len(keys) <= 8 {
		for i := 0; i < len(keys); i++ {
			if keys[i] == b {
				return n.kids[i]
			}
		}
		return nil
	}
	// Wide nodes are mostly runs of consecutive bytes (the digits of a
	// block number, hex, letters): b's offset from the first key finds
	// it, and a miss in a run needs no search.
	if d := int(b) - int(keys[0]); uint(d) < uint(len(keys)) && keys[d] == b {
		return n.kids[d]
	}
	if int(keys[len(keys)-1])-int(keys[0]) == len(keys)-1 {
		return nil
	}
	// Otherwise eight keys at a time: the lowest byte of the word equal
	// to b is the first key that is b (the zero-byte test can flag bytes
	// above a true zero, never below one). A binary search over the
	// twenty first letters of street names took five dependent steps.
	kb := stringBytes(keys)
	want := uint64(b) * 0x0101010101010101
	i := 0
	for ; i+8 <= len(kb); i += 8 {
		x := load64(kb, i) ^ want
		if m := (x - 0x0101010101010101) &^ x & 0x8080808080808080; m != 0 {
			return n.kids[i+bits.TrailingZeros64(m)/8]
		}
	}
	// The last keys in the word that ends the keys (there are more than
	// eight), overlapping keys already read: none of them is b, and a
	// flag is false only above a byte that is, so the lowest is right.
	if i < len(kb) {
		i = len(kb) - 8
		x := load64(kb, i) ^ want
		if m := (x - 0x0101010101010101) &^ x & 0x8080808080808080; m != 0 {
			return n.kids[i+bits.TrailingZeros64(m)/8]
		}
	}
	return nil
}

// keyIndex returns the index of the first key >= b.
func keyIndex(keys string, b byte) int {
	lo, hi := 0, len(keys)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if keys[mid] < b {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// own returns n itself when the current write (gen) created it, else a
// copy that the write may change: nodes a published snapshot can see are
// never modified, and a batch copies each node at most once.
func (n *node) own(gen uint64) *node {
	if n == nil {
		return &node{gen: gen}
	}
	if n.gen&^kidsShared == gen {
		return n
	}
	c := *n
	c.gen = gen | kidsShared
	// end stays shared with the published node, whose readers read only
	// its length: appends go in place while the array has room (see
	// "Appending in place" in write.go). kids is copied before a change,
	// as its elements change.
	return &c
}

// ownMore returns the node's prefix and range marks in a version the
// write may change.
func (n *node) ownMore(gen uint64) *moreMarks {
	if n.more == nil {
		n.more = &moreMarks{gen: gen}
	} else if n.more.gen != gen {
		c := *n.more
		c.gen = gen // pass and rng are appended in place
		n.more = &c
	}
	return n.more
}

func (n *node) empty() bool {
	return n == nil || (len(n.keys) == 0 && len(n.end) == 0 && len(n.passMarks()) == 0 && len(n.rangeMarks()) == 0)
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
// for the state budget; nkeys counts a key's first end or prefix mark,
// the distinct values a path's patterns name (what anchoring weighs).
func insert(root *node, key []byte, place markPlace, lo, hi byte, m mark, gen uint64, created, nkeys *int) *node {
	if root == nil {
		*created++
		root = &node{gen: gen}
	}
	if len(key) == 0 {
		n := root.own(gen)
		switch place {
		case placeEnd:
			if len(n.end) == 0 {
				*nkeys++
			}
			n.end = append(n.end, m)
		case placePass:
			mm := n.ownMore(gen)
			if len(mm.pass) == 0 {
				*nkeys++
			}
			mm.pass = append(mm.pass, m)
			if m.verify == verifyGlob || len(mm.pass) == maxGlobGroup+1 {
				// Globs are grouped anew where one is added, and no
				// longer where the list grows past the bound.
				mm.pass = groupGlobs(mm.pass)
			}
		case placeRange:
			mm := n.ownMore(gen)
			mm.rng = append(mm.rng, rangeMark{lo, hi, m})
		}
		return n
	}
	b, rest := key[0], key[1:]
	i := keyIndex(root.keys, b)
	if i < len(root.keys) && root.keys[i] == b {
		kid := insertBelow(root.kids[i], rest, place, lo, hi, m, gen, created, nkeys)
		if kid == root.kids[i] && root.gen == gen {
			return root // changed below, in place
		}
		n := root.ownKids(gen, 0)
		n.kids[i] = kid
		return n
	}
	// A new branch: the whole rest of the key is one node.
	var kid *node
	*created++
	if place == placeEnd {
		kid = newLeaf(rest, m, gen)
		*nkeys++
	} else {
		kid = insert(&node{gen: gen, seg: string(rest)}, nil, place, lo, hi, m, gen, created, nkeys)
	}
	n := root.ownKids(gen, 1)
	keys := make([]byte, len(n.keys)+1)
	copy(keys, n.keys[:i])
	keys[i] = b
	copy(keys[i+1:], n.keys[i:])
	n.keys = bytesString(keys)
	n.kids = append(n.kids, nil)
	copy(n.kids[i+1:], n.kids[i:])
	n.kids[i] = kid
	return n
}

// ownKids is own for a change to the kids: the copy of a node the write
// does not own gets its own kids array, in the same allocation, with room
// for grow more kids; a node it owns copies a shared array.
func (n *node) ownKids(gen uint64, grow int) *node {
	switch n.gen {
	case gen:
		return n
	case gen | kidsShared:
		kids := make([]*node, len(n.kids), len(n.kids)+grow)
		copy(kids, n.kids)
		n.kids = kids
		n.gen = gen
		return n
	}
	c := newNode(len(n.kids) + grow)
	kids := c.kids[:len(n.kids)]
	copy(kids, n.kids)
	*c = *n
	c.kids = kids
	c.gen = gen
	return c
}

// insertBelow inserts rest into kid, whose seg comes first: where the key
// leaves the seg, the seg is split at a new node.
func insertBelow(kid *node, rest []byte, place markPlace, lo, hi byte, m mark, gen uint64, created, nkeys *int) *node {
	seg := kid.seg
	c := 0
	for c < len(seg) && c < len(rest) && seg[c] == rest[c] {
		c++
	}
	if c == len(seg) {
		return insert(kid, rest[c:], place, lo, hi, m, gen, created, nkeys) // own keeps the seg
	}
	// Split: a new node holds seg[:c]; kid keeps seg[c+1:] below byte seg[c].
	*created++
	low := kid.own(gen)
	low.seg = seg[c+1:]
	mid := newNode(1) // with its kids array
	mid.gen, mid.seg, mid.keys, mid.kids[0] = gen, seg[:c], seg[c:c+1], low
	return insert(mid, rest[c:], place, lo, hi, m, gen, created, nkeys)
}

// remove returns a new root without the marks at key that drop selects,
// pruning nodes left empty and merging a node left with one child and no
// marks into that child. removed counts nodes gone, nkeys the end or
// prefix lists left empty (insert counts them).
func remove(root *node, key []byte, drop func(*mark) bool, gen uint64, removed, nkeys *int) *node {
	return removeAt(root, key, drop, gen, removed, nkeys, true)
}

func removeAt(root *node, key []byte, drop func(*mark) bool, gen uint64, removed, nkeys *int, top bool) *node {
	if root == nil {
		return nil
	}
	n := root.own(gen)
	if len(key) == 0 {
		had := len(n.end) > 0
		if n.end = filterMarks(n.end, drop); had && len(n.end) == 0 {
			*nkeys++
		}
		if n.more != nil {
			mm := n.ownMore(gen)
			had := len(mm.pass) > 0
			if mm.pass = filterMarks(mm.pass, drop); had && len(mm.pass) == 0 {
				*nkeys++
			}
			mm.pass = groupGlobs(mm.pass)
			var rng []rangeMark
			for _, r := range mm.rng {
				if !drop(&r.m) {
					rng = append(rng, r)
				}
			}
			mm.rng = rng
			if len(mm.pass) == 0 && len(mm.rng) == 0 {
				n.more = nil
			}
		}
	} else {
		b := key[0]
		i := keyIndex(n.keys, b)
		if i < len(n.keys) && n.keys[i] == b {
			old := n.kids[i]
			rest := key[1:]
			if len(rest) < len(old.seg) || string(rest[:len(old.seg)]) != old.seg {
				return n // the key is not in the trie
			}
			kid := removeAt(old, rest[len(old.seg):], drop, gen, removed, nkeys, false)
			if kid.empty() {
				n.keys = n.keys[:i] + n.keys[i+1:]
				n.kids = append(append([]*node(nil), n.kids[:i]...), n.kids[i+1:]...)
			} else {
				kids := append([]*node(nil), n.kids...)
				kids[i] = kid
				n.kids = kids
			}
			n.gen &^= kidsShared
		}
	}
	if n.empty() {
		*removed++
		return nil
	}
	if !top && len(n.keys) == 1 && len(n.end) == 0 && n.more == nil {
		// Only a path through: fold this node into its child.
		*removed++
		kid := n.kids[0].own(gen)
		kid.seg = n.seg + n.keys + kid.seg
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
