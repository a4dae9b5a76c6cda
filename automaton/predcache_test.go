package automaton

import (
	"math"
	"slices"
	"testing"
)

// TestPredRecCache: a Matcher caches predicate records in its scratch;
// a write that changes a predicate's anchors publishes a new record, which
// the next Match must use, also across the epoch wrap that clears the
// scratch.
func TestPredRecCache(t *testing.T) {
	m := New(Config{})
	mt := m.NewMatcher()
	event := []byte(`{"source":"aws.ec2","detail":{"state":"running"}}`)
	add := func(id ID, src string) { t.Helper(); addPattern(t, m, id, src) }
	check := func(step string, want ...ID) {
		t.Helper()
		for round := 0; round < 2; round++ { // the second round reads the cache
			got, err := mt.Match(nil, event)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("%s, round %d: got %v, want %v", step, round, got, want)
			}
		}
	}
	add("a", `{"source":["aws.ec2"]}`)
	check("one anchor", "a")
	// Same predicate on source, a second clause anchored on it.
	add("b", `{"source":["aws.ec2"],"detail":{"state":["running"]}}`)
	add("c", `{"source":["aws.ec2"],"detail":{"state":["stopped"]}}`)
	check("anchors added", "a", "b")
	m.Delete("a")
	check("anchor removed", "b")
	mt.epoch = math.MaxUint32 - 1
	check("epoch wrap", "b")
	add("d", `{"source":["aws.ec2"]}`)
	check("after the wrap", "b", "d")
	m.Delete("b")
	m.Delete("d")
	check("none")
}
