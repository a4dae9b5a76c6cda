package runtime_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/events"
)

// Open a runtime on a data directory, create a bus with a rule whose target
// is a Go handler, put an event and see it delivered.
func Example() {
	dir, _ := os.MkdirTemp("", "patternc-runtime-*")
	defer os.RemoveAll(dir)
	rt, err := runtime.Open(runtime.Config{Dir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	defer rt.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- rt.Run(ctx) }()
	defer func() { cancel(); <-done }()

	bus := rt.Events
	if _, err := bus.CreateEventBus(ctx, "orders", ""); err != nil {
		panic(err)
	}
	delivered := make(chan []byte, 1)
	bus.RegisterHandler("arn:patternc:go:::handler/print", func(ctx context.Context, payload []byte) error {
		delivered <- payload
		return nil
	})
	if _, err := bus.PutRule(ctx, events.PutRuleInput{Name: "big-orders", EventBusName: "orders",
		EventPattern: `{"detail":{"total":[{"numeric":[">",100]}]}}`}); err != nil {
		panic(err)
	}
	if err := bus.PutTargets(ctx, "orders", "big-orders", []events.Target{{ID: "print",
		Arn: "arn:patternc:go:::handler/print", InputPath: "$.detail"}}); err != nil {
		panic(err)
	}
	out, err := bus.PutEvents(ctx, []events.Entry{
		{Source: "shop", DetailType: "Order Placed", Detail: `{"id":"A1","total":250.00}`, EventBusName: "orders"},
		{Source: "shop", DetailType: "Order Placed", Detail: `{"id":"A2","total":5}`, EventBusName: "orders"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("failed entries:", out.FailedEntryCount)
	fmt.Println("delivered:", string(<-delivered))
	// Output:
	// failed entries: 0
	// delivered: {"id":"A1","total":250.00}
}
