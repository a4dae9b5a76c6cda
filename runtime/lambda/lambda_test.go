package lambda

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

type rig struct {
	d   *Dispatcher
	clk *clock.Fake
	q   *sqs.Service
}

var t0 = testsupport.T0

func newRig(t *testing.T, e testsupport.Engine) *rig {
	env, clk := testsupport.Env(t, e, "us-east-1", "123456789012")
	q, err := sqs.New(env, sqs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ok", "failed", "dlq"} {
		if _, err := q.Create(context.Background(), name); err != nil {
			t.Fatal(err)
		}
	}
	r := &rig{clk: clk, q: q}
	env.Resolver = kernel.ResolverFunc(func(arn string) (kernel.Sink, error) {
		if strings.HasPrefix(arn, "arn:aws:lambda:") {
			return r.d.Resolve(arn)
		}
		return q.Resolve(arn)
	})
	r.d, err = New(env, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return r
}

// settle waits until the invocation reaches want, advancing the fake clock
// to each pending timer while it waits.
func (r *rig) settle(t *testing.T, id, want string) *Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		st, err := r.d.Status(context.Background(), id)
		if err == nil && st.Status == want {
			return st
		}
		if next, ok := r.clk.NextWait(); ok && st != nil && st.Status != StatusRunning {
			r.clk.Advance(next.Sub(r.clk.Now()))
		}
		time.Sleep(time.Millisecond)
	}
	st, _ := r.d.Status(context.Background(), id)
	t.Fatalf("invocation %s never reached %s: %+v", id, want, st)
	return nil
}

func intp(i int) *int { return &i }

func TestDispatcher(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Run("validation", func(t *testing.T) { testValidation(t, newRig(t, e)) })
			t.Run("success", func(t *testing.T) { testSuccess(t, newRig(t, e)) })
			t.Run("retries", func(t *testing.T) { testRetries(t, newRig(t, e)) })
			t.Run("limits", func(t *testing.T) { testLimits(t, newRig(t, e)) })
			t.Run("throttle", func(t *testing.T) { testThrottle(t, newRig(t, e)) })
		})
	}
}

func testValidation(t *testing.T, r *rig) {
	ctx := context.Background()
	var apiErr *kernel.Error
	if _, err := r.d.Invoke(ctx, "nope", []byte(`{}`)); !errors.As(err, &apiErr) || apiErr.HTTPStatus != 404 || apiErr.Code != "ResourceNotFoundException" {
		t.Fatalf("unknown function: %v", err)
	}
	r.d.Register("f", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, FunctionOptions{})
	if _, err := r.d.Invoke(ctx, "f", []byte(`{"a":`)); !errors.As(err, &apiErr) || apiErr.HTTPStatus != 400 || !strings.HasPrefix(apiErr.Message, "Could not parse request body into json: ") {
		t.Fatalf("bad JSON: %v", err)
	}
	if _, err := r.d.Invoke(ctx, "f", []byte(`"`+strings.Repeat("x", 300<<10)+`"`)); !errors.As(err, &apiErr) || apiErr.HTTPStatus != 413 {
		t.Fatalf("too large: %v", err)
	}
	tests := []struct {
		cfg  EventInvokeConfig
		want string
	}{
		{EventInvokeConfig{}, "You must specify at least one of error handling or destination setting."},
		{EventInvokeConfig{MaximumRetryAttempts: intp(3)}, "maximumRetryAttempts"},
		{EventInvokeConfig{MaximumEventAgeInSeconds: intp(59)}, "maximumEventAgeInSeconds"},
		{EventInvokeConfig{OnSuccess: r.d.FunctionARN("f")}, "You can't specify the function as a destination for itself."},
		{EventInvokeConfig{OnFailure: "arn:aws:sqs:us-east-1:123456789012:missing"}, "The destination ARN arn:aws:sqs:us-east-1:123456789012:missing is invalid."},
	}
	for _, tc := range tests {
		if err := r.d.PutEventInvokeConfig("f", tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func testSuccess(t *testing.T, r *rig) {
	ctx := context.Background()
	r.d.Register("echo", func(ctx context.Context, p []byte) ([]byte, error) { return []byte(`{"ok":true}`), nil }, FunctionOptions{})
	if err := r.d.PutEventInvokeConfig("echo", EventInvokeConfig{OnSuccess: r.q.ARN("ok")}); err != nil {
		t.Fatal(err)
	}
	id, err := r.d.Invoke(ctx, "echo", []byte(`{"orderId":"ORD-001"}`))
	if err != nil {
		t.Fatal(err)
	}
	st := r.settle(t, id, StatusSucceeded)
	if st.Attempts != 1 || string(st.Result) != `{"ok":true}` || *st.Condition != "Success" || st.Delivery.OnSuccess.State != "delivered" || st.Revision != 3 {
		t.Fatalf("status %+v", st)
	}
	msgs, _ := r.q.Messages(ctx, "ok")
	if len(msgs) != 1 {
		t.Fatalf("%d records on the success queue", len(msgs))
	}
	want := fmt.Sprintf(`{"version":"1.0","timestamp":"2024-06-15T10:30:00.000Z","requestContext":{"requestId":%q,"functionArn":"arn:aws:lambda:us-east-1:123456789012:function:echo:$LATEST","condition":"Success","approximateInvokeCount":1},"requestPayload":{"orderId":"ORD-001"},"responseContext":{"statusCode":200,"executedVersion":"$LATEST"},"responsePayload":{"ok":true}}`, id)
	if msgs[0].Body != want {
		t.Fatalf("record\n got %s\nwant %s", msgs[0].Body, want)
	}
}

func testRetries(t *testing.T, r *rig) {
	ctx := context.Background()
	var mu sync.Mutex
	var runs []time.Time
	r.d.Register("flaky", func(ctx context.Context, p []byte) ([]byte, error) {
		mu.Lock()
		runs = append(runs, r.clk.Now())
		mu.Unlock()
		return nil, &FunctionError{Type: "Exception", Message: "payment service down"}
	}, FunctionOptions{DeadLetterArn: r.q.ARN("dlq")})
	if err := r.d.PutEventInvokeConfig("flaky", EventInvokeConfig{OnFailure: r.q.ARN("failed")}); err != nil {
		t.Fatal(err)
	}
	id, _ := r.d.Invoke(ctx, "flaky", []byte(`{"orderId":"ORD-002"}`))
	st := r.settle(t, id, StatusFailed)
	mu.Lock()
	if len(runs) != 3 || runs[1].Sub(runs[0]) != time.Minute || runs[2].Sub(runs[1]) != 2*time.Minute {
		t.Fatalf("runs at %v, want t, t+60s, t+180s", runs)
	}
	mu.Unlock()
	if *st.Condition != "RetriesExhausted" || st.Attempts != 3 || st.LastError.ErrorMessage != "payment service down" || st.LastError.Kind != "function" {
		t.Fatalf("status %+v", st)
	}
	failed, _ := r.q.Messages(ctx, "failed")
	var rec map[string]any
	if len(failed) != 1 || json.Unmarshal([]byte(failed[0].Body), &rec) != nil {
		t.Fatalf("failure records: %v", failed)
	}
	rc := rec["requestContext"].(map[string]any)
	resp := rec["responseContext"].(map[string]any)
	if rc["condition"] != "RetriesExhausted" || rc["approximateInvokeCount"] != 3.0 || resp["functionError"] != "Unhandled" ||
		rec["responsePayload"].(map[string]any)["errorType"] != "Exception" {
		t.Fatalf("record %s", failed[0].Body)
	}
	if s := r.d.Stats(); s["invocations_failed"] != 1 || s["invocation_retries"] != 2 || s["invocations_accepted"] != 1 {
		t.Fatalf("stats %v", s)
	}
	dlq, _ := r.q.Messages(ctx, "dlq")
	if len(dlq) != 1 || dlq[0].Body != `{"orderId":"ORD-002"}` || dlq[0].Attributes["RequestID"] != id || dlq[0].Attributes["ErrorCode"] != "200" || dlq[0].Attributes["ErrorMessage"] != "payment service down" {
		t.Fatalf("DLQ %+v", dlq)
	}
}

func testLimits(t *testing.T, r *rig) {
	ctx := context.Background()
	runs := 0
	var mu sync.Mutex
	fail := func(ctx context.Context, p []byte) ([]byte, error) {
		mu.Lock()
		runs++
		mu.Unlock()
		panic("boom")
	}
	r.d.Register("once", fail, FunctionOptions{})
	r.d.PutEventInvokeConfig("once", EventInvokeConfig{MaximumRetryAttempts: intp(0)})
	id, _ := r.d.Invoke(ctx, "once", nil)
	st := r.settle(t, id, StatusFailed)
	if st.Attempts != 1 || st.LastError.ErrorType != "Runtime.Panic" {
		t.Fatalf("no-retry: %+v", st)
	}
	r.d.Register("young", fail, FunctionOptions{})
	r.d.PutEventInvokeConfig("young", EventInvokeConfig{MaximumEventAgeInSeconds: intp(60)})
	id, _ = r.d.Invoke(ctx, "young", nil)
	st = r.settle(t, id, StatusExpired)
	if *st.Condition != "EventAgeExceeded" || st.Attempts != 1 {
		t.Fatalf("max age 60s must mean no retry: %+v", st)
	}
	r.d.Register("zero", fail, FunctionOptions{ReservedConcurrency: intp(0)})
	id, _ = r.d.Invoke(ctx, "zero", nil)
	st = r.settle(t, id, StatusFailed)
	if *st.Condition != "ZeroReservedConcurrency" || st.Attempts != 0 {
		t.Fatalf("zero concurrency: %+v", st)
	}
}

func testThrottle(t *testing.T, r *rig) {
	ctx := context.Background()
	var mu sync.Mutex
	var calls []time.Time
	r.d.Register("busy", func(ctx context.Context, p []byte) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, r.clk.Now())
		if len(calls) <= 2 {
			return nil, kernel.ErrThrottled
		}
		return []byte(`"done"`), nil
	}, FunctionOptions{})
	id, _ := r.d.Invoke(ctx, "busy", nil)
	st := r.settle(t, id, StatusSucceeded)
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 3 || calls[1].Sub(calls[0]) != time.Second || calls[2].Sub(calls[1]) != 2*time.Second {
		t.Fatalf("throttle backoff: %v", calls)
	}
	if st.Attempts != 1 {
		t.Fatalf("throttles counted as runs: %+v", st)
	}
}

// TestRestart: an invocation accepted before a shutdown runs after the
// dispatcher reopens on the same store, and its status is kept.
func TestRestart(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			st := e.Open(t, dir)
			d, err := New(kernel.Env{Store: st}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			d.Register("later", func(ctx context.Context, p []byte) ([]byte, error) { return p, nil }, FunctionOptions{})
			id, err := d.Invoke(ctx, "later", []byte(`{"n":7}`))
			if err != nil {
				t.Fatal(err)
			}
			if s, err := d.Status(ctx, id); err != nil || s.Status != StatusQueued || s.Revision != 1 {
				t.Fatalf("before run: %+v %v", s, err)
			}
			st.Close()

			st = e.Open(t, dir)
			defer st.Close()
			d, _ = New(kernel.Env{Store: st}, Options{})
			d.Register("later", func(ctx context.Context, p []byte) ([]byte, error) { return p, nil }, FunctionOptions{})
			runCtx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { d.Run(runCtx); close(done) }()
			defer func() { cancel(); <-done }()
			deadline := time.Now().Add(10 * time.Second)
			for {
				s, _ := d.Status(ctx, id)
				if s != nil && s.Status == StatusSucceeded {
					if string(s.Result) != `{"n":7}` {
						t.Fatalf("result %s", s.Result)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("never ran after restart: %+v", s)
				}
				time.Sleep(time.Millisecond)
			}
			all, err := d.List(ctx)
			if err != nil || len(all) != 1 || all[0].InvocationID != id {
				t.Fatalf("List: %+v %v", all, err)
			}
			if _, err := d.Status(ctx, "no-such-id"); err == nil {
				t.Fatal("unknown id has a status")
			}
		})
	}
}

func TestErrorKinds(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			ctx := context.Background()
			tests := []struct {
				name      string
				err       error
				wantType  string
				wantFnErr string
			}{
				{"plain", errors.New("disk full"), "errors.errorString", "Unhandled"},
				{"handled", &FunctionError{Type: "ValidationError", Message: "no id", Handled: true}, "ValidationError", "Handled"},
			}
			for _, tc := range tests {
				r.d.Register(tc.name, func(ctx context.Context, p []byte) ([]byte, error) { return nil, tc.err }, FunctionOptions{})
				r.d.PutEventInvokeConfig(tc.name, EventInvokeConfig{MaximumRetryAttempts: intp(0), OnFailure: r.q.ARN("failed")})
				id, _ := r.d.Invoke(ctx, tc.name, []byte(`{}`))
				st := r.settle(t, id, StatusFailed)
				if st.LastError.ErrorType != tc.wantType || st.Delivery.OnFailure.State != "delivered" {
					t.Errorf("%s: %+v", tc.name, st)
				}
			}
			recs, _ := r.q.Messages(ctx, "failed")
			if len(recs) != len(tests) {
				t.Fatalf("%d failure records", len(recs))
			}
			for _, tc := range tests {
				found := false
				for _, rec := range recs {
					found = found || strings.Contains(rec.Body, `"functionError":"`+tc.wantFnErr+`"`) && strings.Contains(rec.Body, `"errorType":"`+tc.wantType+`"`)
				}
				if !found {
					t.Errorf("%s: no record with functionError %s in %v", tc.name, tc.wantFnErr, recs)
				}
			}
			// A function deleted while its event waits fails it.
			r.d.Register("gone", func(ctx context.Context, p []byte) ([]byte, error) { return nil, kernel.ErrThrottled }, FunctionOptions{})
			id, _ := r.d.Invoke(ctx, "gone", nil)
			r.d.Unregister("gone")
			if st := r.settle(t, id, StatusFailed); st.LastError.ErrorType != "ResourceNotFoundException" {
				t.Fatalf("deleted function: %+v", st)
			}
		})
	}
}

// TestReservedConcurrency: with one slot, a second event waits as a
// throttle (status unchanged, lastError throttle) until the slot frees.
func TestReservedConcurrency(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			ctx := context.Background()
			release := make(chan struct{})
			started := make(chan struct{}, 2)
			r.d.Register("single", func(ctx context.Context, p []byte) ([]byte, error) {
				started <- struct{}{}
				<-release
				return nil, nil
			}, FunctionOptions{ReservedConcurrency: intp(1)})
			first, _ := r.d.Invoke(ctx, "single", nil)
			<-started
			second, _ := r.d.Invoke(ctx, "single", nil)
			deadline := time.Now().Add(10 * time.Second)
			for {
				st, _ := r.d.Status(ctx, second)
				if st != nil && st.LastError != nil {
					if st.LastError.Kind != "throttle" || st.Status != StatusQueued || st.Revision != 1 || st.NextAttemptAt == "" {
						t.Fatalf("throttled status: %+v", st)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("second event never throttled: %+v", st)
				}
				time.Sleep(time.Millisecond)
			}
			close(release)
			r.settle(t, first, StatusSucceeded)
			if st := r.settle(t, second, StatusSucceeded); st.Attempts != 1 {
				t.Fatalf("second: %+v", st)
			}
		})
	}
}

// TestStatusRetention: a status is kept 24 h after the end, then gone.
func TestStatusRetention(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			ctx := context.Background()
			r.d.Register("quick", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, FunctionOptions{})
			id, _ := r.d.Invoke(ctx, "quick", nil)
			r.settle(t, id, StatusSucceeded)
			r.clk.Advance(23 * time.Hour)
			if _, err := r.d.Status(ctx, id); err != nil {
				t.Fatalf("after 23 h: %v", err)
			}
			r.clk.Advance(2 * time.Hour)
			if all, _ := r.d.List(ctx); len(all) != 0 {
				t.Fatalf("List after 25 h: %+v", all)
			}
			if _, err := r.d.Status(ctx, id); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("after 25 h: %v", err)
			}
		})
	}
}

func TestEventInvokeConfigCRUD(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			r.d.Register("f", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, FunctionOptions{})
			if _, err := r.d.GetEventInvokeConfig("f"); err == nil || !strings.Contains(err.Error(), "The function arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST doesn't have an EventInvokeConfig") {
				t.Fatalf("Get without config: %v", err)
			}
			if err := r.d.UpdateEventInvokeConfig("f", EventInvokeConfig{MaximumRetryAttempts: intp(1)}); err != nil {
				t.Fatal(err)
			}
			if err := r.d.UpdateEventInvokeConfig("f", EventInvokeConfig{OnFailure: r.q.ARN("failed")}); err != nil {
				t.Fatal(err)
			}
			c, err := r.d.GetEventInvokeConfig("f")
			if err != nil || *c.MaximumRetryAttempts != 1 || c.OnFailure != r.q.ARN("failed") {
				t.Fatalf("Update must merge: %+v %v", c, err)
			}
			if err := r.d.PutEventInvokeConfig("f", EventInvokeConfig{MaximumEventAgeInSeconds: intp(120)}); err != nil {
				t.Fatal(err)
			}
			if c, _ := r.d.GetEventInvokeConfig("f"); c.MaximumRetryAttempts != nil || c.OnFailure != "" {
				t.Fatalf("Put must replace: %+v", c)
			}
			if err := r.d.DeleteEventInvokeConfig("f"); err != nil {
				t.Fatal(err)
			}
			if err := r.d.DeleteEventInvokeConfig("f"); err == nil {
				t.Fatal("second delete succeeded")
			}
		})
	}
}

type captureSink struct {
	mu   sync.Mutex
	msgs []kernel.Message
}

func (c *captureSink) Send(ctx context.Context, m kernel.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, m)
	return nil
}

// TestBusDestination: an event bus receives the record as the detail of
// a "lambda" event whose resources are the bus and the function.
func TestBusDestination(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			st := e.Open(t, t.TempDir())
			defer st.Close()
			bus := "arn:aws:events:us-east-1:123456789012:event-bus/results"
			capture := &captureSink{}
			clk := clock.NewFake(t0)
			d, _ := New(kernel.Env{Store: st, Clock: clk, Account: "123456789012", Resolver: kernel.ResolverFunc(func(arn string) (kernel.Sink, error) {
				if arn == bus {
					return capture, nil
				}
				return nil, kernel.ErrNoResource
			})}, Options{})
			d.Register("f", func(ctx context.Context, p []byte) ([]byte, error) { return []byte(`1`), nil }, FunctionOptions{})
			if err := d.PutEventInvokeConfig("f", EventInvokeConfig{OnSuccess: bus}); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { d.Run(ctx); close(done) }()
			defer func() { cancel(); <-done }()
			r := &rig{d: d, clk: clk}
			id, _ := d.Invoke(ctx, "f", []byte(`{"k":1}`))
			r.settle(t, id, StatusSucceeded)
			capture.mu.Lock()
			defer capture.mu.Unlock()
			if len(capture.msgs) != 1 {
				t.Fatalf("%d messages to the bus", len(capture.msgs))
			}
			var entry struct {
				Source, DetailType, Detail string
				Resources                  []string
			}
			if err := json.Unmarshal(capture.msgs[0].Body, &entry); err != nil {
				t.Fatal(err)
			}
			if entry.Source != "lambda" || entry.DetailType != "Lambda Function Invocation Result - Success" ||
				len(entry.Resources) != 2 || entry.Resources[0] != bus || entry.Resources[1] != d.FunctionARN("f") ||
				!strings.Contains(entry.Detail, `"condition":"Success"`) {
				t.Fatalf("bus entry %s", capture.msgs[0].Body)
			}
		})
	}
}

// TestDeadLetterFailure: a DLQ that cannot take the message is shown as
// failed in the status and counted, never silently ignored.
func TestDeadLetterFailure(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			ctx := context.Background()
			r.d.Register("f", func(ctx context.Context, p []byte) ([]byte, error) { return nil, errors.New("boom") },
				FunctionOptions{DeadLetterArn: r.q.ARN("no-such-queue")})
			r.d.PutEventInvokeConfig("f", EventInvokeConfig{MaximumRetryAttempts: intp(0)})
			id, _ := r.d.Invoke(ctx, "f", nil)
			st := r.settle(t, id, StatusFailed)
			if st.Delivery.DeadLetter == nil || st.Delivery.DeadLetter.State != "failed" || r.d.Stats()["invocations_failed_to_dlq"] != 1 {
				t.Fatalf("status %+v stats %v", st.Delivery, r.d.Stats())
			}
		})
	}
}

func TestLargeResultTruncated(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			big := []byte(`"` + strings.Repeat("x", 70<<10) + `"`)
			r.d.Register("big", func(ctx context.Context, p []byte) ([]byte, error) { return big, nil }, FunctionOptions{})
			id, _ := r.d.Invoke(context.Background(), "big", nil)
			if st := r.settle(t, id, StatusSucceeded); (st.Result != nil && string(st.Result) != "null") || !st.ResultTruncated {
				t.Fatalf("result of %d bytes kept: truncated=%v len=%d", len(big), st.ResultTruncated, len(st.Result))
			}
		})
	}
}
