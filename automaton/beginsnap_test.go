package automaton

import (
	"fmt"
	"slices"
	"testing"
)

// TestBeginNewSnapshot holds begin to sizing the scratch only when the
// snapshot changes (loadSnapshot): one Matcher matches between writes
// that grow the machine past its scratch (predicates, paths, patterns),
// on each path, and must answer as a fresh Matcher does; a Matcher whose
// name memo Match made (with its Matcher, which passMembers reads) then
// reads trusted events.
func TestBeginNewSnapshot(t *testing.T) {
	ev := []byte(`{"source":"s7","detail":{"n":7,"k":"v7"},"x":"y"}`)
	for _, tc := range []struct {
		name  string
		match func(mt *Matcher, ev []byte) ([]ID, error)
	}{
		{"Match", func(mt *Matcher, ev []byte) ([]ID, error) { return mt.Match(nil, ev) }},
		{"MatchTrusted", func(mt *Matcher, ev []byte) ([]ID, error) { return mt.MatchTrusted(nil, ev) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Config{})
			mt := m.NewMatcher()
			for round := 0; round < 6; round++ {
				// Each round adds more than the last round's scratch
				// holds (it is sized for the caps and a quarter more).
				for k := 0; k < 8<<round; k++ {
					i := round*1000 + k
					addPattern(t, m, ID(fmt.Sprint(i)), fmt.Sprintf(
						`{"source":["s%d"],"detail":{"k":["v%d"],"p%d":[{"exists":false}]}}`, i%10, i%10, i))
				}
				got, err := tc.match(mt, ev)
				if err != nil {
					t.Fatal(err)
				}
				want, err := tc.match(m.NewMatcher(), ev)
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(got)
				slices.Sort(want)
				if len(want) == 0 || !slices.Equal(got, want) {
					t.Fatalf("round %d: got %v, want %v (non-empty)", round, got, want)
				}
			}
		})
	}
	t.Run("MatchFirst", func(t *testing.T) {
		m := New(Config{})
		addPattern(t, m, "a", `{"source":["s7"],"detail":{"k":["v7"]}}`)
		mt := m.NewMatcher()
		if got, err := mt.Match(nil, ev); err != nil || !slices.Equal(got, []ID{"a"}) {
			t.Fatalf("Match: got %v, %v, want [a]", got, err)
		}
		for range 3 {
			got, err := mt.MatchTrusted(nil, ev)
			if err != nil || !slices.Equal(got, []ID{"a"}) {
				t.Fatalf("got %v, %v, want [a]", got, err)
			}
		}
	})
}
