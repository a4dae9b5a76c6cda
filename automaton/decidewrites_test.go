package automaton

import (
	"fmt"
	"slices"
	"testing"
)

// TestDecideAcrossWrites: decideEach's predicate of a list of values,
// decided without its anchor loop, follows the machine's writes with one
// Matcher (its cached records): a pattern deleted and another added with
// the same field, a second pattern sharing the clause, a second clause
// on the predicate, and back; on both paths, and against a fresh Matcher.
func TestDecideAcrossWrites(t *testing.T) {
	m := New(Config{})
	mt := m.NewMatcher()
	ev := []byte(`{"source":"s","city":"Zürich","n":1}`)
	check := func(want ...ID) {
		t.Helper()
		for _, match := range []func([]ID, []byte) ([]ID, error){mt.Match, mt.MatchTrusted, m.NewMatcher().Match} {
			got, err := match(nil, ev)
			slices.Sort(got)
			if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("got %v, %v; want %v", got, err, want)
			}
		}
	}
	addPattern(t, m, "a", `{"city":["Zürich","Malmö"]}`)
	check("a")
	m.Delete("a")
	check()
	addPattern(t, m, "b", `{"city":["Zürich","Malmö"]}`)
	check("b")
	addPattern(t, m, "c", `{"city":["Zürich","Malmö"]}`) // the same clause: two patterns
	check("b", "c")
	m.Delete("b")
	check("c")
	addPattern(t, m, "d", `{"city":["Zürich","Malmö"],"source":["s"]}`) // a second clause
	check("c", "d")
	m.Delete("d")
	check("c")
	addPattern(t, m, "e", `{"city":["Zürich","Malmö"],"n":[2]}`) // a clause that fails
	check("c")
	m.Delete("c")
	check()
}
