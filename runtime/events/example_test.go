package events_test

import (
	"context"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"log/slog"
	"os"

	"github.com/patternc/patternc/runtime/events"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// An InputTransformer shapes what the target receives.
func Example() {
	dir, _ := os.MkdirTemp("", "patternc-events-*")
	defer os.RemoveAll(dir)
	st, err := boltstore.Open(dir)
	if err != nil {
		panic(err)
	}
	defer st.Close()
	svc, err := events.New(kernel.Env{Store: st, Logger: slog.New(slog.DiscardHandler)}, events.Options{})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- svc.Run(ctx) }()
	defer func() { cancel(); <-done }()

	got := make(chan string, 1)
	svc.RegisterHandler("arn:patternc:go:::handler/alert", func(ctx context.Context, p []byte) error {
		got <- string(p)
		return nil
	})
	_, _ = svc.PutRule(ctx, events.PutRuleInput{Name: "stopped", EventPattern: `{"detail":{"state":["stopped"]}}`})
	err = svc.PutTargets(ctx, "default", "stopped", []events.Target{{
		ID: "alert", Arn: "arn:patternc:go:::handler/alert",
		InputTransformer: &events.InputTransformer{
			InputPathsMap: map[string]string{"id": "$.detail.instance-id"},
			InputTemplate: `"instance <id> stopped (rule <aws.events.rule-name>)"`,
		},
	}})
	if err != nil {
		panic(err)
	}
	_, _ = svc.PutEvents(ctx, []events.Entry{{Source: "fleet", DetailType: "State", Detail: `{"instance-id":"i-42","state":"stopped"}`}})
	fmt.Println(<-got)
	// Output: "instance i-42 stopped (rule stopped)"
}
