package logs_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/logs"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// Events written to a stream, read back through a JSON filter pattern.
func Example() {
	dir, _ := os.MkdirTemp("", "patternc-logs-*")
	defer os.RemoveAll(dir)
	st, err := boltstore.Open(dir)
	if err != nil {
		panic(err)
	}
	defer st.Close()
	svc, _ := logs.New(kernel.Env{Store: st}, logs.Options{})
	ctx := context.Background()
	svc.CreateLogGroup(ctx, "orders")
	svc.CreateLogStream(ctx, "orders", "web")
	now := time.Now().UnixMilli()
	svc.PutLogEvents(ctx, "orders", "web", []logs.InputEvent{
		{Timestamp: now, Message: `{"dept":"billing","amount":120}`},
		{Timestamp: now, Message: `{"dept":"shipping","amount":5}`},
	})
	p, _ := logs.ParsePattern(`{ $.dept = "billing" && $.amount > 100 }`)
	page, _ := svc.Events(ctx, "orders", logs.Query{Pattern: p})
	for _, e := range page.Events {
		fmt.Println(e.Message)
	}
	// Output: {"dept":"billing","amount":120}
}
