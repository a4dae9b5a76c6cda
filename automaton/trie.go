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
	keys []byte  // sorted transition bytes
	kids []*node // kids[i] is the target on keys[i]
	end  []mark  // the value ends exactly here
	pass []mark  // the value reached here (prefix)
	rng  []rangeMark
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

// mark is what reaching a trie position means: a positive hit of a clause
// field, or an exclusion of an anything-but condition.
type mark struct {
	hit    *target // a clause field is satisfied by this leaf
	ab     *abCond // this leaf is excluded by that anything-but
	verify verify
	text   string        // pattern text for fold verification
	glob   compiler.Glob // for verifyGlob
}

func (m *mark) owner() *clauseRec {
	if m.hit != nil {
		return m.hit.cl
	}
	return m.ab.cl
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
	i := sort.Search(len(keys), func(i int) bool { return keys[i] >= b })
	if i < len(keys) && keys[i] == b {
		return n.kids[i]
	}
	return nil
}

func (n *node) clone() *node {
	if n == nil {
		return &node{}
	}
	c := *n
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

// insert returns a new root with m added at key; the nodes on the way are
// copied, the rest shared. created counts new nodes, for the state budget.
func insert(root *node, key []byte, place markPlace, lo, hi byte, m mark, created *int) *node {
	n := root.clone()
	if root == nil {
		*created++
	}
	if len(key) == 0 {
		switch place {
		case placeEnd:
			n.end = appendMark(n.end, m)
		case placePass:
			n.pass = appendMark(n.pass, m)
		case placeRange:
			n.rng = append(n.rng[:len(n.rng):len(n.rng)], rangeMark{lo, hi, m})
		}
		return n
	}
	b := key[0]
	i := sort.Search(len(n.keys), func(i int) bool { return n.keys[i] >= b })
	if i < len(n.keys) && n.keys[i] == b {
		kids := append([]*node(nil), n.kids...)
		kids[i] = insert(n.kids[i], key[1:], place, lo, hi, m, created)
		n.kids = kids
		return n
	}
	keys := make([]byte, 0, len(n.keys)+1)
	keys = append(append(append(keys, n.keys[:i]...), b), n.keys[i:]...)
	kids := make([]*node, 0, len(n.kids)+1)
	kids = append(append(append(kids, n.kids[:i]...), insert(nil, key[1:], place, lo, hi, m, created)), n.kids[i:]...)
	n.keys, n.kids = keys, kids
	return n
}

// appendMark appends without touching a backing array that a published
// node may share.
func appendMark(list []mark, m mark) []mark {
	return append(list[:len(list):len(list)], m)
}

// remove returns a new root without the marks at key that drop selects,
// pruning nodes left empty. removed counts pruned nodes.
func remove(root *node, key []byte, drop func(*mark) bool, removed *int) *node {
	if root == nil {
		return nil
	}
	n := root.clone()
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
			kid := remove(n.kids[i], key[1:], drop, removed)
			if kid.empty() {
				n.keys = append(append([]byte(nil), n.keys[:i]...), n.keys[i+1:]...)
				n.kids = append(append([]*node(nil), n.kids[:i]...), n.kids[i+1:]...)
			} else {
				kids := append([]*node(nil), n.kids...)
				kids[i] = kid
				n.kids = kids
			}
		}
	}
	if n.empty() {
		*removed++
		return nil
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
