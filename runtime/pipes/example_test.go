package pipes_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/pipes"
	"github.com/patternc/patternc/runtime/sqs"
)

// A pipe from queue "orders" to queue "big": only orders over 100 pass
// the filter, and the template keeps their id.
func Example() {
	dir, _ := os.MkdirTemp("", "pipes-example")
	defer os.RemoveAll(dir)
	rt, err := runtime.Open(runtime.Config{Dir: dir})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go rt.Run(ctx)

	src, _ := rt.Queues.CreateQueue(ctx, "orders", nil)
	dst, _ := rt.Queues.CreateQueue(ctx, "big", nil)
	_, err = rt.Pipes.Create(ctx, pipes.Spec{Name: "big-orders", RoleArn: "arn:aws:iam::000000000000:role/pipe",
		Source: src, Target: dst,
		SourceParameters: &pipes.SourceParameters{FilterCriteria: &pipes.FilterCriteria{
			Filters: []pipes.Filter{{Pattern: `{"body":{"total":[{"numeric":[">",100]}]}}`}}}},
		TargetParameters: &pipes.TargetParameters{InputTemplate: `{"big": <$.body.id>}`}})
	if err != nil {
		panic(err)
	}
	for _, body := range []string{`{"id":"A1","total":250}`, `{"id":"A2","total":5}`} {
		rt.Queues.SendMessage(ctx, "orders", sqs.SendInput{Body: body})
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if left, _ := rt.Queues.Messages(ctx, "orders"); len(left) == 0 {
			break
		}
	}
	msgs, _ := rt.Queues.Messages(ctx, "big")
	for _, m := range msgs {
		fmt.Println(m.Body)
	}
	// Output: {"big": "A1"}
}
