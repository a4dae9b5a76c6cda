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

// sharedEngine is a store several instances share (JetStream): queues
// claim items through it and services watch its configuration.
type sharedEngine interface {
	store.Claimer
	store.Watcher
}

// timedSharedStore is timedStore for a shared engine: the wrapper must
// not hide claims and watches, or every instance would work every queued
// item and never see the others' rules (docs/deployment.md).
type timedSharedStore struct {
	timedStore
	shared sharedEngine
}

func (t timedSharedStore) Claim(ctx context.Context, bucket string, key []byte) (store.Claim, bool, error) {
	return t.shared.Claim(ctx, bucket, key)
}

func (t timedSharedStore) LeaseTTL() time.Duration { return t.shared.LeaseTTL() }

func (t timedSharedStore) Watch(ctx context.Context, bucket string, fn func(store.WatchEvent)) error {
	return t.shared.Watch(ctx, bucket, fn)
}

func (t timedSharedStore) ApplyRevisions(ctx context.Context, b *store.Batch) ([]uint64, error) {
	start := time.Now()
	revs, err := t.shared.ApplyRevisions(ctx, b)
	t.observe.Observe(time.Since(start).Seconds())
	return revs, err
}

// timed wraps st for the commit latency metric, keeping what it shares.
func timed(st store.Store, observe prometheus.Observer) store.Store {
	t := timedStore{Store: st, observe: observe}
	if sh, ok := st.(sharedEngine); ok {
		return timedSharedStore{timedStore: t, shared: sh}
	}
	return t
}
