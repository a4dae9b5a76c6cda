package runtime_test

import (
	"context"
	"testing"

	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// runRuntime opens a Runtime with cfg (logging discarded) and runs it
// until stop, which cancels Run and waits for it to return. Defer stop
// right away, after the store's Close: deferred calls run last in, first
// out, so the runtime stops before its store closes.
func runRuntime(tb testing.TB, cfg runtime.Config) (*runtime.Runtime, context.Context, func()) {
	tb.Helper()
	cfg.Logger = testsupport.Discard
	rt, err := runtime.Open(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- rt.Run(ctx) }()
	return rt, ctx, func() { cancel(); <-done }
}
