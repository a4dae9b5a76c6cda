package sns

import (
	"context"
	"github.com/patternc/patternc/runtime/kernel"
	"testing"

	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// docs/semantics/runtime.md §8.2: a message accepted while no deliverer runs (as after a crash
// between Publish and delivery) is delivered by the next service on the
// same store.
func TestDeliveriesResumeAfterRestart(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "q", "q.fifo")
			arn := r.topic("t", nil)
			farn := r.topic("t.fifo", map[string]string{"FifoTopic": "true"})
			r.sub(arn, "sqs", qarn("q"), nil)
			r.sub(farn, "sqs", qarn("q.fifo"), nil)
			r.stop()
			// A service that accepts but does not deliver (Run not called).
			svc, err := New(kernel.Env{Store: r.st, Clock: r.clk, Resolver: r.resolver(), Account: acct, Region: region}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Publish(context.Background(), PublishInput{TopicArn: arn, Message: "pending"}); err != nil {
				t.Fatal(err)
			}
			for _, m := range []string{"a", "b", "c"} {
				if _, err := svc.Publish(context.Background(), PublishInput{TopicArn: farn, Message: m, MessageGroupId: "g", MessageDeduplicationId: m}); err != nil {
					t.Fatal(err)
				}
			}
			r.start()
			if got := r.waitQueue("q", 1); got[0].Body == "" {
				t.Fatal("empty delivery")
			}
			r.waitQueue("q.fifo", 3)
			var order string
			for _, m := range r.waitSent(qarn("q.fifo"), 3) {
				order += decode(t, string(m.Body))["Message"].(string)
			}
			if order != "abc" {
				t.Fatalf("FIFO order after restart: %q", order)
			}
		})
	}
}

// Unsubscribe drops the subscription's pending deliveries with it.
func TestUnsubscribePurgesPending(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			arn := r.topic("t", nil)
			h := newHTTPSink(t)
			h.status.Store(500)
			sub := r.sub(arn, "http", h.srv.URL, nil)
			r.publish(PublishInput{TopicArn: arn, Message: "m"})
			testsupport.Eventually(t, "a retry timer", func() bool { return h.count() == 1 && r.clk.Waiters() > 0 })
			q, err := r.svc.subQueue(sub)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := q.Len(context.Background()); n != 1 {
				t.Fatalf("pending before Unsubscribe: %d", n)
			}
			if err := r.svc.Unsubscribe(context.Background(), sub); err != nil {
				t.Fatal(err)
			}
			if n, _ := q.Len(context.Background()); n != 0 {
				t.Fatalf("pending after Unsubscribe: %d", n)
			}
		})
	}
}
