package sns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/sqs"
	"github.com/patternc/patternc/runtime/store"
)

const (
	acct   = "123456789012"
	region = "us-east-1"
)

var t0 = testsupport.T0

// rig is a service on one store with local queues and a recording
// function kernel.
type rig struct {
	t    *testing.T
	env  kernel.Env
	st   store.Store
	clk  *clock.Fake
	q    *sqs.Service
	svc  *Service
	fn   *testsupport.Recorder
	stop func()

	sentMu sync.Mutex
	sent   map[string][]kernel.Message // by queue ARN, in send order
	fails  map[string]int              // by queue ARN: sends still to fail
}

// tee records what is sent to a queue, in order (the local queue lists
// messages by send time, which a fake clock does not separate).
type tee struct {
	r    *rig
	arn  string
	next kernel.Sink
}

func (t tee) Send(ctx context.Context, m kernel.Message) error {
	t.r.sentMu.Lock()
	if t.r.fails[t.arn] > 0 {
		t.r.fails[t.arn]--
		t.r.sentMu.Unlock()
		return errors.New("store unavailable")
	}
	t.r.sentMu.Unlock()
	if err := t.next.Send(ctx, m); err != nil {
		return err
	}
	t.r.sentMu.Lock()
	t.r.sent[t.arn] = append(t.r.sent[t.arn], m)
	t.r.sentMu.Unlock()
	return nil
}

func (r *rig) sentTo(arn string) []kernel.Message {
	r.sentMu.Lock()
	defer r.sentMu.Unlock()
	return append([]kernel.Message(nil), r.sent[arn]...)
}

func newRig(t *testing.T, e testsupport.Engine, queues ...string) *rig {
	t.Helper()
	env, clk := testsupport.Env(t, e, region, acct)
	seedSigningKey(t, env.Store)
	r := &rig{t: t, env: env, st: env.Store, clk: clk, fn: &testsupport.Recorder{}, sent: map[string][]kernel.Message{}, fails: map[string]int{}}
	var err error
	if r.q, err = sqs.New(env, sqs.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range queues {
		if _, err := r.q.Create(context.Background(), name); err != nil {
			t.Fatal(err)
		}
	}
	r.start()
	return r
}

func (r *rig) resolver() kernel.Resolver {
	return kernel.ResolverFunc(func(arn string) (kernel.Sink, error) {
		if strings.HasPrefix(arn, "arn:aws:lambda:") {
			return r.fn, nil
		}
		sk, err := r.q.Resolve(arn)
		if err != nil {
			return nil, err
		}
		return tee{r, arn, sk}, nil
	})
}

// start (re)opens the service on the rig's store and runs it.
func (r *rig) start() {
	var err error
	env := r.env
	env.Resolver = r.resolver()
	r.svc, err = New(env, Options{BaseURL: "http://127.0.0.1:4590", AutoConfirmHTTP: true})
	if err != nil {
		r.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.svc.Run(ctx); close(done) }()
	r.stop = func() { cancel(); <-done }
	r.t.Cleanup(r.stop)
}

func qarn(name string) string { return "arn:aws:sqs:" + region + ":" + acct + ":" + name }

func (r *rig) topic(name string, attrs map[string]string) string {
	r.t.Helper()
	arn, err := r.svc.CreateTopic(context.Background(), name, attrs)
	if err != nil {
		r.t.Fatal(err)
	}
	return arn
}

func (r *rig) sub(topicARN, proto, endpoint string, attrs map[string]string) string {
	r.t.Helper()
	arn, err := r.svc.Subscribe(context.Background(), topicARN, proto, endpoint, attrs)
	if err != nil {
		r.t.Fatal(err)
	}
	return arn
}

func (r *rig) publish(in PublishInput) PublishOutput {
	r.t.Helper()
	out, err := r.svc.Publish(context.Background(), in)
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

// waitQueue waits (real time, bounded) until queue name holds n messages.
func (r *rig) waitQueue(name string, n int) []sqs.Message {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs, err := r.q.Messages(context.Background(), name)
		if err != nil {
			r.t.Fatal(err)
		}
		if len(msgs) >= n || time.Now().After(deadline) {
			if len(msgs) != n {
				r.t.Fatalf("queue %s: %d messages, want %d", name, len(msgs), n)
			}
			return msgs
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return m
}

// errMsg returns the AWS message of err, or "" for nil.
func errMsg(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := err.(*kernel.Error); ok {
		return e.Code + ": " + e.Message
	}
	return err.Error()
}

// waitSent waits until n messages were recorded as sent to arn, in order.
func (r *rig) waitSent(arn string, n int) []kernel.Message {
	r.t.Helper()
	testsupport.Eventually(r.t, fmt.Sprintf("%d sends to %s", n, arn), func() bool { return len(r.sentTo(arn)) >= n })
	got := r.sentTo(arn)
	if len(got) != n {
		r.t.Fatalf("%d sends to %s, want %d", len(got), arn, n)
	}
	return got
}

var (
	seedOnce          sync.Once
	seedKey, seedCert []byte
)

// seedSigningKey stores one key per test binary, so each new service skips
// the RSA key generation (the generation path is covered by Example).
func seedSigningKey(t *testing.T, st store.Store) {
	seedOnce.Do(func() {
		s, key, err := generateSigner()
		if err != nil {
			t.Fatal(err)
		}
		seedKey, seedCert = key, s.cert
	})
	var b store.Batch
	b.Put(bucket, []byte("signing/key"), seedKey)
	b.Put(bucket, []byte("signing/cert"), seedCert)
	if err := st.Apply(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
}
