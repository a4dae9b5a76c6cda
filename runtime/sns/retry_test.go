package sns

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// docs/semantics/runtime.md §5.8 the schedules and backoff curves.
func TestSchedules(t *testing.T) {
	sec := func(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
	curve := func(fn string) []time.Duration {
		var out []time.Duration
		for k := 1; k <= 5; k++ {
			out = append(out, backoffDelay(fn, k, 5, 10*time.Second, 100*time.Second))
		}
		return out
	}
	want := map[string][]time.Duration{
		"linear":      {sec(10), sec(32.5), sec(55), sec(77.5), sec(100)},
		"arithmetic":  {sec(10), sec(15.625), sec(32.5), sec(60.625), sec(100)},
		"geometric":   {sec(10), sec(49.375), sec(77.5), sec(94.375), sec(100)},
		"exponential": {sec(10), sec(10 + 90*4.656854249492381/1023), sec(10 + 90*31.0/1023), sec(10 + 90*180.01933598375618/1023), sec(100)},
	}
	for fn, w := range want {
		got := curve(fn)
		for i := range w {
			if d := got[i] - w[i]; d > time.Millisecond || d < -time.Millisecond {
				t.Errorf("%s retry %d: %v, want %v", fn, i+1, got[i], w[i])
			}
		}
	}
	if d := backoffDelay("linear", 1, 1, time.Second, 9*time.Second); d != 9*time.Second {
		t.Errorf("single backoff retry uses t=1: %v", d)
	}
	steps := []struct {
		ph   phases
		n    int
		want time.Duration
		ok   bool
	}{
		{managedSchedule, 1, 0, true}, {managedSchedule, 3, 0, true}, {managedSchedule, 4, time.Second, true},
		{managedSchedule, 5, time.Second, true}, {managedSchedule, 6, time.Second, true}, {managedSchedule, 15, 20 * time.Second, true},
		{managedSchedule, 100015, 20 * time.Second, true}, {managedSchedule, 100016, 0, false},
		{DefaultHTTPRetry.phases(), 1, 20 * time.Second, true}, {DefaultHTTPRetry.phases(), 3, 20 * time.Second, true},
		{DefaultHTTPRetry.phases(), 4, 0, false},
	}
	for _, s := range steps {
		got, ok := s.ph.delay(s.n)
		if got != s.want || ok != s.ok {
			t.Errorf("retry %d: %v %v, want %v %v", s.n, got, ok, s.want, s.ok)
		}
	}
	bad := []struct{ policy, want string }{
		{`{"healthyRetryPolicy":{"numRetries":2,"numNoDelayRetries":3}}`, "numRetries must be at least the sum"},
		{`{"healthyRetryPolicy":{"minDelayTarget":0}}`, "minDelayTarget must be at least 1"},
		{`{"healthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":20}}`, "minDelayTarget must be less than or equal"},
		{`{"healthyRetryPolicy":{"backoffFunction":"cubic"}}`, "backoffFunction must be one of"},
		{`{"throttlePolicy":{"maxReceivesPerSecond":0}}`, "maxReceivesPerSecond must be at least 1"},
		{`[`, "failed to parse JSON"},
	}
	for _, b := range bad {
		if _, err := parseDeliveryPolicy(b.policy, false); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: %v, want %s", b.policy, err, b.want)
		}
	}
}

// waitTimer waits until the fake clock has a timer d from now, then fires it.
func (r *rig) waitTimer(d time.Duration) {
	r.t.Helper()
	testsupport.Eventually(r.t, fmt.Sprintf("a %v timer", d), func() bool {
		at, ok := r.clk.NextWait()
		return ok && at.Sub(r.clk.Now()) == d
	})
	r.clk.Advance(d)
}

// docs/semantics/runtime.md §5.8 HTTP retry policy on the fake clock, then docs/semantics/runtime.md §5.9 the DLQ.
func TestHTTPRetriesThenDLQ(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "dlq")
			arn := r.topic("t", nil)
			h := newHTTPSink(t)
			h.status.Store(500)
			r.sub(arn, "http", h.srv.URL, map[string]string{
				"DeliveryPolicy": `{"healthyRetryPolicy":{"numRetries":3,"numNoDelayRetries":1,"minDelayTarget":10,"maxDelayTarget":40}}`,
				"RedrivePolicy":  `{"deadLetterTargetArn":"` + qarn("dlq") + `"}`})
			out := r.publish(PublishInput{TopicArn: arn, Message: "boom"})
			testsupport.Eventually(t, "first attempt and the immediate retry", func() bool { return h.count() == 2 })
			r.waitTimer(10 * time.Second) // backoff retry 1 of 2: min
			testsupport.Eventually(t, "third attempt", func() bool { return h.count() == 3 })
			r.waitTimer(40 * time.Second) // backoff retry 2 of 2: max
			dlq := r.waitQueue("dlq", 1)
			if h.count() != 4 {
				t.Fatalf("%d attempts, want 4", h.count())
			}
			for i, req := range h.reqs {
				if req.Header.Get("x-amz-sns-message-id") != out.MessageId {
					t.Fatalf("attempt %d has another MessageId", i)
				}
			}
			env := decode(t, dlq[0].Body)
			if env["Message"] != "boom" || env["MessageId"] != out.MessageId {
				t.Fatalf("DLQ body: %s", dlq[0].Body)
			}
			testsupport.Eventually(t, "the DLQ count", func() bool { return r.svc.Stats().DLQWrites == 1 })
			st := r.svc.Stats()
			if st.Retries != 3 || st.DLQWrites != 1 || st.Dropped != 0 || st.Delivered != 0 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// docs/semantics/runtime.md §5.8: a 4xx counts as delivered (rejected): no retry, no DLQ.
func TestHTTP4xxIsNotRetried(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "dlq")
			arn := r.topic("t", nil)
			h := newHTTPSink(t)
			h.status.Store(404)
			r.sub(arn, "http", h.srv.URL, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + qarn("dlq") + `"}`})
			r.publish(PublishInput{TopicArn: arn, Message: "m"})
			testsupport.Eventually(t, "delivered-rejected", func() bool { return r.svc.Stats().DeliveredRejected == 1 })
			if st := r.svc.Stats(); st.Retries != 0 || st.DLQWrites != 0 || h.count() != 1 {
				t.Fatalf("stats %+v attempts %d", st, h.count())
			}
		})
	}
}

// docs/semantics/runtime.md §5.9: a client-side error (queue gone) goes to the DLQ at once; without
// a DLQ the message is dropped and counted.
func TestClientErrorGoesToDLQ(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "gone", "gone2", "dlq")
			ctx := context.Background()
			arn := r.topic("t", nil)
			r.sub(arn, "sqs", qarn("gone"), map[string]string{"RawMessageDelivery": "true", "RedrivePolicy": `{"deadLetterTargetArn":"` + qarn("dlq") + `"}`})
			r.sub(arn, "sqs", qarn("gone2"), nil)
			for _, q := range []string{"gone", "gone2"} {
				if err := r.q.DeleteQueue(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			r.publish(PublishInput{TopicArn: arn, Message: "orphan", MessageAttributes: map[string]Attribute{"k": {DataType: "String", StringValue: "v"}}})
			dlq := r.waitQueue("dlq", 1)
			testsupport.Eventually(t, "the DLQ count", func() bool { return r.svc.Stats().DLQWrites == 1 })
			if dlq[0].Body != "orphan" || dlq[0].Attributes["k"] != "v" {
				t.Fatalf("DLQ message: %+v", dlq[0])
			}
			testsupport.Eventually(t, "drop", func() bool { return r.svc.Stats().Dropped == 1 })
			if st := r.svc.Stats(); st.Retries != 0 || st.DLQWrites != 1 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// docs/semantics/runtime.md §5.6: a slow subscriber and a failing one never delay another.
func TestFanOutIsolation(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "fast")
			arn := r.topic("t", nil)
			release := make(chan struct{})
			slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				select {
				case <-release:
				case <-req.Context().Done():
				}
			}))
			t.Cleanup(slow.Close)
			t.Cleanup(func() { close(release) })
			failing := newHTTPSink(t)
			failing.status.Store(503)
			ok := newHTTPSink(t)
			r.sub(arn, "http", slow.URL, nil)
			r.sub(arn, "http", failing.srv.URL, nil)
			r.sub(arn, "http", ok.srv.URL, nil)
			r.sub(arn, "sqs", qarn("fast"), nil)
			for i := 0; i < 20; i++ {
				r.publish(PublishInput{TopicArn: arn, Message: fmt.Sprint("m", i)})
			}
			// The slow endpoint holds all its workers and the failing one
			// waits on retry timers the fake clock never reaches, yet the
			// others get everything.
			r.waitQueue("fast", 20)
			testsupport.Eventually(t, "http deliveries", func() bool { return ok.count() == 20 })
			t.Logf("ok endpoint: %d requests", ok.count())
			// The failing endpoint got its first attempts too; its retries
			// wait on timers the fake clock never reaches.
			testsupport.Eventually(t, "first attempts at the failing endpoint", func() bool { return failing.count() >= 20 })
		})
	}
}

// docs/semantics/runtime.md §5.8 maxReceivesPerSecond spaces deliveries on the clock.
func TestThrottle(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			arn := r.topic("t", nil)
			h := newHTTPSink(t)
			r.sub(arn, "http", h.srv.URL, map[string]string{"DeliveryPolicy": `{"throttlePolicy":{"maxReceivesPerSecond":1}}`})
			for i := 0; i < 3; i++ {
				r.publish(PublishInput{TopicArn: arn, Message: fmt.Sprint("m", i)})
			}
			testsupport.Eventually(t, "the first delivery", func() bool { return h.count() == 1 })
			r.waitTimer(time.Second)
			testsupport.Eventually(t, "the second delivery", func() bool { return h.count() == 2 })
			if h.count() != 2 {
				t.Fatalf("%d deliveries after one second", h.count())
			}
			testsupport.Eventually(t, "the third slot", func() bool { return r.clk.Waiters() > 0 })
			r.clk.Advance(time.Second)
			testsupport.Eventually(t, "the third delivery", func() bool { return h.count() == 3 })
		})
	}
}

// docs/semantics/runtime.md §5.4/§5.8: a FIFO subscription retries on the AWS-managed schedule
// (3 immediate, then 1 s apart) and the rest of the group waits its turn.
func TestFIFORetryKeepsOrder(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "q.fifo")
			arn := r.topic("t.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
			r.sentMu.Lock()
			r.fails[qarn("q.fifo")] = 5
			r.sentMu.Unlock()
			r.sub(arn, "sqs", qarn("q.fifo"), nil)
			r.publish(PublishInput{TopicArn: arn, Message: "a", MessageGroupId: "g"})
			r.publish(PublishInput{TopicArn: arn, Message: "b", MessageGroupId: "g"})
			r.waitTimer(time.Second) // after 1 + 3 immediate attempts
			r.waitTimer(time.Second) // pre-backoff retry 2
			r.waitQueue("q.fifo", 2)
			var order string
			for _, m := range r.waitSent(qarn("q.fifo"), 2) {
				order += decode(t, string(m.Body))["Message"].(string)
			}
			if order != "ab" {
				t.Fatalf("order %q", order)
			}
			if st := r.svc.Stats(); st.Retries != 5 || st.Delivered != 2 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}
