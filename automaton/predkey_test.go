package automaton

import (
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestPredKeyOrder: a field's values in another order, or repeated, are
// one predicate (sortKeyConds), on both paths, through Add, Delete and
// AddAll, and clauses sharing it still match as the reference does.
func TestPredKeyOrder(t *testing.T) {
	pats := map[ID]string{
		"xy":   `{"a":["x","y"]}`,
		"yx":   `{"a":["y","x"]}`,
		"xyx":  `{"a":["x","y","x"]}`,
		"zx":   `{"a":[{"prefix":"z"},"x"]}`,
		"xz":   `{"a":["x",{"prefix":"z"}]}`,
		"yx-b": `{"a":["y","x"],"b":[1]}`,
		"xy-b": `{"a":["x","y"],"b":[1]}`,
		"or":   `{"$or":[{"a":["y","x"]},{"b":[2]}]}`,
	}
	events := []string{`{"a":"x"}`, `{"a":"y"}`, `{"a":"zz"}`, `{"a":"x","b":1}`, `{"a":["y","x"],"b":[1,2]}`, `{"b":2}`, `{"a":"w"}`}
	order := []ID{"xy", "yx", "xyx", "zx", "xz", "yx-b", "xy-b", "or"}
	compiled := map[ID]*compiler.Pattern{}
	for id, src := range pats {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		compiled[id] = p
	}
	check := func(m *Machine, live []ID) {
		t.Helper()
		for _, ev := range events {
			var want []ID
			for _, id := range live {
				if ex, err := compiler.ExplainMatch(compiled[id], []byte(ev)); err == nil && ex.Matched {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			for _, trusted := range []bool{false, true} {
				var got []ID
				var err error
				if trusted {
					got, err = m.MatchTrusted([]byte(ev))
				} else {
					got, err = m.Match([]byte(ev))
				}
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s (trusted %v): got %v, want %v (live %v)", ev, trusted, got, want, live)
				}
			}
		}
	}
	m := New(Config{})
	for _, id := range order {
		if err := m.Add(id, compiled[id]); err != nil {
			t.Fatal(err)
		}
	}
	// a: {x,y} and {x,prefix z}; b: 1 and 2.
	if len(m.predKeys) != 4 {
		t.Errorf("%d predicates, want 4", len(m.predKeys))
	}
	check(m, order)
	live := slices.Clone(order)
	for _, id := range []ID{"xy", "zx", "yx-b", "yx"} {
		m.Delete(id)
		live = slices.DeleteFunc(live, func(x ID) bool { return x == id })
		check(m, live)
	}
	for _, id := range live {
		m.Delete(id)
	}
	if len(m.predKeys) != 0 || len(m.clauses) != 0 {
		t.Errorf("left behind %d predicates, %d clauses", len(m.predKeys), len(m.clauses))
	}
	m = New(Config{})
	ps := make([]*compiler.Pattern, len(order))
	for i, id := range order {
		ps[i] = compiled[id]
	}
	if err := m.AddAll(order, ps); err != nil {
		t.Fatal(err)
	}
	check(m, order)
}
