package store

import "context"

// Watcher is implemented by engines that several processes share (the
// JetStream engine): a process keeps its in-memory configuration (a bus's
// matcher) in step with writes made by the others. bbolt, held by one
// process, does not implement it.
type Watcher interface {
	// Watch calls fn with a Reset, then every key and value of bucket,
	// then a Settled event, then each later write or delete by any
	// process (this one included) in commit order, until ctx is done. It
	// returns ctx's error, or the engine's when the watch breaks (the
	// caller watches again, which starts with a Reset).
	Watch(ctx context.Context, bucket string, fn func(WatchEvent)) error
	// ApplyRevisions is Apply returning each op's revision, the Rev its
	// watch event will carry: a process knows when the watch has passed
	// its own write.
	ApplyRevisions(ctx context.Context, b *Batch) ([]uint64, error)
}

// WatchEvent is one step of a watch.
type WatchEvent struct {
	Reset   bool   // forget what was seen: the current values follow
	Key     []byte // nil on Reset and on a bare Settled
	Val     []byte // nil when Key was deleted
	Rev     uint64 // the write's revision; later writes have higher ones
	Settled bool   // no further write is known to be pending: act now
}
