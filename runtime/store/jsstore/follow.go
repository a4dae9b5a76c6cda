package jsstore

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/patternc/patternc/runtime/store"
)

// Follow follows bucket's KV stream from its next write (creating the
// bucket when it does not exist yet). Like Watch it is a consumer of the
// stream: committed writes only, in stream order.
func (s *Store) Follow(ctx context.Context, bucket string, fn func(store.WatchEvent)) error {
	kv, err := s.kv(ctx, bucket, true)
	if err != nil {
		return err
	}
	// From the sequence after the stream's last, not "deliver new": the
	// ordered consumer is set up after WatchAll returns, and a write in
	// between would be missed.
	st, err := s.js.Stream(ctx, "KV_"+s.bucketName(bucket))
	if err != nil {
		return fmt.Errorf("jsstore: follow %q: %w", bucket, unavailable(err))
	}
	info, err := st.Info(ctx)
	if err != nil {
		return fmt.Errorf("jsstore: follow %q: %w", bucket, unavailable(err))
	}
	w, err := kv.WatchAll(ctx, jetstream.ResumeFromRevision(info.State.LastSeq+1))
	if err != nil {
		return fmt.Errorf("jsstore: follow %q: %w", bucket, unavailable(err))
	}
	defer w.Stop()
	fn(store.WatchEvent{Reset: true, Settled: true})
	return pump(ctx, w, "follow", bucket, false, fn)
}
