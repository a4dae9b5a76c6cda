package events

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
)

// TestStoredRulesLoadAtOnce: a bus's stored rules come back after a
// restart, loaded into its machine at once (automaton.Rules.Load), the
// disabled ones out of it: every event matches the rules it matched
// before the restart.
func TestStoredRulesLoadAtOnce(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			st := e.Open(t, dir)
			s, err := New(kernel.Env{Store: st, Logger: testsupport.Discard}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := s.CreateEventBus(ctx, "orders", ""); err != nil {
				t.Fatal(err)
			}
			// 150 rules (AddAll plans sets over 64) on two buses.
			for i := 0; i < 150; i++ {
				bus := []string{"", "orders"}[i%2]
				mustRule(t, s, bus, fmt.Sprint("r", i), fmt.Sprintf(`{"source":["app"],"detail":{"n":[{"numeric":[">=",%d]}],"kind":[%q]}}`, i, []string{"a", "b", "c"}[i%3]))
			}
			for i := 0; i < 150; i += 7 {
				if err := s.DisableRule(ctx, []string{"", "orders"}[i%2], fmt.Sprint("r", i)); err != nil {
					t.Fatal(err)
				}
			}
			events := []string{
				`{"source":"app","detail":{"n":40,"kind":"a"}}`,
				`{"source":"app","detail":{"n":149,"kind":"b"}}`,
				`{"source":"app","detail":{"n":0,"kind":"c"}}`,
				`{"source":"other","detail":{"n":100,"kind":"a"}}`,
			}
			matches := func(s *Service) [][]automaton.ID {
				var out [][]automaton.ID
				for _, name := range []string{"default", "orders"} {
					s.mu.RLock()
					b := s.buses[name]
					s.mu.RUnlock()
					for _, ev := range events {
						ids, err := b.patterns.Machine().MatchTrusted([]byte(ev))
						if err != nil {
							t.Fatal(err)
						}
						slices.Sort(ids)
						out = append(out, ids)
					}
				}
				return out
			}
			before := matches(s)
			if len(before[0]) == 0 || len(before[5]) == 0 {
				t.Fatalf("the rules match nothing: %v", before)
			}
			if slices.Contains(before[0], "r0") || slices.Contains(before[1], "r7") {
				t.Fatalf("a disabled rule matched: %v", before)
			}
			_ = st.Close()
			s2, err := New(kernel.Env{Store: e.Open(t, dir), Logger: testsupport.Discard}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if after := matches(s2); !slices.EqualFunc(before, after, slices.Equal) {
				t.Fatalf("after the restart %v, before %v", after, before)
			}
			for _, name := range []string{"default", "orders"} {
				if n := s2.buses[name].patterns.Len(); n != 64 {
					t.Errorf("bus %s: %d enabled rules loaded, want 64", name, n)
				}
			}
		})
	}
}
