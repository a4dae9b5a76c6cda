package automaton

import (
	"fmt"
	"testing"
)

// TestSharedRests: clauses with kept entries that share a rest (the
// same source, region anything-but and, for the listed ones, range),
// anchored on different ranges (handed straight to deciding) or on
// different names (listed by their need), decided once per input for
// all of them; rests that fail, hold, need the consistency search
// (arrays), and writes of one sharer.
func TestSharedRests(t *testing.T) {
	m, live, add := liveMachine(t, 0)
	// checkEvents' events all have region "r": rest x holds, rest r
	// fails on it.
	for i := range 30 {
		rng := fmt.Sprintf(`{"numeric":[">=",%d,"<",%d]}`, 10*i, 10*i+25)
		add(ID(fmt.Sprint("x", i)), `{"source":[{"prefix":"s"}],"region":[{"anything-but":["x"]}],"detail":{"n":[`+rng+`]}}`)
		add(ID(fmt.Sprint("r", i)), `{"source":[{"prefix":"s"}],"region":[{"anything-but":["r"]}],"detail":{"n":[`+rng+`]}}`)
		add(ID(fmt.Sprint("k", i)), fmt.Sprintf(`{"source":[{"prefix":"s"}],"region":[{"anything-but":["x"]}],"detail":{"k%d":["v"],"m":[{"numeric":[">",5]}]}}`, i))
	}
	shared := func() (ids map[int32]int) {
		ids = map[int32]int{}
		for _, rec := range m.patterns {
			for _, cw := range rec.clauses {
				if cw.rec.rngs != 0 {
					if id := keptOf(cw.rec).rest; id != 0 {
						ids[id]++
					}
				}
			}
		}
		return ids
	}
	if got := shared(); len(got) < 3 {
		t.Fatalf("shared rests %v, want 3 at least", got)
	}
	events := []string{
		`{"source":"s","detail":{"n":12}}`,
		`{"source":"s","detail":{"n":52,"m":7,"k1":"v","k2":"v","k7":"v"}}`,
		`{"source":"s","detail":{"n":52,"m":3,"k1":"v","k2":"v"}}`,
		`{"source":"t","detail":{"n":22,"m":7,"k3":"v","k4":"v"}}`,
		`{"source":"s","detail":{"n":[5,22],"m":7,"k3":"v","k4":"v"}}`,
		`{"source":"s","detail":[{"n":22,"m":7,"k5":"v"},{"n":33,"m":1,"k6":"v"}]}`,
		`{"source":"s","detail":{"n":40,"n":22,"k1":"v","m":9}}`,
		`{"source":"s","detail":{"m":[1,9],"k1":"v","k2":["v"]}}`,
		`{"source":"s","detail":{"n":"22","k8":"v","m":"7"}}`,
	}
	checkEvents(t, m, live, events, "loaded", `"n":40,"n"`)
	// Delete every sharer of rest x but one, then that one, and add them
	// back: the rest's id is given back and given out again.
	for i := 1; i < 30; i++ {
		id := ID(fmt.Sprint("x", i))
		m.Delete(id)
		delete(live, id)
	}
	checkEvents(t, m, live, events, "one sharer left", `"n":40,"n"`)
	m.Delete("x0")
	delete(live, "x0")
	checkEvents(t, m, live, events, "none left", `"n":40,"n"`)
	for i := range 30 {
		rng := fmt.Sprintf(`{"numeric":[">=",%d,"<",%d]}`, 10*i, 10*i+25)
		add(ID(fmt.Sprint("x", i)), `{"source":[{"prefix":"s"}],"region":[{"anything-but":["x"]}],"detail":{"n":[`+rng+`]}}`)
	}
	checkEvents(t, m, live, events, "added again", `"n":40,"n"`)
	// Everything deleted: no rest is left interned.
	for id := range live {
		m.Delete(id)
	}
	if len(m.rests) != 0 {
		t.Errorf("%d rests interned with no clause", len(m.rests))
	}
}

// TestSharedRestsAllocs: deciding shared rests allocates nothing.
func TestSharedRestsAllocs(t *testing.T) {
	defer func(f int32) { needIDsFrom = f }(needIDsFrom)
	needIDsFrom = 0
	m := New(Config{})
	for i := range 30 {
		rng := fmt.Sprintf(`{"numeric":[">=",%d,"<",%d]}`, 10*i, 10*i+25)
		addPattern(t, m, ID(fmt.Sprint("x", i)), `{"source":[{"prefix":"s"}],"region":[{"anything-but":["x"]}],"detail":{"n":[`+rng+`]}}`)
	}
	ev := []byte(`{"source":"s","region":"r","detail":{"n":52}}`)
	mt := m.NewMatcher()
	dst, _ := mt.Match(nil, ev)
	if len(dst) != 3 {
		t.Fatalf("matched %v, want 3", dst)
	}
	for _, trusted := range []bool{false, true} {
		allocs := testing.AllocsPerRun(200, func() {
			if trusted {
				dst, _ = mt.MatchTrusted(dst[:0], ev)
			} else {
				dst, _ = mt.Match(dst[:0], ev)
			}
		})
		if allocs != 0 {
			t.Errorf("trusted %v: %v allocs per match", trusted, allocs)
		}
	}
}
