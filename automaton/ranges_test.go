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
