package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	evtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/patternc/patternc/internal/crashtest"
	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// crashResources are declared in the child's config (and so re-applied,
// idempotently, at every start): every event of source crash.test goes to
// queue events-q, every message of topic crash to queue sns-q, of FIFO
// topic crash.fifo to FIFO queue fifo-q.fifo.
const crashResources = `
resources:
  queues:
    - name: events-q
    - name: sns-q
    - name: fifo-q.fifo
      attributes: {FifoQueue: "true"}
  topics:
    - name: crash
    - name: crash.fifo
      attributes: {FifoTopic: "true"}
  subscriptions:
    - topic: crash
      protocol: sqs
      endpoint: arn:aws:sqs:us-east-1:000000000000:sns-q
    - topic: crash.fifo
      protocol: sqs
      endpoint: arn:aws:sqs:us-east-1:000000000000:fifo-q.fifo
  rules:
    - name: all
      pattern: {"source": ["crash.test"]}
      targets:
        - id: q
          arn: arn:aws:sqs:us-east-1:000000000000:events-q
`

// loadChild runs a Server on dir's data (mode "bolt", or "js=URL" for
// JetStream) and writes its address to dir/addr.
func loadChild(mode, dir string) {
	file, err := ParseFile([]byte(crashResources))
	if err != nil {
		childFail(err)
	}
	cfg := Config{Listen: "127.0.0.1:0", DataDir: filepath.Join(dir, "data"), Resources: file.Resources,
		// A 500 a test sees is explained by the child's log in the test's
		// output (the default logger discards).
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	if url, ok := strings.CutPrefix(mode, "js="); ok {
		cfg.NATSURL = url
	}
	if url, ok := strings.CutPrefix(mode, "cluster="); ok {
		// TestServeCluster (cluster_test.go): R3, and a dead instance's
		// work taken over after 3 s rather than 30.
		cfg.NATSURL, cfg.NATSReplicas, cfg.NATSLease = url, 3, clusterLease
		// Async invokes: the function records each run in one file all
		// instances share, with the instance that ran it.
		instance := filepath.Base(dir)
		cfg.Runtime = func(c *runtime.Config) {
			c.LambdaRetryBase = 50 * time.Millisecond
			c.Functions.Env = map[string]string{"RUNS": os.Getenv(clusterRunsEnv), "INSTANCE": instance}
		}
	}
	s, err := New(cfg)
	if err != nil {
		childFail(err)
	}
	if err := s.Start(); err != nil {
		childFail(err)
	}
	tmp := filepath.Join(dir, "addr.tmp")
	if err := os.WriteFile(tmp, []byte(s.URL()), 0o644); err != nil {
		childFail(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "addr")); err != nil {
		childFail(err)
	}
}

func childFail(err error) {
	fmt.Fprintln(os.Stderr, "serve child:", err)
	os.Exit(3)
}

// childURL waits for a started child's address.
func childURL(t *testing.T, dir string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, "addr")); err == nil {
			return string(b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the serve child never wrote its address")
	return ""
}

const httpCrashN = 2000 // acknowledged items before the kill, at least

// TestCrashOverHTTP: a serve child takes PutEvents (10 entries a request)
// and Publish from two client goroutines through the AWS SDK; once at
// least httpCrashN items are acknowledged it is killed with SIGKILL, started
// again on the same data, and every acknowledged event id and message id
// must come out of the target queues (at least once).
func TestCrashOverHTTP(t *testing.T) {
	if os.Getenv("PATTERNC_CRASH_HTTP") == "" {
		t.Skip("a 2-minute crash test: set PATTERNC_CRASH_HTTP=1 (.ci/run does)")
	}
	t.Run("bbolt", func(t *testing.T) { crashOverHTTP(t, "bolt") })
	t.Run("jetstream", func(t *testing.T) {
		ns, err := testsupport.StartJetStream(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer ns.Shutdown()
		crashOverHTTP(t, "js="+ns.ClientURL())
	})
}

func crashOverHTTP(t *testing.T, mode string) {
	dir := t.TempDir()
	child := crashtest.Start(t, dir, mode) // serveChild (crash_test.go) hands these modes to loadChild
	url := childURL(t, dir)
	c := clientsAt(url)
	ctx := context.Background()
	topic := "arn:aws:sns:us-east-1:000000000000:crash"

	var mu sync.Mutex
	events, messages := map[string]bool{}, map[string]bool{}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // PutEvents, 10 entries a request
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			entries := make([]evtypes.PutEventsRequestEntry, 10)
			for j := range entries {
				entries[j] = evtypes.PutEventsRequestEntry{Source: aws.String("crash.test"), DetailType: aws.String("Crash"), Detail: aws.String(fmt.Sprintf(`{"n":%d}`, i*10+j))}
			}
			out, err := c.ev.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
			if err != nil {
				return // the kill
			}
			mu.Lock()
			for _, e := range out.Entries {
				if e.EventId != nil {
					events[*e.EventId] = true
				}
			}
			mu.Unlock()
		}
	}()
	go func() { // Publish
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			out, err := c.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(fmt.Sprintf("m%d", i))})
			if err != nil {
				return
			}
			mu.Lock()
			messages[*out.MessageId] = true
			mu.Unlock()
		}
	}()
	for {
		mu.Lock()
		n, m := len(events), len(messages)
		mu.Unlock()
		if n+m >= httpCrashN && m >= httpCrashN/4 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	child.Kill() // SIGKILL with requests in flight
	close(done)
	wg.Wait()
	mu.Lock()
	acked := len(events) + len(messages)
	mu.Unlock()

	_ = os.Remove(filepath.Join(dir, "addr"))
	again := crashtest.Start(t, dir, mode)
	defer again.Kill()
	c = clientsAt(childURL(t, dir))
	gotEvents := drainIDs(t, c, strings.TrimSuffix(childURL(t, dir), "/")+"/000000000000/events-q", "id", events)
	gotMessages := drainIDs(t, c, strings.TrimSuffix(childURL(t, dir), "/")+"/000000000000/sns-q", "MessageId", messages)
	delivered, deliveries, unacked := 0, 0, 0
	for _, pair := range []struct {
		got  map[string]int
		want map[string]bool
	}{{gotEvents, events}, {gotMessages, messages}} {
		for id, n := range pair.got {
			if pair.want[id] {
				delivered++
				deliveries += n
			} else {
				unacked++ // in flight at the kill: may or may not be kept
			}
		}
	}
	t.Logf("%s: N=%d acknowledged (%d events in PutEvents of 10, %d Publish) before SIGKILL; after restart delivered=%d (all), %d deliveries of them, duplicates=%d; %d unacknowledged items also delivered",
		mode, acked, len(events), len(messages), delivered, deliveries, deliveries-delivered, unacked)
}

func clientsAt(url string) clients {
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: aws.AnonymousCredentials{}, Retryer: func() aws.Retryer { return aws.NopRetryer{} }}
	return clients{ev: eventbridge.NewFromConfig(cfg), sns: sns.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg)}
}

// drainIDs reads queue qurl until every id of want arrived (the id is
// the body's JSON member key), deleting what it reads, and returns how
// often each id arrived.
func drainIDs(t *testing.T, c clients, qurl, key string, want map[string]bool) map[string]int {
	t.Helper()
	got, _, err := collect(c, qurl, jsonMember(key), func(got map[string]int) bool { return allIn(want, got) }, time.Now().Add(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// jsonMember reads the id of a message from its body's JSON member key.
func jsonMember(key string) func(body string) (string, error) {
	return func(body string) (string, error) {
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			return "", fmt.Errorf("body %q: %v", body, err)
		}
		id, _ := m[key].(string)
		return id, nil
	}
}

// allIn reports whether every id of want is in got.
func allIn(want map[string]bool, got map[string]int) bool {
	for id := range want {
		if got[id] == 0 {
			return false
		}
	}
	return true
}

// collect reads queue qurl, deleting what it reads, until done (asked
// after every receive with how often each id arrived so far) holds, and
// returns those counts and the ids in order of first arrival. It runs on
// any goroutine (errors are returned) and may start while the items are
// still being sent: done decides when nothing more is due.
func collect(c clients, qurl string, idOf func(body string) (string, error), done func(got map[string]int) bool, deadline time.Time) (map[string]int, []string, error) {
	ctx := context.Background()
	got := map[string]int{}
	var order []string
	for !done(got) {
		if time.Now().After(deadline) {
			return got, order, fmt.Errorf("%s: not everything acknowledged arrived (%d ids did)", qurl, len(got))
		}
		out, err := c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(qurl), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if unavailable(err) {
			time.Sleep(200 * time.Millisecond) // a cluster electing a leader: retry, as SDKs do
			continue
		}
		if err != nil {
			return got, order, err
		}
		var del []sqstypes.DeleteMessageBatchRequestEntry
		for i, m := range out.Messages {
			id, err := idOf(aws.ToString(m.Body))
			if err != nil {
				return got, order, err
			}
			if got[id]++; got[id] == 1 {
				order = append(order, id)
			}
			del = append(del, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: m.ReceiptHandle})
		}
		if len(del) > 0 {
			if _, err := c.sqs.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(qurl), Entries: del}); err != nil && !unavailable(err) {
				return got, order, err // unavailable: the messages come again (duplicates)
			}
		}
	}
	return got, order, nil
}

// unavailable reports a 503 ServiceUnavailable: the store had no quorum or
// leader for a moment, nothing was done, and the call may be retried.
func unavailable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "ServiceUnavailable")
}
