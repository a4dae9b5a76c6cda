package automaton

import (
	"fmt"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/internal/patterngen"
)

// TestPlanPredIDs: the predicates of a rule set loaded into an empty
// machine that more than one clause names, or that are ranges alone, get
// their ids first, by how many clauses name them, most first, then by
// key; the others, and those of a later AddAll, get theirs as they come.
func TestPlanPredIDs(t *testing.T) {
	defer func(n int) { planFrom = n }(planFrom)
	planFrom = 65
	compile := func(src string) *compiler.Pattern {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	var ids []ID
	var ps []*compiler.Pattern
	for i := range 70 {
		var src string
		switch {
		case i%10 == 0:
			src = fmt.Sprintf(`{"source":["rare"],"n":[{"numeric":[">=",%d]}]}`, 70-i)
		case i%2 == 0:
			src = fmt.Sprintf(`{"source":["a"],"id":["x%02d"]}`, i)
		default:
			src = fmt.Sprintf(`{"source":["b"],"detail":{"s":[%q]}}`, []string{"s1", "s2"}[i%4/2])
		}
		ids, ps = append(ids, ID(fmt.Sprint(i))), append(ps, compile(src))
	}
	tests := []struct {
		name    string
		fields  []string // predicates of these fields, in this order
		planned bool     // planned, in this order; else not planned, and each id above every planned one
	}{
		// source b: 35 clauses; a: 28; s1, s2: 18 and 17; rare: 7
		{"by uses", []string{`{"source":["b"]}`, `{"source":["a"]}`, `{"detail":{"s":["s1"]}}`, `{"detail":{"s":["s2"]}}`, `{"source":["rare"]}`}, true},
		// ranges of one clause each, by their low ends
		{"ranges by low end", []string{`{"n":[{"numeric":[">=",10]}]}`, `{"n":[{"numeric":[">=",20]}]}`, `{"n":[{"numeric":[">=",70]}]}`}, true},
		// other predicates of one clause each: as they come
		{"as they come", []string{`{"id":["x02"]}`, `{"id":["x04"]}`, `{"id":["x06"]}`}, false},
	}
	plan, _ := planPredIDs(ps, false)
	m := New(Config{})
	if err := m.AddAll(ids, ps); err != nil {
		t.Fatal(err)
	}
	if len(plan) != 7+5 || int(m.predIDs.next) != len(m.predKeys) {
		t.Fatalf("%d predicates, next id %d; the plan has %d", len(m.predKeys), m.predIDs.next, len(plan))
	}
	for key, id := range plan {
		if pw := m.predKeys[key]; pw == nil || pw.rec.id != id {
			t.Fatalf("predicate %q: planned %d, made %v", key, id, pw)
		}
	}
	keyOf := func(src string) string {
		p := compile(src)
		b, _ := appendPredKey(nil, inputEvent, &p.Clauses[0].Fields[0])
		return string(b)
	}
	for _, tc := range tests {
		var got []int32
		for _, src := range tc.fields {
			key := keyOf(src)
			_, ok := plan[key]
			if ok != tc.planned {
				t.Fatalf("%s: %s planned %v", tc.name, src, ok)
			}
			pw := m.predKeys[key]
			if pw == nil || (!ok && int(pw.rec.id) < len(plan)) {
				t.Fatalf("%s: %s made %v", tc.name, src, pw)
			}
			got = append(got, pw.rec.id)
		}
		if !slices.IsSorted(got) || (tc.name == "by uses" && got[0] != 0) {
			t.Errorf("%s: ids %v", tc.name, got)
		}
	}
	// A batch of fewer than planFrom patterns plans nothing: pattern 0's
	// first field (its range) gets id 0.
	planFrom = len(ps) + 1
	small := New(Config{})
	if err := small.AddAll(ids, ps); err != nil {
		t.Fatal(err)
	}
	if pw := small.predKeys[keyOf(`{"n":[{"numeric":[">=",70]}]}`)]; pw == nil || pw.rec.id != 0 {
		t.Errorf("a small batch's first predicate: %v, want id 0", pw)
	}
	// A second AddAll into the loaded machine plans nothing: its new
	// predicates take the next ids.
	more := []*compiler.Pattern{compile(`{"source":["c"]}`)}
	for range 70 {
		more = append(more, more[0])
	}
	moreIDs := make([]ID, len(more))
	for i := range moreIDs {
		moreIDs[i] = ID(fmt.Sprint("more", i))
	}
	before := int32(len(m.predKeys))
	if err := m.AddAll(moreIDs, more); err != nil {
		t.Fatal(err)
	}
	if pw := m.predKeys[keyOf(`{"source":["c"]}`)]; pw == nil || pw.rec.id != before {
		t.Errorf("a later AddAll's predicate: %v, want id %d", pw, before)
	}
}

// TestPlanOrder: AddAll adds a rule set's patterns grouped by the first
// planned predicate each names (its most named one), by their first
// range's low end within a group, else in the given order; patterns that name only unplanned predicates come last;
// nothing is reordered when nothing is planned.
func TestPlanOrder(t *testing.T) {
	tests := []struct {
		name string
		srcs []string // pattern i is srcs[i%len(srcs)], 70 of them
		want []int    // the first patterns of the order
	}{
		{"by most named", []string{`{"source":["a"],"x":["%d"]}`, `{"source":["b"],"x":["%d"]}`, `{"source":["b"],"y":["%d"]}`}, []int{1, 2, 4, 5, 7, 8}},
		{"ranges by low end", []string{`{"source":["a"],"n":[{"numeric":[">=",-%d]}]}`}, []int{69, 68, 67, 66}},
		{"ranges after none", []string{`{"source":["a"],"x":["%d"]}`, `{"source":["a"],"n":[{"numeric":["<",-%d]}]}`}, []int{0, 2, 4, 6}},
		{"unplanned last", []string{`{"x":["%d"]}`, `{"source":["a"],"x":["%d"]}`}, []int{1, 3, 5}},
		{"nothing planned", []string{`{"x":["%d"]}`}, nil},
	}
	for _, tc := range tests {
		var ps []*compiler.Pattern
		for i := range 70 {
			src := tc.srcs[i%len(tc.srcs)]
			p, err := compiler.Compile([]byte(fmt.Sprintf(src, i)), compiler.EventBridge, nil)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		_, order := planPredIDs(ps, true)
		if tc.want == nil {
			if order != nil {
				t.Errorf("%s: order %v", tc.name, order[:8])
			}
			continue
		}
		if len(order) != len(ps) || !slices.Equal(order[:len(tc.want)], tc.want) {
			t.Errorf("%s: order starts %v, want %v", tc.name, order[:min(len(order), len(tc.want))], tc.want)
		}
		if sorted := slices.Sorted(slices.Values(order)); len(order) > 0 && (sorted[0] != 0 || sorted[len(sorted)-1] != len(ps)-1 || len(slices.Compact(sorted)) != len(ps)) {
			t.Errorf("%s: order is no permutation", tc.name)
		}
	}
	if !repeats([]ID{"a", "b", "a"}) || repeats([]ID{"a", "b", "c"}) {
		t.Error("repeats")
	}
}

// TestPlanAddAllDifferential loads random rule sets of more than 64
// patterns at once (planned ids), some naming a pattern twice (the last
// wins), in small and large machines' forms, and compares both paths
// with Explain.
func TestPlanAddAllDifferential(t *testing.T) {
	defer func(f int32, n int) { needIDsFrom, planFrom = f, n }(needIDsFrom, planFrom)
	planFrom = 65
	for _, from := range []int32{0, 10, 768} {
		needIDsFrom = from
		for seed := int64(1); seed <= 6; seed++ {
			g := patterngen.New(seed)
			var ids []ID
			var ps []*compiler.Pattern
			var srcs []string
			for len(ps) < 120 {
				src := g.Pattern()
				p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
				if err != nil {
					continue
				}
				id := ID(fmt.Sprint(len(ps)))
				if seed%2 == 0 && len(ps)%9 == 8 {
					id = ID(fmt.Sprint(len(ps) - 5)) // replaces an earlier one
				}
				ids, ps, srcs = append(ids, id), append(ps, p), append(srcs, src)
			}
			live := map[ID]int{}
			for i, id := range ids {
				live[id] = i
			}
			m := New(Config{})
			if err := m.AddAll(ids, ps); err != nil {
				t.Fatal(err)
			}
			mt := m.NewMatcher()
			for range 60 {
				ev := []byte(g.Event())
				var want []ID
				for id, i := range live {
					ex, err := compiler.Explain(ps[i], ev)
					if err != nil {
						t.Fatal(err)
					}
					if ex.Matched {
						want = append(want, id)
					}
				}
				slices.Sort(want)
				got, err := mt.Match(nil, ev)
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("seed %d, needIDsFrom %d: %s\ngot  %v\nwant %v", seed, from, ev, got, want)
				}
				if mt.CheckTrusted(ev) == nil {
					got, err = mt.MatchTrusted(nil, ev)
					if err != nil {
						t.Fatal(err)
					}
					slices.Sort(got)
					if !slices.Equal(got, want) {
						t.Fatalf("seed %d, needIDsFrom %d, trusted: %s\ngot  %v\nwant %v", seed, from, ev, got, want)
					}
				}
			}
		}
	}
}
