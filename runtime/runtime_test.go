package runtime_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/events"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/sqs"
)

// TestTargetsAcrossServices sends one event to a queue, a function, a topic
// (with a queue subscription) and a missing topic with a queue DLQ, all
// resolved by ARN through the Runtime, on both stores.
func TestTargetsAcrossServices(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			st := e.Open(t, t.TempDir())
			defer st.Close()
			rt, ctx, stop := runRuntime(t, runtime.Config{Store: st, Clock: clock.NewFake(time.Date(2024, 6, 15, 0, 0, 0, 0, time.UTC))})
			defer stop()

			qArn, err := rt.Queues.Create(ctx, "inbox")
			if err != nil {
				t.Fatal(err)
			}
			dlqArn, _ := rt.Queues.Create(ctx, "dlq")
			fromTopic, _ := rt.Queues.Create(ctx, "from-topic")
			topicArn, err := rt.Topics.CreateTopic(ctx, "news", nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := rt.Topics.Subscribe(ctx, topicArn, "sqs", fromTopic, map[string]string{"RawMessageDelivery": "true"}); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var invoked []string
			rt.Lambda.Register("fn", func(ctx context.Context, p []byte) ([]byte, error) {
				mu.Lock()
				invoked = append(invoked, string(p))
				mu.Unlock()
				return nil, nil
			}, lambda.FunctionOptions{})

			if _, err := rt.Events.PutRule(ctx, events.PutRuleInput{Name: "all", EventPattern: `{"source":["app"]}`}); err != nil {
				t.Fatal(err)
			}
			err = rt.Events.PutTargets(ctx, "", "all", []events.Target{
				{ID: "queue", Arn: qArn},
				{ID: "fn", Arn: rt.Lambda.FunctionARN("fn"), InputPath: "$.detail"},
				{ID: "topic", Arn: topicArn, Input: `{"hello":"topic"}`},
				{ID: "gone", Arn: "arn:aws:sns:us-east-1:000000000000:missing", DeadLetterArn: dlqArn},
			})
			if err != nil {
				t.Fatal(err)
			}
			out, err := rt.Events.PutEvents(ctx, []events.Entry{{Source: "app", DetailType: "t", Detail: `{"n":1}`}})
			if err != nil || out.FailedEntryCount != 0 {
				t.Fatal(out, err)
			}
			msgs := func(name string) []sqs.Message {
				m, _ := rt.Queues.Messages(ctx, name)
				return m
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				mu.Lock()
				n := len(invoked)
				mu.Unlock()
				if len(msgs("inbox")) >= 1 && len(msgs("dlq")) >= 1 && len(msgs("from-topic")) >= 1 && n >= 1 { // at least once
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("not delivered: inbox %d dlq %d topic %d fn %d", len(msgs("inbox")), len(msgs("dlq")), len(msgs("from-topic")), n)
				}
				time.Sleep(5 * time.Millisecond)
			}
			if b := msgs("inbox")[0].Body; !strings.Contains(b, out.Entries[0].EventId) {
				t.Fatalf("queue body %s", b)
			}
			if invoked[0] != `{"n":1}` {
				t.Fatalf("function payload %s", invoked[0])
			}
			if b := msgs("from-topic")[0].Body; b != `{"hello":"topic"}` {
				t.Fatalf("topic delivery %s", b)
			}
			d := msgs("dlq")[0]
			if d.Attributes["ERROR_CODE"] != "NO_RESOURCE" || d.Attributes["TARGET_ARN"] != "arn:aws:sns:us-east-1:000000000000:missing" || d.Attributes["RULE_ARN"] == "" {
				t.Fatalf("DLQ attributes %v", d.Attributes)
			}
			if rt.Stats()["dlq_sent"] < 1 {
				t.Fatalf("stats %v", rt.Stats())
			}
		})
	}
}

func TestOpenNeedsAStore(t *testing.T) {
	if _, err := runtime.Open(runtime.Config{}); err == nil || !strings.Contains(err.Error(), "needs Dir") {
		t.Fatal(err)
	}
}

// TestSchemaEnforcementAndDiscovery binds a bus to a registered schema in
// enforce mode (docs/semantics/runtime.md §4.3) and checks discovery writes discovered-schemas and
// emits "Schema Created" on the default bus.
func TestSchemaEnforcementAndDiscovery(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			st := e.Open(t, t.TempDir())
			defer st.Close()
			rt, ctx, stop := runRuntime(t, runtime.Config{Store: st, Discovery: true})
			defer stop()

			var mu sync.Mutex
			var created []string
			rt.Events.RegisterHandler("arn:x:go:::schemas", func(ctx context.Context, p []byte) error {
				mu.Lock()
				created = append(created, string(p))
				mu.Unlock()
				return nil
			})
			if _, err := rt.Events.PutRule(ctx, events.PutRuleInput{Name: "schemas", EventPattern: `{"source":["aws.schemas"]}`}); err != nil {
				t.Fatal(err)
			}
			if err := rt.Events.PutTargets(ctx, "", "schemas", []events.Target{{ID: "h", Arn: "arn:x:go:::schemas", InputPath: "$.detail.SchemaName"}}); err != nil {
				t.Fatal(err)
			}
			if err := rt.Schemas.CreateRegistry(ctx, "shop"); err != nil {
				t.Fatal(err)
			}
			if _, err := rt.Schemas.CreateSchema(ctx, "shop", "Order", "JSONSchemaDraft4",
				`{"type":"object","properties":{"detail":{"type":"object","required":["id"]}}}`); err != nil {
				t.Fatal(err)
			}
			if err := rt.Events.BindSchema(ctx, "", events.SchemaBinding{DetailType: "Order", Registry: "shop", Schema: "Order", Mode: "enforce"}); err != nil {
				t.Fatal(err)
			}
			out, err := rt.Events.PutEvents(ctx, []events.Entry{
				{Source: "app", DetailType: "Order", Detail: `{"id":1}`},
				{Source: "app", DetailType: "Order", Detail: `{"no":1}`},
				{Source: "app", DetailType: "Other", Detail: `{"no":1}`},
			})
			if err != nil {
				t.Fatal(err)
			}
			r := out.Entries[1]
			if out.FailedEntryCount != 1 || r.ErrorCode != "SchemaValidationFailed" || !strings.HasPrefix(r.ErrorMessage, "Event does not conform to schema shop/Order version 1: /detail: ") {
				t.Fatalf("%+v", out)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				_, err := rt.Schemas.Describe(ctx, "discovered-schemas", "app@Order", "")
				mu.Lock()
				n := len(created)
				mu.Unlock()
				if err == nil && n >= 2 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("discovery: %v, schema events %v", err, created)
				}
				time.Sleep(5 * time.Millisecond)
			}
			mu.Lock()
			defer mu.Unlock()
			if !strings.Contains(strings.Join(created, " "), `"Order"`) {
				t.Fatalf("Schema Created events: %v", created)
			}
		})
	}
}

// TestStatsIncludeDispatcher: Runtime.Stats carries the async dispatcher's
// counters with the buses' and the topics' (they were left out).
func TestStatsIncludeDispatcher(t *testing.T) {
	rt, ctx, stop := runRuntime(t, runtime.Config{Dir: t.TempDir()})
	defer func() { stop(); rt.Close() }()
	rt.Lambda.Register("fn", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, lambda.FunctionOptions{})
	if _, err := rt.Lambda.Invoke(ctx, "fn", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	testsupport.Eventually(t, "the invocation to succeed", func() bool { return rt.Stats()["invocations_succeeded"] == 1 })
	st := rt.Stats()
	for _, k := range []string{"invocations_accepted", "invocation_retries", "destination_delivery_failures", "invocations_failed_to_dlq", "sns_delivered"} {
		if _, ok := st[k]; !ok {
			t.Errorf("Stats has no %s: %v", k, st)
		}
	}
	if st["invocations_accepted"] != 1 {
		t.Errorf("invocations_accepted = %d", st["invocations_accepted"])
	}
}

// TestCloseStopsRun: Close while Run is delivering stops Run and waits for
// it before closing the store (the README's `defer rt.Close()` with
// `go rt.Run(ctx)` used to close the store under running deliveries).
func TestCloseStopsRun(t *testing.T) {
	rt, err := runtime.Open(runtime.Config{Dir: t.TempDir(), Logger: testsupport.Discard})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- rt.Run(context.Background()) }() // never cancelled
	rt.Lambda.Register("fn", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, lambda.FunctionOptions{})
	if _, err := rt.Lambda.Invoke(context.Background(), "fn", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	testsupport.Eventually(t, "Run to be delivering", func() bool { return rt.Stats()["invocations_succeeded"] == 1 })
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	default:
		t.Fatal("Close returned while Run was still running")
	}
	if err := rt.Run(context.Background()); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Run after Close: %v", err)
	}
}
