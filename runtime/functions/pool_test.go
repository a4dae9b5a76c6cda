package functions

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/sqs"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

func pyZip(t testing.TB) []byte { return kinds[1].zip(t) }

// TestConcurrencyBound: at most ReservedConcurrency processes run; the
// next caller is throttled with TooManyRequestsException, and idle ones
// serve the following calls warm.
func TestConcurrencyBound(t *testing.T) {
	need(t, "python3")
	s, _ := newService(t, nil)
	two := 2
	if _, err := s.Create(t.Context(), Spec{Name: "f", Runtime: "python3.12", Handler: "handler.handler", ReservedConcurrency: &two}, pyZip(t)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 2 {
				time.Sleep(300 * time.Millisecond) // the first two hold both slots
			}
			_, errs[i] = s.Invoke(context.Background(), "f", []byte(`{"action":"sleep","sleepMs":800}`), InvokeOptions{})
		}()
	}
	wg.Wait()
	var ae *kernel.Error
	if errs[0] != nil || errs[1] != nil || !errors.As(errs[2], &ae) || ae.Code != "TooManyRequestsException" || ae.HTTPStatus != 429 || !errors.Is(errs[2], ErrThrottled) {
		t.Fatalf("errs = %v", errs)
	}
	if idle, total := s.Processes("f"); idle != 2 || total != 2 {
		t.Errorf("idle=%d total=%d, want 2 warm processes", idle, total)
	}
	if res := invoke(t, s, "f", `{}`); res.Cold {
		t.Error("a warm process was free, yet the invoke was cold")
	}
	zero := 0
	if _, err := s.UpdateConfig(t.Context(), "f", func(sp *Spec) { sp.ReservedConcurrency = &zero }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invoke(t.Context(), "f", nil, InvokeOptions{}); !errors.Is(err, ErrThrottled) {
		t.Errorf("zero concurrency: %v", err)
	}
}

func TestIdleStop(t *testing.T) {
	need(t, "python3")
	s, _ := newService(t, func(c *Options) { c.IdleTimeout = 200 * time.Millisecond })
	if _, err := s.Create(t.Context(), Spec{Name: "f", Runtime: "python3.12", Handler: "handler.handler"}, pyZip(t)); err != nil {
		t.Fatal(err)
	}
	invoke(t, s, "f", `{}`)
	if _, total := s.Processes("f"); total != 1 {
		t.Fatalf("total = %d", total)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, total := s.Processes("f"); total == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the idle process never stopped")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if res := invoke(t, s, "f", `{}`); !res.Cold {
		t.Error("after an idle stop the invoke should be cold")
	}
}

// TestUpdateAndRestart: new code replaces the warm processes; the
// definitions survive a restart of the service on the same store.
func TestUpdateAndRestart(t *testing.T) {
	need(t, "python3")
	dir := t.TempDir()
	st, err := boltstore.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := New(kernel.Env{Store: st}, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(t.Context(), Spec{Name: "f", Runtime: "python3.12", Handler: "h.handler"}, makeZip(t, zipFile{name: "h.py", body: "def handler(e, c):\n    return 'v1'\n"})); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(t.Context(), Spec{Name: "f", Runtime: "python3.12", Handler: "h.handler"}, pyZip(t)); err == nil {
		t.Error("a second Create of the same name succeeded")
	}
	if res := invoke(t, s, "f", `{}`); string(res.Payload) != `"v1"` {
		t.Fatalf("v1: %s", res.Payload)
	}
	if _, err := s.UpdateCode(t.Context(), "f", makeZip(t, zipFile{name: "h.py", body: "def handler(e, c):\n    return 'v2'\n"})); err != nil {
		t.Fatal(err)
	}
	if res := invoke(t, s, "f", `{}`); string(res.Payload) != `"v2"` || !res.Cold {
		t.Fatalf("v2: %s cold=%v", res.Payload, res.Cold)
	}
	s.Close()
	s2, err := New(kernel.Env{Store: st}, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if res := invoke(t, s2, "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST", `{}`); string(res.Payload) != `"v2"` {
		t.Fatalf("after restart: %s", res.Payload)
	}
	if err := s2.Delete(t.Context(), "f"); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Get("f"); err == nil {
		t.Error("Get after Delete succeeded")
	}
}

// TestAsyncThroughDispatcher: async invocations of a real Python function
// run on the dispatcher: an error is retried twice (three runs, one
// process), then the payload lands in the DLQ with AWS's attributes.
func TestAsyncThroughDispatcher(t *testing.T) {
	need(t, "python3")
	dir := t.TempDir()
	st, err := boltstore.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q, _ := sqs.New(kernel.Env{Store: st}, sqs.Options{})
	dlq, _ := q.Create(t.Context(), "dlq")
	d, err := lambda.New(kernel.Env{Store: st, Resolver: kernel.ResolverFunc(q.Resolve)}, lambda.Options{RetryBaseDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s, logs := newService(t, func(c *Options) { c.Dispatcher = d })
	if _, err := s.Create(t.Context(), Spec{Name: "f", Runtime: "python3.12", Handler: "handler.handler", DeadLetterArn: dlq}, pyZip(t)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	okID, err := d.Invoke(ctx, "f", []byte(`{"action":"echo","text":"async"}`))
	if err != nil {
		t.Fatal(err)
	}
	badID, err := d.Invoke(ctx, "f", []byte(`{"action":"error","text":"payment service down"}`))
	if err != nil {
		t.Fatal(err)
	}
	wait := func(id, want string) *lambda.Status {
		deadline := time.Now().Add(30 * time.Second)
		for {
			st, err := d.Status(ctx, id)
			if err == nil && st.Status == want {
				return st
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %+v %v, want %s", id, st, err, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	ok := wait(okID, "succeeded")
	if string(ok.Result) == "" || ok.Attempts != 1 {
		t.Errorf("succeeded: %+v", ok)
	}
	bad := wait(badID, "failed")
	if bad.Attempts != 3 || bad.LastError.ErrorType != "ValueError" || bad.LastError.ErrorMessage != "payment service down" {
		t.Errorf("failed: %+v %+v", bad, bad.LastError)
	}
	msgs, _ := q.Messages(ctx, "dlq")
	if len(msgs) != 1 || msgs[0].Body != `{"action":"error","text":"payment service down"}` || msgs[0].Attributes["RequestID"] != badID || msgs[0].Attributes["ErrorMessage"] != "payment service down" {
		t.Fatalf("dlq = %+v", msgs)
	}
	// Each run logged START with the invocation's own request id.
	lines, _ := logs.lines("/aws/lambda/f")
	n := 0
	for _, l := range lines {
		if l == "START RequestId: "+badID+" Version: $LATEST" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d START lines for the failing invocation, want 3", n)
	}
}
