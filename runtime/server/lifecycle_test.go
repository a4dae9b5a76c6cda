package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	evtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

const lifecycleConfig = `
listen: 127.0.0.1:0
resources:
  queues:
    - name: inbox
      attributes: {VisibilityTimeout: "10"}
  buses:
    - name: orders
  topics:
    - name: news
  subscriptions:
    - topic: news
      protocol: sqs
      endpoint: arn:aws:sqs:us-east-1:000000000000:inbox
  rules:
    - name: all-orders
      bus: orders
      pattern: '{"source":["shop"]}'
      targets:
        - id: q
          arn: arn:aws:sqs:us-east-1:000000000000:inbox
`

// TestConfigAndGracefulShutdown: the config file's resources are created
// at start and again, unchanged, at restart; a request in flight when
// Shutdown starts is answered; events acknowledged before the shutdown
// are delivered after a restart on the same data directory.
func TestConfigAndGracefulShutdown(t *testing.T) {
	file, err := ParseFile([]byte(lifecycleConfig))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile([]byte("resources:\n  queus: []\n")); err == nil || !strings.Contains(err.Error(), "queus") {
		t.Fatalf("a misspelt key: %v, want an error naming it", err)
	}
	dir := t.TempDir()
	start := func() *Server {
		s, err := New(Config{Listen: file.Listen, DataDir: dir, Resources: file.Resources})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := start()
	c := alice(s)
	ctx := context.Background()
	qurl := aws.String(s.URL() + "/000000000000/inbox")
	at := must[*sqs.GetQueueAttributesOutput](t)(c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: qurl, AttributeNames: []sqstypes.QueueAttributeName{"VisibilityTimeout"}}))
	if at.Attributes["VisibilityTimeout"] != "10" {
		t.Fatalf("configured queue attributes: %v", at.Attributes)
	}
	// A long poll in flight when Shutdown begins still gets its answer.
	polled := make(chan error, 1)
	go func() {
		_, err := c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.URL() + "/000000000000/inbox"), WaitTimeSeconds: 2})
		polled <- err
	}()
	time.Sleep(300 * time.Millisecond)
	// Stop delivery first so the acknowledged events are still pending
	// at shutdown.
	for _, a := range s.accts.all() {
		a.cancel()
		<-a.done
		a.done <- nil
	}
	pe := must[*eventbridge.PutEventsOutput](t)(c.ev.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []evtypes.PutEventsRequestEntry{
		{Source: aws.String("shop"), DetailType: aws.String("Order"), Detail: aws.String(`{"n":1}`), EventBusName: aws.String("orders")},
		{Source: aws.String("shop"), DetailType: aws.String("Order"), Detail: aws.String(`{"n":2}`), EventBusName: aws.String("orders")},
	}}))
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	if err := <-polled; err != nil {
		t.Fatalf("the long poll in flight at shutdown: %v", err)
	}

	s = start() // the same resources again: no error, nothing duplicated
	defer s.Shutdown(context.Background())
	c = alice(s)
	rules := must[*eventbridge.ListRulesOutput](t)(c.ev.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String("orders")}))
	if len(rules.Rules) != 1 {
		t.Fatalf("rules after restart: %+v", rules.Rules)
	}
	bodies := receiveAll(t, c, s.URL()+"/000000000000/inbox", 2)
	for _, e := range pe.Entries {
		if !strings.Contains(strings.Join(bodies, "|"), aws.ToString(e.EventId)) {
			t.Fatalf("acknowledged event %s not delivered after restart: %q", aws.ToString(e.EventId), bodies)
		}
	}
}
