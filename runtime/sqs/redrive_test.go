package sqs

import (
	"context"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
)

// A message received maxReceiveCount times moves to the DLQ when it comes
// up for receipt again, keeping its body and receive count [AWS].
func TestRedrive(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Open(t, t.TempDir())
			defer st.Close()
			clk := clock.NewFake(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
			s, err := New(kernel.Env{Store: st, Clock: clk}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			dlq, _ := s.CreateQueue(ctx, "dlq", nil)
			if _, err := s.CreateQueue(ctx, "src", map[string]string{"VisibilityTimeout": "5",
				"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq + `","maxReceiveCount":"2"}`}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SendMessage(ctx, "src", SendInput{Body: "poison"}); err != nil {
				t.Fatal(err)
			}
			for i := 1; i <= 2; i++ {
				msgs, err := s.Receive(ctx, "src", 10, 5*time.Second)
				if err != nil || len(msgs) != 1 || msgs[0].ReceiveCount != i {
					t.Fatalf("receive %d: %+v %v", i, msgs, err)
				}
				clk.Advance(6 * time.Second)
			}
			if msgs, err := s.Receive(ctx, "src", 10, 5*time.Second); err != nil || len(msgs) != 0 {
				t.Fatalf("third receive handed out %+v %v", msgs, err)
			}
			left, _ := s.Messages(ctx, "src")
			moved, _ := s.Messages(ctx, "dlq")
			if len(left) != 0 || len(moved) != 1 || moved[0].Body != "poison" || moved[0].ReceiveCount != 2 {
				t.Fatalf("source %+v, dlq %+v", left, moved)
			}
			if got, err := s.Receive(ctx, "dlq", 1, time.Second); err != nil || len(got) != 1 {
				t.Fatalf("the DLQ does not hand the message out: %+v %v", got, err)
			}
		})
	}
}
