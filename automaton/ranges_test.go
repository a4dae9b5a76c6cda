package automaton

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestRangeTree: many ranges on one path (a tree, not a list), nested,
// disjoint, open-ended and single points, agree with compiler.Explain on
// every number around their ends, after adds and deletes.
func TestRangeTree(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	ops := []string{">", ">=", "<", "<=", "="}
	for round := 0; round < 20; round++ {
		m := New(Config{})
		n := 9 + r.Intn(120)
		pats := map[ID]*compiler.Pattern{}
		add := func(i int) {
			var src string
			a, b := r.Intn(100)-50, r.Intn(100)-50
			if a > b {
				a, b = b, a
			}
			if r.Intn(3) == 0 {
				src = fmt.Sprintf(`{"x":[{"numeric":[%q,%d]}]}`, ops[r.Intn(len(ops))], a)
			} else {
				src = fmt.Sprintf(`{"x":[{"numeric":[">=",%d,"<=",%g]}]}`, a, float64(b)+0.5)
			}
			p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
			if err != nil {
				t.Fatal(src, err)
			}
			id := ID(fmt.Sprint(i))
			if err := m.Add(id, p); err != nil {
				t.Fatal(err)
			}
			pats[id] = p
		}
		for i := 0; i < n; i++ { // one Add each: most wait outside the tree
			add(i)
		}
		for i := 0; i < n/3; i++ { // delete some: the tree is rebuilt without them
			id := ID(fmt.Sprint(r.Intn(n)))
			m.Delete(id)
			delete(pats, id)
		}
		for i := n; i < n+r.Intn(50); i++ { // and add again
			add(i)
		}
		for v := -60.0; v <= 60; v += 0.5 {
			ev := []byte(fmt.Sprintf(`{"x":[%g, "s"]}`, v))
			got, err := m.Match(ev)
			if err != nil {
				t.Fatal(err)
			}
			var want []ID
			for id, p := range pats {
				if ex, err := compiler.ExplainMatch(p, ev); err == nil && ex.Matched {
					want = append(want, id)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("round %d, %s: got %v, want %v", round, ev, got, want)
			}
		}
	}
}

// TestLazyRanges: ranges whose predicate anchors no clause are left out of
// the path's index and computed when a clause asks; adds and deletes move
// predicates between the two states. Every answer must still be
// Explain's, on both paths, in and out of arrays.
func TestLazyRanges(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	var pool []*compiler.Pattern
	var srcs []string
	add := func(src string) {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		pool, srcs = append(pool, p), append(srcs, src)
	}
	for i := 0; i < 40; i++ {
		lo := r.Intn(100)
		switch i % 4 {
		case 0: // anchored on the exact field once many share the range path
			add(fmt.Sprintf(`{"s":["x%d"],"o":{"n":[{"numeric":[">",%d]}]}}`, i%3, lo))
		case 1:
			add(fmt.Sprintf(`{"s":["x%d"],"o":{"n":[{"numeric":[">=",%d,"<",%d]}, %d]}}`, i%3, lo, lo+30, lo+1))
		case 2: // a range and an exact value in one field
			add(fmt.Sprintf(`{"o":{"n":[{"numeric":["<",%d]}],"k":["a"]}}`, lo))
		default: // alone: always anchored on its range
			add(fmt.Sprintf(`{"o":{"n":[{"numeric":[">",%d,"<=",%d]}]}}`, lo, lo+10))
		}
	}
	events := func() []string {
		var out []string
		for k := 0; k < 30; k++ {
			n1, n2 := r.Intn(130)-10, r.Intn(130)-10
			s := fmt.Sprintf("x%d", r.Intn(3))
			switch k % 3 {
			case 0:
				out = append(out, fmt.Sprintf(`{"s":%q,"o":{"n":%d,"k":"a"}}`, s, n1))
			case 1:
				out = append(out, fmt.Sprintf(`{"s":%q,"o":[{"n":%d,"k":"b"},{"n":%d,"k":"a"}]}`, s, n1, n2))
			default:
				out = append(out, fmt.Sprintf(`{"s":[%q,"x9"],"o":{"n":[%d,%d.5,"%d"]}}`, s, n1, n2, n1))
			}
		}
		return out
	}
	m := New(Config{})
	mt := m.NewMatcher()
	live := map[ID]int{}
	sawLazy, sawFlip := false, false
	wasLazy := map[int32]bool{}
	for round := 0; round < 60; round++ {
		for k := 0; k < 6; k++ {
			id := ID(fmt.Sprint(r.Intn(30)))
			if r.Intn(3) == 0 {
				m.Delete(id)
				delete(live, id)
				continue
			}
			i := r.Intn(len(pool))
			if err := m.Add(id, pool[i]); err != nil {
				t.Fatal(err)
			}
			live[id] = i
		}
		if pm := m.snap.Load().sub[inputEvent].index["o.n"].pm; pm != nil {
			sawLazy = sawLazy || pm.lazyRanges
			for _, id := range pm.rangePreds {
				lazy := len(m.snap.Load().preds.get(id).anchors) == 0
				if was, ok := wasLazy[id]; ok && was != lazy {
					sawFlip = true
				}
				wasLazy[id] = lazy
			}
		}
		for _, ev := range events() {
			for _, trusted := range []bool{false, true} {
				got, err := matchOn(mt, ev, trusted)
				if err != nil {
					t.Fatal(err)
				}
				for id, i := range live {
					ex, err := compiler.ExplainMatch(pool[i], []byte(ev))
					if err != nil {
						t.Fatal(err)
					}
					if ex.Matched != slices.Contains(got, id) {
						t.Fatalf("round %d trusted=%v: %s on %s: Explain %v", round, trusted, srcs[i], ev, ex.Matched)
					}
				}
			}
		}
	}
	if !sawLazy || !sawFlip {
		t.Fatalf("the test never had a lazy range (%v) or a predicate changing state (%v)", sawLazy, sawFlip)
	}
}
