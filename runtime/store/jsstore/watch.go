package jsstore

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/patternc/patternc/runtime/store"
)

// Watch follows bucket's KV stream (creating the bucket when it does not
// exist yet): the current values, then each write or delete. The watch is
// a consumer of the stream, so it sees only committed writes, in stream
// order.
func (s *Store) Watch(ctx context.Context, bucket string, fn func(store.WatchEvent)) error {
	kv, err := s.kv(ctx, bucket, true)
	if err != nil {
		return err
	}
	w, err := kv.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("jsstore: watch %q: %w", bucket, err)
	}
	defer w.Stop()
	fn(store.WatchEvent{Reset: true})
	return pump(ctx, w, "watch", bucket, true, fn)
}

// pump hands a KV watcher's updates to fn until ctx ends or the watcher
// does. With initial, the first values are the bucket's current ones, up
// to the nil marker, which becomes a Settled event; a later write is
// Settled when nothing is pending behind it (delta 0).
func pump(ctx context.Context, w jetstream.KeyWatcher, what, bucket string, initial bool, fn func(store.WatchEvent)) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e, ok := <-w.Updates():
			if !ok {
				return fmt.Errorf("jsstore: %s %q ended", what, bucket)
			}
			if e == nil { // the current values are all in
				if initial {
					initial = false
					fn(store.WatchEvent{Settled: true})
				}
				continue
			}
			key, ok := decodeKey(e.Key())
			if !ok {
				continue
			}
			ev := store.WatchEvent{Key: key, Rev: e.Revision(), Settled: !initial && e.Delta() == 0}
			if e.Operation() == jetstream.KeyValuePut {
				ev.Val = e.Value()
			}
			fn(ev)
		}
	}
}
