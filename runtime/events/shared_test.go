package events

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// matches reports whether rule of the default bus of s matches event.
func matches(s *Service, rule string, event []byte) bool {
	s.mu.RLock()
	b := s.buses["default"]
	s.mu.RUnlock()
	ids, err := b.patterns.Machine().MatchTrusted(event)
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
	cluster := testsupport.SharedEngine(cl, "shared")
	open := func() *Service {
		env, _ := testsupport.Env(t, cluster, "", "")
		s, err := New(env, Options{})
		if err != nil {
			t.Fatal(err)
		}
		testsupport.Serve(t, s.Run)
		return s
	}
	a, b := open(), open()
	ctx := context.Background()
	const rounds = 40
	var delays testsupport.Propagation
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
		delays.Await(t, fmt.Sprintf("round %d: rule %s written through A, matched by B", i, rule), start, func() bool { return matches(b, rule, event) })
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
	delays.Report(t, "PutRule through A matched by B")
}

func dumpMirror(s *Service, key string) string {
	return fmt.Sprintf("%s rebuilds=%d", s.shared.Describe(key), s.Stats()["config_rebuilds"])
}
