package sqs_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/sqs"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// A local queue as a dead-letter queue: other services send to it by ARN
// (as a kernel.Sink); a consumer receives and deletes.
func Example() {
	dir, _ := os.MkdirTemp("", "patternc-example-*")
	defer os.RemoveAll(dir)
	st, _ := boltstore.Open(dir)
	defer st.Close()
	ctx := context.Background()
	queues, _ := sqs.New(kernel.Env{Store: st, Region: "us-east-1", Account: "123456789012"}, sqs.Options{})
	arn, _ := queues.Create(ctx, "failed-orders")
	fmt.Println(arn)

	dlq, _ := queues.Resolve(arn)
	dlq.Send(ctx, kernel.Message{Body: []byte(`{"orderId":"ORD-001"}`), Attributes: map[string]string{"ErrorMessage": "payment service down"}})

	msgs, _ := queues.Receive(ctx, "failed-orders", 10, 30*time.Second)
	for _, m := range msgs {
		fmt.Println(m.Body, m.Attributes["ErrorMessage"])
		queues.Delete(ctx, "failed-orders", m.ReceiptHandle)
	}
	// Output:
	// arn:aws:sqs:us-east-1:123456789012:failed-orders
	// {"orderId":"ORD-001"} payment service down
}
