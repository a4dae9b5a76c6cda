package automaton

import (
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestPoolPerMachine: Machine.Match and MatchPublish reuse pooled scratch
// per machine. With one pool for all machines, a service holding one
// machine per bus or topic got the other machine's Matcher back, dropped
// it and built a new one on nearly every call.
func TestPoolPerMachine(t *testing.T) {
	event := []byte(`{"source":"shop","detail":{"customer":"c7","total":12}}`)
	a := compileAll(t, compiler.EventBridge, `{"source":["shop"]}`, `{"detail":{"customer":["c7"]}}`)
	b := compileAll(t, compiler.EventBridge, `{"detail":{"total":[{"numeric":[">",10]}]}}`)
	for range 3 { // warm both pools
		a.Match(event)
		b.Match(event)
	}
	// Alone, each machine allocates only its result slice.
	alone := testing.AllocsPerRun(200, func() { a.Match(event) }) + testing.AllocsPerRun(200, func() { b.Match(event) })
	allocs := testing.AllocsPerRun(200, func() {
		if ids, err := a.Match(event); err != nil || len(ids) != 2 {
			t.Fatalf("a: %v %v", ids, err)
		}
		if ids, err := b.Match(event); err != nil || len(ids) != 1 {
			t.Fatalf("b: %v %v", ids, err)
		}
	})
	// A garbage collection in the middle may empty a pool once (a new
	// Matcher costs a few allocations, a few hundredths per pair over 200
	// runs); one shared pool would cost them on nearly every pair.
	limit := alone + 0.5
	if raceEnabled {
		// The race detector's pool drops a random quarter of the Matchers
		// put back, alone and alternating alike; one shared pool would
		// still build a Matcher (many allocations) on nearly every call.
		limit = alone*1.5 + 1
	}
	if allocs > limit {
		t.Errorf("alternating two machines: %.1f allocations per pair of matches, want ≤ %.1f (each alone: %.1f)", allocs, limit, alone)
	}
}
