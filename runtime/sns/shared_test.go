package sns

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// routes reports whether a publish through s to topicARN with attribute
// n would go to subscription sub: s's fan-out list and its topic's
// matcher, as Publish reads them.
func routes(s *Service, topicARN, sub string, n int) bool {
	s.mu.Lock()
	t, err := s.topicByARN(topicARN)
	s.mu.Unlock()
	if err != nil {
		return false
	}
	fan := t.fan.Load()
	i := slices.IndexFunc(fan.targets, func(f fanTarget) bool { return f.arn == sub })
	if i < 0 {
		return false
	}
	if !fan.targets[i].filtered {
		return true
	}
	ids, err := t.filters.Machine().MatchMessage(&compiler.Publish{Message: "{}",
		Attributes: []compiler.Attribute{{Name: "n", DataType: "Number", StringValue: fmt.Sprint(n)}}})
	return err == nil && slices.Contains(ids, automaton.ID(sub))
}

// TestSharedTopicsPropagate runs two services (two serve instances) on one
// 3-node R3 JetStream cluster: topics created, subscriptions made, filter
// policies changed through A are routed so by B (its fan-out list and
// the topic's matcher), unsubscribes and topic deletes through B reach A;
// the propagation delays are reported.
func TestSharedTopicsPropagate(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	cl := testsupport.StartCluster(t, 3)
	e := testsupport.SharedEngine(cl, "sns-shared")
	open := func() *Service {
		env, _ := testsupport.Env(t, e, region, acct)
		s, err := New(env, Options{})
		if err != nil {
			t.Fatal(err)
		}
		testsupport.Serve(t, s.Run)
		return s
	}
	a, b := open(), open()
	ctx := context.Background()
	var topics, subs, policies, unsubs, deletes testsupport.Propagation
	const q = "arn:aws:sqs:us-east-1:123456789012:q"
	for i := 0; i < 20; i++ {
		start := time.Now()
		arn, err := a.CreateTopic(ctx, fmt.Sprintf("t%d", i), nil)
		if err != nil {
			t.Fatal(err)
		}
		topics.Await(t, "topic "+arn, start, func() bool { _, err := b.GetTopicAttributes(arn); return err == nil })

		start = time.Now()
		sub, err := a.Subscribe(ctx, arn, "sqs", q, map[string]string{"FilterPolicy": `{"n":[1]}`})
		if err != nil {
			t.Fatal(err)
		}
		subs.Await(t, "subscription "+sub, start, func() bool { return routes(b, arn, sub, 1) })
		if routes(b, arn, sub, 2) {
			t.Fatalf("B routes n=2 to %s, whose policy wants n=1", sub)
		}

		start = time.Now()
		if err := a.SetSubscriptionAttributes(ctx, sub, "FilterPolicy", `{"n":[2]}`); err != nil {
			t.Fatal(err)
		}
		policies.Await(t, "filter policy of "+sub, start, func() bool { return routes(b, arn, sub, 2) && !routes(b, arn, sub, 1) })

		if i%2 == 0 { // an unsubscribe through B, then the topic goes
			start = time.Now()
			if err := b.Unsubscribe(ctx, sub); err != nil {
				t.Fatal(err)
			}
			unsubs.Await(t, "unsubscribe of "+sub, start, func() bool { _, err := a.GetSubscriptionAttributes(sub); return err != nil })
		}
		start = time.Now()
		if err := b.DeleteTopic(ctx, arn); err != nil {
			t.Fatal(err)
		}
		deletes.Await(t, "delete of "+arn, start, func() bool { _, err := a.GetTopicAttributes(arn); return err != nil })
		if _, err := a.GetSubscriptionAttributes(sub); err == nil {
			t.Fatalf("A still has %s after its topic was deleted through B", sub)
		}
	}
	// Both instances subscribe one endpoint at once (each applying the
	// same --config at start): one subscription, not two.
	arn, err := a.CreateTopic(ctx, "both", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateTopic(ctx, "both", nil); err != nil {
		t.Fatal(err)
	}
	subARNs := make([]string, 2)
	errs := make(chan error, 2)
	for i, s := range []*Service{a, b} {
		go func() {
			var err error
			subARNs[i], err = s.Subscribe(ctx, arn, "sqs", q, nil)
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if subARNs[0] != subARNs[1] {
		t.Errorf("concurrent Subscribe through A and B made two subscriptions: %s, %s", subARNs[0], subARNs[1])
	}
	for _, s := range []*Service{a, b} {
		if l, err := s.ListSubscriptionsByTopic(arn); err != nil || len(l) != 1 {
			t.Errorf("subscriptions of %s: %v, %v; want one", arn, l, err)
		}
	}
	topics.Report(t, "CreateTopic A→B")
	subs.Report(t, "Subscribe with a filter policy A→B (routed by B)")
	policies.Report(t, "SetSubscriptionAttributes FilterPolicy A→B (matcher rebuilt on B)")
	unsubs.Report(t, "Unsubscribe B→A")
	deletes.Report(t, "DeleteTopic B→A")
	b.runMu.Lock()
	n := len(b.running)
	b.runMu.Unlock()
	if n != 1 {
		t.Errorf("B runs %d subscription workers, want 1 (every topic but one was deleted)", n)
	}
}
