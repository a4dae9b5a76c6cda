package server

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/patternc/patternc/runtime/store"
)

// timedStore times every commit (Apply) of an account's store for the
// store commit latency metric; reads pass through.
type timedStore struct {
	store.Store
	observe prometheus.Observer
}

func (t timedStore) Apply(ctx context.Context, b *store.Batch) error {
	start := time.Now()
	err := t.Store.Apply(ctx, b)
	t.observe.Observe(time.Since(start).Seconds())
	return err
}
