package automaton

import (
	"fmt"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestRangeDirect holds ranges handed straight to their clause
// (rangedirect.go) to Explain through the writes that change what the
// range keeps beside it: the clause copied (a second pattern), a second
// clause on the range, the range a field of another clause, deletes of
// each; over numbers in and out of the ranges, in arrays, repeated.
func TestRangeDirect(t *testing.T) {
	m, live, add := liveMachine(t, 0)
	rng := func(i int) string {
		return fmt.Sprintf(`{"numeric":[">=",%d,"<",%d]}`, 10*i, 10*i+15)
	}
	for i := range 40 {
		add(ID(fmt.Sprint("r", i)), fmt.Sprintf(`{"source":[{"prefix":"s"}],"region":[{"anything-but":["x"]}],"detail":{"n":[%s]}}`, rng(i)))
	}
	add("lone", `{"detail":{"n":[{"numeric":[">=",200,"<",210]}]}}`)
	direct := func() int {
		n := 0
		for _, pm := range m.snap.Load().sub[inputEvent].index {
			if pm.pm == nil {
				continue
			}
			for _, c := range pm.pm.ranges.conds {
				if c.cl != nil {
					n++
				}
			}
		}
		return n
	}
	if direct() < 8 {
		t.Fatalf("%d ranges keep their clause, want 8 at least", direct())
	}
	// Three rules anchored on their ranges, for the writes below.
	var on []int
	for i := range 40 {
		if cw := m.patterns[ID(fmt.Sprint("r", i))].clauses[0]; cw.anchor.path == "detail.n" && len(on) < 3 {
			on = append(on, i)
		}
	}
	if len(on) < 3 {
		t.Fatalf("%d rules anchored on their ranges, want 3", len(on))
	}
	r := func(k int) ID { return ID(fmt.Sprint("r", on[k])) }
	events := []string{
		`{"source":"s","detail":{"n":12}}`,
		`{"source":"s","detail":{"n":22}}`,
		`{"source":"s","detail":{"n":205}}`,
		`{"source":"t","detail":{"n":22}}`,
		`{"source":"s","detail":{"n":[5,22]}}`,
		`{"source":"s","detail":[{"n":22},{"n":33}]}`,
		`{"source":"s","detail":{"n":40,"n":22}}`,
		`{"source":"s","detail":{"n":"22"}}`,
		`{"source":"s","detail":{"m":22}}`,
	}
	checkEvents(t, m, live, events, "loaded", `"n":40,"n"`)
	// The same rule again: the clause is copied with two patterns.
	add("r1b", `{"source":[{"prefix":"s"}],"region":[{"anything-but":["x"]}],"detail":{"n":[`+rng(on[0])+`]}}`)
	checkEvents(t, m, live, events, "same rule", `"n":40,"n"`)
	// Another clause on the range, and the range a field of a clause
	// anchored elsewhere.
	add("r2b", `{"source":["s"],"detail":{"n":[`+rng(on[1])+`]}}`)
	add("r3b", `{"source":["s"],"detail":{"k":["v"],"n":[`+rng(on[2])+`]}}`)
	for _, k := range on {
		events = append(events, fmt.Sprintf(`{"source":"s","detail":{"n":%d,"k":"v"}}`, 10*k+2), fmt.Sprintf(`{"source":"s","detail":{"n":[%d,1],"k":["v"]}}`, 10*k+2))
	}
	checkEvents(t, m, live, events, "shared", `"n":40,"n"`)
	for _, id := range []ID{r(0), r(1), "r3b", "r1b", "r2b", "lone"} {
		m.Delete(id)
		delete(live, id)
		checkEvents(t, m, live, events, "deleted "+string(id), `"n":40,"n"`)
	}
	add(r(0), `{"source":[{"prefix":"s"}],"region":[{"anything-but":["x"]}],"detail":{"n":[`+rng(on[0])+`]}}`)
	checkEvents(t, m, live, events, "added again", `"n":40,"n"`)
}

// TestRangeDirectScratch: a hit handed straight leaves the predicate's
// scratch as it was; a second leaf, in an array or not, and a predicate
// that also fires by a string or an anything-but (never handed straight)
// still match each pattern once, as Explain says.
func TestRangeDirectScratch(t *testing.T) {
	m, live, add := liveMachine(t, 0)
	for i := range 20 {
		add(ID(fmt.Sprint("n", i)), fmt.Sprintf(`{"source":["s"],"detail":{"n":[{"numeric":[">=",%d,"<",%d]}]}}`, 10*i, 10*i+15))
	}
	add("str", `{"detail":{"m":[{"numeric":[">=",20,"<",30]},"abc"]}}`)
	add("ab", `{"detail":{"m":[{"numeric":[">=",40,"<",50]},{"anything-but":{"prefix":"a"}}]}}`)
	events := []string{
		`{"source":"s","detail":{"n":22,"m":22}}`,
		`{"source":"s","detail":{"n":22,"n":23,"m":"abc","m":24}}`,
		`{"source":"s","detail":{"n":22,"x":1,"n":[23,5],"m":[22,"abc"]}}`,
		`{"source":"s","detail":[{"n":22},{"n":[23,41]}],"m":45}`,
		`{"source":"s","detail":{"m":45,"m":"b","n":[12]}}`,
		`{"source":"s","detail":{"m":["abc",45,22],"n":52,"n":51}}`,
		`{"source":"s","detail":{"m":24,"m":"abc"}}`,
		`{"source":"s","detail":{"m":44,"m":"b"}}`,
		`{"source":"s","detail":{"m":44}}`,
	}
	checkEvents(t, m, live, events, "loaded", `"n":2`, `"m":"abc","m"`, `"n":52,"n"`, `"m":45,"m"`, `"m":24,"m"`, `"m":44,"m"`)
	mt := m.NewMatcher()
	for _, e := range events {
		dst, err := mt.Match(nil, []byte(e))
		if err != nil {
			t.Fatal(err)
		}
		if err := mt.checkFired(); err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		seen := map[ID]bool{}
		for _, id := range dst {
			if seen[id] {
				t.Errorf("%s: %s matched twice", e, id)
			}
			seen[id] = true
		}
	}
}

// TestRestHits: range clauses that share a rest and lie in the range
// tree are listed by stab as rest hits and decided by their rest's
// answer (decideRestHits): the first of a rest by answerRestBy, the
// others by the answer it left; in arrays, after a second leaf of the
// path and after writes, as every other hit is.
func TestRestHits(t *testing.T) {
	m, live, _ := liveMachine(t, 0)
	var ids []ID
	var ps []*compiler.Pattern
	for i := range 40 {
		for k, ab := range []string{"x", "r"} {
			// A range of one clause each (a shared one is not kept
			// beside its clause: directOf).
			src := fmt.Sprintf(`{"source":[{"prefix":"s"}],"region":[{"anything-but":[%q]}],"detail":{"n":[{"numeric":[">=",%d,"<",%d]}]}}`, ab, 10*i+k, 10*i+k+15)
			p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
			if err != nil {
				t.Fatal(err)
			}
			id := ID(fmt.Sprint(ab, i))
			ids, ps = append(ids, id), append(ps, p)
			live[id] = p
		}
	}
	// Rules whose rest has two fields below one array: an event whose
	// array holds them in different elements fails them (the consistency
	// search, which decideKeptRun does not make).
	for i := range 40 {
		src := fmt.Sprintf(`{"source":[{"prefix":"s"}],"region":[{"anything-but":["q"]}],"detail":{"items":{"a":["1"],"b":["2"]},"w":[{"numeric":[">=",%d,"<",%d]}]}}`, 10*i, 10*i+15)
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		id := ID(fmt.Sprint("w", i))
		ids, ps = append(ids, id), append(ps, p)
		live[id] = p
	}
	// A rule of two fields below an array, for an event with hits
	// inside one (Matcher.arrHits).
	tag, err := compiler.Compile([]byte(`{"detail":{"tags":{"k":["t"],"v":["u"]}}}`), compiler.EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids, ps = append(ids, "tag"), append(ps, tag)
	live["tag"] = tag
	if err := m.AddAll(ids, ps); err != nil {
		t.Fatal(err)
	}
	// checkEvents gives every event region "r": rest x holds, rest r
	// fails, where the source starts with "s".
	events := []string{
		`{"source":"s","detail":{"n":252}}`,
		`{"source":"s","detail":{"n":52}}`,
		`{"source":"s","detail":{"n":12,"m":1}}`,
		`{"source":"t","detail":{"n":252}}`,
		`{"source":"s","detail":{"n":[5,252]}}`,
		`{"source":"s","detail":[{"n":222},{"n":333}]}`,
		`{"source":"s","detail":{"n":240,"n":252}}`,
		`{"source":"s","detail":{"n":"252"}}`,
		`{"source":"s","detail":{"n":395}}`,
	}
	checkEvents(t, m, live, events, "loaded", `"n":240,"n"`)
	// Rules added while the machine was small anchor elsewhere; these
	// are in the tree.
	ev := []byte(`{"source":"s","region":"r","detail":{"n":252}}`)
	for _, trusted := range []bool{false, true} {
		mt := m.NewMatcher()
		dst, err := matchOn(mt, string(ev), trusted)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(dst)
		if want := []ID{"x24", "x25"}; !slices.Equal(dst, want) {
			t.Errorf("trusted %v: matched %v, want %v", trusted, dst, want)
		}
		// x24, x25, r24 and r25 (none is its rest's first clause,
		// whose rest is 0).
		if len(mt.restHits) != 4 {
			t.Errorf("trusted %v: %d rest hits, want 4", trusted, len(mt.restHits))
		}
	}
	// The region in an array: the rest's anything-but is not told by its
	// leaf (decideKeptRun takes none), and each clause is decided alone.
	for _, e := range []string{
		`{"id":"1","account":"1","time":"t","detail-type":"d","source":"s","region":["r"],"detail":{"n":252}}`,
		`{"id":"1","account":"1","time":"t","detail-type":"d","source":"s","region":["x","r"],"detail":{"n":252}}`,
		// Hits inside an array (tags), after the rest hits are listed:
		// they are decided as hitRange's are.
		`{"id":"1","account":"1","time":"t","detail-type":"d","source":"s","region":"r","detail":{"n":252,"tags":[{"k":"t","v":"u"}]}}`,
		`{"id":"1","account":"1","time":"t","detail-type":"d","source":"s","region":"r","detail":{"w":252,"items":[{"a":"1","b":"x"},{"a":"y","b":"2"}]}}`,
		`{"id":"1","account":"1","time":"t","detail-type":"d","source":"s","region":"r","detail":{"w":252,"items":[{"a":"1","b":"2"}]}}`,
	} {
		for _, trusted := range []bool{false, true} {
			dst, err := matchOn(m.NewMatcher(), e, trusted)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := agreeLive(live, dst, []byte(e)); err != nil {
				t.Errorf("%s, trusted %v: %v", e, trusted, err)
			}
		}
	}
	// A deleted sharer is no longer listed; added back, it is again.
	m.Delete("x24")
	delete(live, "x24")
	checkEvents(t, m, live, events, "x24 deleted", `"n":240,"n"`)
	p, err := compiler.Compile([]byte(`{"source":[{"prefix":"s"}],"region":[{"anything-but":["x"]}],"detail":{"n":[{"numeric":[">=",240,"<",255]}]}}`), compiler.EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Add("x24", p); err != nil {
		t.Fatal(err)
	}
	live["x24"] = p
	checkEvents(t, m, live, events, "x24 added again", `"n":240,"n"`)
}
