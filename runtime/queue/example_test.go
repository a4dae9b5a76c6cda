package queue_test

import (
	"context"
	"fmt"
	"os"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

func Example() {
	dir, _ := os.MkdirTemp("", "patternc-example-*")
	defer os.RemoveAll(dir)
	st, _ := boltstore.Open(dir)
	defer st.Close()
	q, _ := queue.Open(kernel.Env{Store: st}, "jobs")
	q.Enqueue(context.Background(), queue.Item{Payload: []byte("resize photo.jpg")})

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string)
	go q.Run(ctx, 1, func(ctx context.Context, it queue.Item) queue.Outcome {
		done <- string(it.Payload)
		return queue.Outcome{} // done: removed from the store
	})
	fmt.Println(<-done)
	cancel()
	// Output: resize photo.jpg
}
