package automaton

import (
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// agreeExplain reports each pattern of ps whose answer in ids (the ids
// one match gave on ev) differs from compiler.Explain's; what names the
// setting under test in the message.
func agreeExplain(t *testing.T, what string, ids []ID, ps map[ID]*compiler.Pattern, ev string) {
	t.Helper()
	got := map[ID]bool{}
	for _, id := range ids {
		got[id] = true
	}
	for id, p := range ps {
		ex, err := compiler.ExplainMatch(p, []byte(ev))
		if err != nil {
			t.Fatal(err)
		}
		if got[id] != ex.Matched {
			t.Errorf("%s: %s on %s: got %v, Explain %v", what, id, ev, got[id], ex.Matched)
		}
	}
}

// eachAloneAndAll runs check on a machine of each rule alone (id "r" and
// its index), then on one machine of them all, so that a case answers
// both where its paths are the machine's only ones and where they share
// tables with the others'.
func eachAloneAndAll(t *testing.T, rules []string, check func(m *Machine, ps map[ID]*compiler.Pattern)) {
	t.Helper()
	all, allPs := New(Config{}), map[ID]*compiler.Pattern{}
	for i, r := range rules {
		id := ID(fmt.Sprint("r", i))
		m := New(Config{})
		check(m, map[ID]*compiler.Pattern{id: addPattern(t, m, id, r)})
		allPs[id] = addPattern(t, all, id, r)
	}
	check(all, allPs)
}

// matchPath matches ev on the trusted path or the validating one.
func matchPath(mt *Matcher, trusted bool, ev string) ([]ID, error) {
	if trusted {
		return mt.MatchTrusted(nil, []byte(ev))
	}
	return mt.Match(nil, []byte(ev))
}

// trustedBothWays is a check for eachAloneAndAll: every event meets the
// trusted contract, and MatchTrusted answers each as Match and Explain
// do with the switch *knob off and on (what names it in the messages).
// The caller restores the knob.
func trustedBothWays(t *testing.T, what string, knob *bool, events []string) func(m *Machine, ps map[ID]*compiler.Pattern) {
	return func(m *Machine, ps map[ID]*compiler.Pattern) {
		t.Helper()
		mt := m.NewMatcher()
		for _, ev := range events {
			if err := mt.CheckTrusted([]byte(ev)); err != nil {
				t.Fatalf("%s: %v", ev, err)
			}
			want, err := mt.Match(nil, []byte(ev))
			if err != nil {
				t.Fatal(err)
			}
			for _, on := range []bool{false, true} {
				*knob = on
				ids, err := mt.MatchTrusted(nil, []byte(ev))
				if err != nil {
					t.Fatalf("%s %v: %s: %v", what, on, ev, err)
				}
				if sortedIDs(ids) != sortedIDs(want) {
					t.Errorf("%s %v: %s: MatchTrusted %v, Match %v", what, on, ev, ids, want)
				}
				agreeExplain(t, fmt.Sprint(what, " ", on), ids, ps, ev)
			}
		}
	}
}
