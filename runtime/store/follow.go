package store

import "context"

// Follower is implemented by engines that several processes share (the
// JetStream engine): a process hears of the writes the others make to a
// bucket of records it does not mirror (invocation status documents, which
// clients of any instance wait on). Unlike Watch it starts with the writes
// after the call, not with every current value: a bucket of a day's
// records is not read again at each start.
type Follower interface {
	// Follow calls fn with a Reset once the follow is in place (writes
	// before it were not seen: re-read what matters), then with each later
	// write or delete by any process, this one included, in commit order,
	// until ctx is done. It returns ctx's error, or the engine's when the
	// follow breaks (the caller follows again). A bucket keeps one value
	// per key: a write overwritten before the follow delivered it may be
	// skipped, and the later one is delivered.
	Follow(ctx context.Context, bucket string, fn func(WatchEvent)) error
}
