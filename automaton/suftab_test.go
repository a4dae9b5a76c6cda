package automaton

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

// revPassMarks returns the pass marks walkRev reaches for val from n:
// the reference the table's lookups are held to.
func revPassMarks(n *node, val []byte) []int32 {
	var out []int32
	j := len(val)
	for n != nil {
		l := len(n.seg)
		if j < l || !equalRev(val[j-l:j], n.seg) {
			break
		}
		j -= l
		for _, m := range n.passMarks() {
			out = append(out, m.pred)
		}
		if j == 0 {
			break
		}
		j--
		n = n.childOrNil(val[j])
	}
	slices.Sort(out)
	return out
}

// sufTabMarks returns the predicates of the marks the table (of
// suffixes of length n) finds for val.
func sufTabMarks(t *strTab, n int, val []byte) []int32 {
	var out []int32
	if n <= len(val) {
		if s := t.find(val[len(val)-n:]); s != nil {
			for _, m := range slotMarks(s) {
				out = append(out, m.pred)
			}
		}
	}
	slices.Sort(out)
	return out
}

// reversed returns s backwards, as the reversed trie holds suffixes.
func reversed(s string) []byte {
	b := []byte(s)
	slices.Reverse(b)
	return b
}

// TestSufTabMatchesWalk: for random sets of suffixes of one length,
// the table finds for every value what walkRev reaches.
func TestSufTabMatchesWalk(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	alpha := "ab=.\u00e9"
	built := 0
	for round := 0; round < 300; round++ {
		l := 1 + r.Intn(12)
		var root *node
		created, nkeys := 0, 0
		var sufs []string
		for i := 0; i < 1+r.Intn(strTabMax); i++ {
			b := make([]byte, l)
			for k := range b {
				b[k] = alpha[r.Intn(len(alpha))]
			}
			sufs = append(sufs, string(b))
			root = insert(root, reversed(string(b)), placePass, 0, 0, mark{pred: int32(i)}, 1, &created, &nkeys)
		}
		tab, n := buildSufTab(root, nil)
		if tab == nil {
			continue // keys too alike (probe bound)
		}
		built++
		if int(n) != l {
			t.Fatalf("round %d: length %d, the suffixes are %d bytes", round, n, l)
		}
		for k := 0; k < 200; k++ {
			var v []byte
			for n := r.Intn(8); n > 0; n-- {
				v = append(v, alpha[r.Intn(len(alpha))])
			}
			if r.Intn(2) == 0 {
				v = append(v, sufs[r.Intn(len(sufs))]...)
			}
			want, got := revPassMarks(root, v), sufTabMarks(tab, int(n), v)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("round %d: value %q: table %v, walk %v", round, v, got, want)
			}
		}
	}
	if built < 250 {
		t.Fatalf("only %d of 300 suffix sets got a table", built)
	}
}

// TestSufTabRefusals: no table where the walk reads more than suffixes
// of a few lengths.
func TestSufTabRefusals(t *testing.T) {
	build := func(add func(root *node, c, k *int) *node) *strTab {
		created, nkeys := 0, 0
		tab, _ := buildSufTab(add(nil, &created, &nkeys), nil)
		return tab
	}
	if build(func(root *node, c, k *int) *node {
		for i, s := range []string{".jpg", ".png", "a.gz"} {
			root = insert(root, reversed(s), placePass, 0, 0, mark{pred: int32(i)}, 1, c, k)
		}
		return root
	}) == nil {
		t.Error("no table for suffixes of one length")
	}
	for name, add := range map[string]func(root *node, c, k *int) *node{
		"two lengths": func(root *node, c, k *int) *node {
			for i, s := range []string{".jpg", ".gz"} {
				root = insert(root, reversed(s), placePass, 0, 0, mark{pred: int32(i)}, 1, c, k)
			}
			return root
		},
		"too many suffixes": func(root *node, c, k *int) *node {
			for i := 0; i <= strTabMax; i++ {
				root = insert(root, reversed(fmt.Sprintf("s%03d", i)), placePass, 0, 0, mark{pred: int32(i)}, 1, c, k)
			}
			return root
		},
		"an end mark": func(root *node, c, k *int) *node {
			root = insert(root, reversed(".jpg"), placePass, 0, 0, mark{pred: 1}, 1, c, k)
			return insert(root, reversed("a.jpg"), placeEnd, 0, 0, mark{pred: 2}, 1, c, k)
		},
		"a range mark": func(root *node, c, k *int) *node {
			root = insert(root, reversed(".jpg"), placePass, 0, 0, mark{pred: 1}, 1, c, k)
			return insert(root, reversed("x"), placeRange, 'a', 'c', mark{pred: 2}, 1, c, k)
		},
		"the empty suffix": func(root *node, c, k *int) *node {
			root = insert(root, reversed(".jpg"), placePass, 0, 0, mark{pred: 1}, 1, c, k)
			return insert(root, nil, placePass, 0, 0, mark{pred: 2}, 1, c, k)
		},
	} {
		if build(add) != nil {
			t.Errorf("%s: a table was built", name)
		}
	}
}
