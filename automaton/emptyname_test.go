package automaton

import (
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestEmptyMemberName: a member named "" at the top of an event is no
// object of its own — a path is its parent's, a dot and the name, except
// at the top, where it is the name alone (docs/semantics/patterns.md §7)
// — so {"":{"a":1}} holds the path "a", through arrays too, and a name
// that starts with a dot (".a") is a path of its own. Both paths answer
// as compiler.ExplainMatch, with the patterns added at once and one at a
// time (a write that keeps the set of paths copies the top scope, which
// the top-level "" leads back to).
func TestEmptyMemberName(t *testing.T) {
	patterns := []string{
		`{"a":[1]}`, `{"":{"a":[2]}}`, `{".a":[3]}`, `{"":[4]}`, `{"x":{"":{"a":[5]}}}`,
		`{"x.":{"a":[6]}}`, `{"a.":[7]}`, `{".a":{"b":[8]}}`, `{"":[{"exists":true}]}`, `{"a":[9]}`,
	}
	events := []string{
		`{"":{"a":1}}`, `{"a":2}`, `{".a":3}`, `{"":4}`, `{"":[{"a":1}]}`, `{"x":{"":{"a":5}}}`,
		`{"x.":{"a":6}}`, `{"x..a":5}`, `{"a.":7}`, `{"a":{"":7}}`, `{".a":{"b":8}}`, `{".a.b":8}`,
		`{"":{".a":{"b":8}}}`, `{"":{"":{"a":9}}}`, `{"":[4,{"a":2}]}`, `{"b":1,"":{"x":{"":{"a":5}}}}`,
	}
	var ps []*compiler.Pattern
	for _, src := range patterns {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		ps = append(ps, p)
	}
	check := func(t *testing.T, m *Machine, n int) {
		mt := m.NewMatcher()
		for _, ev := range events {
			var want []ID
			for k, p := range ps[:n] {
				ex, err := compiler.ExplainMatch(p, []byte(ev))
				if err != nil {
					t.Fatalf("%s: %v", ev, err)
				}
				if ex.Matched {
					want = append(want, ID(fmt.Sprint(k)))
				}
			}
			got, err := mt.Match(nil, []byte(ev))
			if err != nil || sortedIDs(got) != sortedIDs(want) {
				t.Errorf("%d patterns, %s: Match %v %v, want %v", n, ev, got, err, want)
			}
			if mt.CheckTrusted([]byte(ev)) == nil {
				if got, _ := mt.MatchTrusted(nil, []byte(ev)); sortedIDs(got) != sortedIDs(want) {
					t.Errorf("%d patterns, %s: MatchTrusted %v, want %v", n, ev, got, want)
				}
			}
		}
	}
	t.Run("at once", func(t *testing.T) {
		m := New(Config{})
		var ids []ID
		for k := range ps {
			ids = append(ids, ID(fmt.Sprint(k)))
		}
		if err := m.AddAll(ids, ps); err != nil {
			t.Fatal(err)
		}
		check(t, m, len(ps))
	})
	t.Run("one at a time", func(t *testing.T) {
		m := New(Config{})
		for k, p := range ps {
			if err := m.Add(ID(fmt.Sprint(k)), p); err != nil {
				t.Fatal(err)
			}
			check(t, m, k+1)
		}
	})
}
