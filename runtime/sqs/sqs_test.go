package sqs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
)

func TestQueues(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			st := e.Open(t, dir)
			clk := clock.NewFake(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
			s, err := New(kernel.Env{Store: st, Clock: clk, Region: "us-east-1", Account: "123456789012"}, Options{})
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
				if err := k.Send(ctx, kernel.Message{Body: []byte(body), Attributes: map[string]string{"ErrorCode": "200"}}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Resolve("arn:aws:sqs:us-east-1:123456789012:nope"); !errors.Is(err, kernel.ErrNoResource) {
				t.Fatalf("missing queue: %v", err)
			}
			// Reopen: queues and messages survive, in order.
			st.Close()
			st = e.Open(t, dir)
			defer st.Close()
			s, _ = New(kernel.Env{Store: st, Clock: clk, Region: "us-east-1", Account: "123456789012"}, Options{})
			msgs, err := s.Messages(ctx, "dlq")
			if err != nil || len(msgs) != 2 || msgs[0].Body != "one" || msgs[1].Body != "two" || msgs[0].Attributes["ErrorCode"] != "200" {
				t.Fatalf("after reopen: %+v %v", msgs, err)
			}
		})
	}
}

func TestReceiveDeletePurge(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Open(t, t.TempDir())
			defer st.Close()
			clk := clock.NewFake(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
			s, _ := New(kernel.Env{Store: st, Clock: clk, Region: "us-east-1", Account: "123456789012"}, Options{})
			for _, n := range []string{"work", "audit"} {
				if _, err := s.Create(ctx, n); err != nil {
					t.Fatal(err)
				}
			}
			if got := s.List(); len(got) != 2 || got[0] != "audit" || got[1] != "work" {
				t.Fatalf("List = %v", got)
			}
			for _, body := range []string{"a", "b", "c"} {
				clk.Advance(time.Millisecond)
				if _, err := s.Send(ctx, "work", kernel.Message{Body: []byte(body)}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Receive(ctx, "work", 11, 0); err == nil {
				t.Fatal("max 11 accepted")
			}
			got, err := s.Receive(ctx, "work", 2, 10*time.Second)
			if err != nil || len(got) != 2 || got[0].Body != "a" || got[1].Body != "b" || got[0].ReceiveCount != 1 {
				t.Fatalf("first receive: %+v %v", got, err)
			}
			// Received messages are hidden until the visibility timeout ends.
			next, _ := s.Receive(ctx, "work", 10, 10*time.Second)
			if len(next) != 1 || next[0].Body != "c" {
				t.Fatalf("second receive: %+v", next)
			}
			if err := s.Delete(ctx, "work", got[0].ReceiptHandle); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, "work", "not-hex"); err == nil {
				t.Fatal("bad receipt handle accepted")
			}
			clk.Advance(11 * time.Second)
			again, _ := s.Receive(ctx, "work", 10, 0)
			if len(again) != 2 || again[0].Body != "b" || again[0].ReceiveCount != 2 || again[1].Body != "c" {
				t.Fatalf("after timeout: %+v", again)
			}
			if err := s.Purge(ctx, "work"); err != nil {
				t.Fatal(err)
			}
			if msgs, _ := s.Messages(ctx, "work"); len(msgs) != 0 {
				t.Fatalf("%d messages after Purge", len(msgs))
			}
			if err := s.DeleteQueue(ctx, "audit"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Receive(ctx, "audit", 1, 0); !errors.Is(err, kernel.ErrNoResource) {
				t.Fatalf("deleted queue: %v", err)
			}
		})
	}
}
