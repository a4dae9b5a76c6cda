package automaton

import (
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestMarkOneField holds oneField to its definition: at most one pattern
// path at a scope's path or below it.
func TestMarkOneField(t *testing.T) {
	cases := []struct {
		rules []string
		want  map[string]bool // scope path -> oneField
	}{
		{[]string{`{"a":{"b":["x"]}}`}, map[string]bool{"a": true}},
		{[]string{`{"a":{"b":["x"]}}`, `{"a":{"c":["y"]}}`}, map[string]bool{"a": false}},
		// Two patterns naming one path: still one path.
		{[]string{`{"a":{"b":["x"]}}`, `{"a":{"b":[{"exists":false}]}}`}, map[string]bool{"a": true}},
		// The scope's own path counts ({"b":["x"],"b.a":["f"]}, §5).
		{[]string{`{"b":["x"],"b.a":["f"]}`}, map[string]bool{"b": false}},
		{[]string{`{"d":{"r":{"i":{"t":["m"]}}},"d.x":["1"]}`}, map[string]bool{"d": false, "d.r": true, "d.r.i": true}},
		{[]string{`{"d":{"r":{"i":{"t":["m"]},"j":["2"]}}}`}, map[string]bool{"d": false, "d.r": false, "d.r.i": true}},
		// A dotted pattern name is the same path.
		{[]string{`{"a.b":{"c":["x"]}}`}, map[string]bool{"a": true, "a.b": true}},
	}
	for _, tc := range cases {
		m := New(Config{})
		for i, r := range tc.rules {
			addPattern(t, m, ID(fmt.Sprint(i)), r)
		}
		sub := m.snap.Load().sub[inputEvent]
		for path, want := range tc.want {
			e, ok := sub.index[path]
			if !ok || e.sc == nil {
				t.Fatalf("%v: no scope at %q", tc.rules, path)
			}
			if e.sc.oneField != want {
				t.Errorf("%v: oneField at %q = %v, want %v", tc.rules, path, e.sc.oneField, want)
			}
		}
	}
}

// TestOneFieldWrites: oneField follows the machine's paths through its
// writes, and Match with it: a second path below the array pins it again,
// and deleting it unpins.
func TestOneFieldWrites(t *testing.T) {
	m := New(Config{})
	addPattern(t, m, "t", `{"a":{"t":["m5"],"n":[1]}}`)
	oneField := func() bool { return m.snap.Load().sub[inputEvent].index["a"].sc.oneField }
	ev := []byte(`{"a":[{"t":"m5"},{"n":1}]}`)
	for step, want := range []bool{false, true, false} {
		switch step {
		case 1:
			m.Delete("t")
			addPattern(t, m, "u", `{"a":{"t":["m5"]}}`)
		case 2:
			addPattern(t, m, "t", `{"a":{"t":["m5"],"n":[1]}}`)
		}
		if oneField() != want {
			t.Fatalf("step %d: oneField %v, want %v", step, !want, want)
		}
		for _, trusted := range []bool{false, true} {
			mt := m.NewMatcher()
			ids, err := matchOn(mt, string(ev), trusted)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if id == "t" {
					t.Fatalf("step %d (trusted %v): t matched leaves of two elements", step, trusted)
				}
			}
			if step > 0 && len(ids) == 0 {
				t.Fatalf("step %d (trusted %v): u did not match", step, trusted)
			}
		}
	}
}

// TestPinless: arrays of objects whose path leads to one pattern path
// pin nothing, and every pattern answers as Explain does, pinned or not,
// on both paths: each rule alone (its own machine, where its array paths
// lead to its one field) and all together (where they do not).
func TestPinless(t *testing.T) {
	defer func(on bool) { pinlessOn = on }(pinlessOn)
	rules := []string{
		`{"d":{"items":{"t":["m5"]}}}`,
		`{"d":{"items":{"t":[{"prefix":"c6"}]}},"s":["x"]}`,
		`{"d":{"items":{"t":[{"exists":false}]}},"s":["x"]}`,
		`{"d":{"items":{"t":[{"exists":true}]}}}`,
		`{"d":{"items":{"t":[{"anything-but":"m5"}]}}}`,
		`{"d":{"items":{"n":[{"numeric":[">",3]}]}},"s":["x"]}`,
		`{"d":{"items":{"deep":{"t":["m5"]}}}}`,
		`{"d":{"items":{"t":["m5"],"n":[1]}}}`,
		`{"d":{"items":{"t":["m5"]},"other":{"t":["c6"]}}}`,
	}
	events := []string{
		`{"s":"x","d":{"items":[{"t":"m5","n":1},{"t":"c6","n":4}]}}`,
		`{"s":"x","d":{"items":[{"t":"c6","n":1},{"t":"m5","n":4}]}}`,
		`{"s":"x","d":{"items":[{"n":1},{"n":4}]}}`,
		`{"s":"x","d":{"items":[{"n":1},{"t":"m5"}]}}`,
		`{"s":"x","d":{"items":[{"t":"m5"},{"t":"m5"}]}}`,
		`{"s":"x","d":{"items":[[{"t":"m5"}],{"t":["c6","m5"],"n":[2,5]}]}}`,
		`{"s":"x","d":{"items":[{"deep":[{"t":"m5"}]},{"deep":{"t":"x"}}]}}`,
		`{"s":"x","d":{"items":[],"other":[{"t":"c6"}]}}`,
		`{"s":"x","d":{"items":{"t":"m5","n":1}}}`,
		`{"s":"y","d":{"items":[{"t":"m5","n":1}],"other":[{"t":"c6"},{"t":"m5"}]}}`,
	}
	check := func(m *Machine, ps map[ID]*compiler.Pattern) {
		t.Helper()
		mt := m.NewMatcher()
		for _, on := range []bool{false, true} {
			pinlessOn = on
			for _, ev := range events {
				for _, trusted := range []bool{false, true} {
					var ids []ID
					var err error
					if trusted {
						ids, err = mt.MatchTrusted(nil, []byte(ev))
					} else {
						ids, err = mt.Match(nil, []byte(ev))
					}
					if err != nil {
						t.Fatal(err)
					}
					agreeExplain(t, fmt.Sprintf("pinless %v, trusted %v", on, trusted), ids, ps, ev)
				}
			}
		}
	}
	eachAloneAndAll(t, rules, check)
}

// TestDifferentialPinless runs the random differential with machines of
// one to three patterns, whose array paths most often lead to one
// pattern path (pinless), and with the arrays pinned.
func TestDifferentialPinless(t *testing.T) {
	defer func(on bool) { pinlessOn = on }(pinlessOn)
	for _, on := range []bool{true, false} {
		pinlessOn = on
		total := 0
		for seed := int64(1); total < *pairs/4; seed++ {
			c, _, _ := differential(t, seed, 1+int(seed%3), 60)
			total += c
		}
	}
}
