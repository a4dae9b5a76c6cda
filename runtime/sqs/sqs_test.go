package sqs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/sink"
	"github.com/patternc/patternc/runtime/store/storetest"
)

func TestQueues(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			st := e.Open(t, dir)
			clk := clock.NewFake(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
			s, err := New(st, clk, "us-east-1", "123456789012")
			if err != nil {
				t.Fatal(err)
			}
			arn, err := s.Create(ctx, "dlq")
			if err != nil || arn != "arn:aws:sqs:us-east-1:123456789012:dlq" {
				t.Fatalf("Create: %q %v", arn, err)
			}
			if _, err := s.Create(ctx, "bad name"); err == nil {
				t.Fatal("a name with a space was accepted")
			}
			k, err := s.Resolve(arn)
			if err != nil {
				t.Fatal(err)
			}
			for _, body := range []string{"one", "two"} {
				clk.Advance(time.Second)
				if err := k.Send(ctx, sink.Message{Body: []byte(body), Attributes: map[string]string{"ErrorCode": "200"}}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Resolve("arn:aws:sqs:us-east-1:123456789012:nope"); !errors.Is(err, sink.ErrNoResource) {
				t.Fatalf("missing queue: %v", err)
			}
			// Reopen: queues and messages survive, in order.
			st.Close()
			st = e.Open(t, dir)
			defer st.Close()
			s, _ = New(st, clk, "us-east-1", "123456789012")
			msgs, err := s.Messages(ctx, "dlq")
			if err != nil || len(msgs) != 2 || msgs[0].Body != "one" || msgs[1].Body != "two" || msgs[0].Attributes["ErrorCode"] != "200" {
				t.Fatalf("after reopen: %+v %v", msgs, err)
			}
		})
	}
}
