package events

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// matches reports whether rule of the default bus of s matches event.
func matches(s *Service, rule string, event []byte) bool {
	s.mu.RLock()
	b := s.buses["default"]
	s.mu.RUnlock()
	ids, err := b.machine.MatchTrusted(event)
	return err == nil && slices.Contains(ids, automaton.ID(rule))
}

// TestSharedConfigPropagates runs two services (two serve instances) on one
// 3-node R3 JetStream cluster: rules put, changed and deleted through A are
// matched (and no longer matched) by B, and the propagation delay is
// reported. A's own rule applies to A at once, as on bbolt.
func TestSharedConfigPropagates(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	cl := testsupport.StartCluster(t, 3)
	cluster := testsupport.Engine{Name: "cluster", Open: func(t testing.TB, dir string) store.Store {
		st, err := jsstore.Open(jsstore.Config{URL: cl.URL(), Prefix: "shared", Replicas: 3})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}}
	open := func() *Service {
		env, _ := testsupport.Env(t, cluster, "", "")
		s, err := New(env, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = s.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		return s
	}
	a, b := open(), open()
	ctx := context.Background()
	const rounds = 40
	var delays []time.Duration
	for i := 0; i < rounds; i++ {
		rule := fmt.Sprintf("r%d", i%5)
		src := fmt.Sprintf("src-%d", i)
		event := []byte(fmt.Sprintf(`{"source":%q,"detail-type":"t","detail":{}}`, src))
		start := time.Now()
		if _, err := a.PutRule(ctx, PutRuleInput{Name: rule, EventPattern: fmt.Sprintf(`{"source":[%q]}`, src)}); err != nil {
			t.Fatal(err)
		}
		if !matches(a, rule, event) {
			t.Fatalf("round %d: A does not match its own rule %s at once", i, rule)
		}
		for !matches(b, rule, event) {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("round %d: B never matched rule %s written through A", i, rule)
			}
			time.Sleep(time.Millisecond)
		}
		delays = append(delays, time.Since(start))
	}
	// A delete through B reaches A.
	if err := b.DeleteRule(ctx, "default", "r0"); err != nil {
		t.Fatal(err)
	}
	last := []byte(`{"source":"src-35","detail-type":"t","detail":{}}`)
	deadline := time.Now().Add(10 * time.Second)
	for matches(a, "r0", last) {
		if time.Now().After(deadline) {
			t.Fatalf("A never saw B's delete: A %s; B %s", dumpMirror(a, "rule/default/r0"), dumpMirror(b, "rule/default/r0"))
		}
		time.Sleep(time.Millisecond)
	}
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
	p := func(q float64) time.Duration { return delays[int(q*float64(len(delays)-1))] }
	t.Logf("rule change through A matched by B: n=%d p50=%v p99=%v max=%v (PutRule on R3 included)", len(delays), p(0.5), p(0.99), delays[len(delays)-1])
}

func dumpMirror(s *Service, key string) string {
	return fmt.Sprintf("%s rebuilds=%d", s.shared.Describe(key), s.Stats()["config_rebuilds"])
}
