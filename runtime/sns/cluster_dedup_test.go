package sns

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/sqs"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// clusterInstance is one serve instance's SNS side: its own JetStream
// connection, local queues and topic service, running.
type clusterInstance struct {
	q   *sqs.Service
	svc *Service
}

// sendLog records what the instances deliver to the queue, in order (the
// local queue lists by send time, which a fake clock does not separate).
type sendLog struct {
	mu   sync.Mutex
	msgs []string
}

type loggedSink struct {
	log  *sendLog
	next kernel.Sink
}

func (l loggedSink) Send(ctx context.Context, m kernel.Message) error {
	l.log.mu.Lock() // sends of a FIFO group are in order: log them in the order they land
	defer l.log.mu.Unlock()
	if err := l.next.Send(ctx, m); err != nil {
		return err
	}
	l.log.msgs = append(l.log.msgs, string(m.Body))
	return nil
}

func (l *sendLog) bodies(t *testing.T) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, b := range l.msgs {
		out = append(out, fmt.Sprint(decode(t, b)["Message"]))
	}
	return out
}

func startClusterInstance(t *testing.T, cl *testsupport.Cluster, clk clock.Clock, log *sendLog) *clusterInstance {
	t.Helper()
	st, err := jsstore.Open(jsstore.Config{URL: cl.URL(), Prefix: "dedup", Replicas: 3, LeaseTTL: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	seedSigningKey(t, st)
	env := kernel.Env{Store: st, Clock: clk, Region: region, Account: acct, Logger: testsupport.Discard}
	in := &clusterInstance{}
	if in.q, err = sqs.New(env, sqs.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := in.q.Create(context.Background(), "out.fifo"); err != nil {
		t.Fatal(err)
	}
	env.Resolver = kernel.ResolverFunc(func(arn string) (kernel.Sink, error) {
		sk, err := in.q.Resolve(arn)
		if err != nil {
			return nil, err
		}
		return loggedSink{log, sk}, nil
	})
	if in.svc, err = New(env, Options{BaseURL: "http://127.0.0.1:4590"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.svc.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return in
}

// TestClusterFIFODedup: the 5-minute deduplication window of a FIFO topic
// holds across instances. Two instances on a 3-node R3 cluster, with
// synchronised clocks (one fake clock): a MessageDeduplicationId
// published through A and again through B within the window, and a body
// published through A then B under content-based deduplication, are each
// one message, one delivery, with the first publish's MessageId and
// SequenceNumber; the same id published by both instances at once is one
// message; past the window the id is a new message.
func TestClusterFIFODedup(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	cl := testsupport.StartCluster(t, 3)
	clk := clock.NewFake(t0)
	log := &sendLog{}
	a := startClusterInstance(t, cl, clk, log)
	arn, err := a.svc.CreateTopic(context.Background(), "jobs.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Subscribe(context.Background(), arn, "sqs", qarn("out.fifo"), nil); err != nil {
		t.Fatal(err)
	}
	b := startClusterInstance(t, cl, clk, log) // loads the topic and its subscription
	publish := func(in *clusterInstance, body, dedup string) PublishOutput {
		t.Helper()
		out, err := in.svc.Publish(context.Background(), PublishInput{TopicArn: arn, Message: body, MessageGroupId: "g", MessageDeduplicationId: dedup})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	explicit := publish(a, "first text", "order-1")
	clk.Advance(DedupWindow - time.Second)
	if again := publish(b, "other text", "order-1"); again != explicit {
		t.Errorf("MessageDeduplicationId through A then B within the window: %+v, want %+v", again, explicit)
	}
	content := publish(a, "same body", "")
	clk.Advance(time.Minute)
	if again := publish(b, "same body", ""); again != content {
		t.Errorf("content-based deduplication through A then B: %+v, want %+v", again, content)
	}

	// Both instances publish one id at once, ten times each.
	var mu sync.Mutex
	ids := map[string]bool{}
	var wg sync.WaitGroup
	for _, in := range []*clusterInstance{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				out, err := in.svc.Publish(context.Background(), PublishInput{TopicArn: arn, Message: "race", MessageGroupId: "g", MessageDeduplicationId: "race-1"})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				ids[out.MessageId] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(ids) != 1 {
		t.Errorf("one id published 20 times by two instances at once: %d messages", len(ids))
	}

	// Past the window (from the first publish) the id is new again.
	clk.Advance(5 * time.Second)
	fresh := publish(b, "first text", "order-1")
	if fresh.MessageId == explicit.MessageId || fresh.SequenceNumber <= explicit.SequenceNumber {
		t.Errorf("past the window: %+v, the first was %+v", fresh, explicit)
	}

	// Deliveries: the four distinct messages, each once, in publish order.
	want := []string{"first text", "same body", "race", "first text"}
	testsupport.Within(t, 20*time.Second, "four deliveries", func() bool { return len(log.bodies(t)) >= len(want) })
	time.Sleep(time.Second) // a duplicate delivery would land now
	got := log.bodies(t)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("delivered %q, want %q", got, want)
	}
	if msgs, err := b.q.Messages(context.Background(), "out.fifo"); err != nil || len(msgs) != len(want) {
		t.Errorf("the queue holds %d messages (%v), want %d", len(msgs), err, len(want))
	}
	dups := a.svc.Stats().Duplicates + b.svc.Stats().Duplicates
	if dups != 21 {
		t.Errorf("duplicates counted %d, want 21 (1 explicit, 1 content-based, 19 of the race)", dups)
	}
	t.Logf("deliveries %q; duplicates refused %d (A %d, B %d)", got, dups, a.svc.Stats().Duplicates, b.svc.Stats().Duplicates)
}
