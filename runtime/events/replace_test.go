package events

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

// TestRuleChangeNeverDropsAMatch: events are matched outside the service
// lock, so a rule being replaced (PutRule with a pattern that still matches)
// or re-enabled must never be absent from the automaton in between. With
// delete-then-add, an event routed at that moment found no rule.
func TestRuleChangeNeverDropsAMatch(t *testing.T) {
	s := newBare(t)
	s.RegisterHandler("arn:x:go:::h", func(context.Context, []byte) error { return nil })
	mustRule(t, s, "", "r", `{"source":["shop"]}`, Target{ID: "t", Arn: "arn:x:go:::h"})
	event := []byte(`{"version":"0","id":"1","detail-type":"d","source":"shop","account":"0","time":"t","region":"r","resources":[],"detail":{"n":1}}`)
	ctx := context.Background()
	s.mu.RLock()
	bus := s.buses["default"]
	s.mu.RUnlock()
	stop := make(chan struct{})
	var misses, plans atomic.Int64
	var wg sync.WaitGroup
	for range 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				// What plan does once it has the bus, without the lookup's
				// lock handoffs that would hide the window.
				ids, err := bus.patterns.Machine().Match(event)
				if err != nil {
					t.Error(err)
					return
				}
				plans.Add(1)
				if len(ids) != 1 {
					misses.Add(1)
				}
			}
		}()
	}
	patterns := []string{`{"source":["shop"]}`, `{"source":[{"prefix":"sh"}]}`}
	for i := range 40 {
		if _, err := s.PutRule(ctx, PutRuleInput{Name: "r", EventPattern: patterns[i%2]}); err != nil {
			t.Fatal(err)
		}
		if err := s.EnableRule(ctx, "", "r"); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if n := misses.Load(); n > 0 {
		t.Fatalf("%d of %d events found no rule while it was being replaced", n, plans.Load())
	}
}
