package store

import (
	"context"
	"time"
)

// Claimer is implemented by engines that several processes share (the
// JetStream engine): a queue item is worked by the process that holds its
// claim. bbolt, held by one process, does not implement it, and queues on
// it work exactly as without claims.
//
// A claim is a lease: it lapses LeaseTTL after it was taken or last
// renewed, and then another process may take it (the holder died). Claims
// are compare-and-set on the engine's revisions, so of two processes
// racing for one key at most one wins.
type Claimer interface {
	// Claim takes key of bucket for this process. ok is false when a live
	// claim of another process holds it, or the key was finished.
	Claim(ctx context.Context, bucket string, key []byte) (c Claim, ok bool, err error)
	// LeaseTTL is how long a claim lives without renewal.
	LeaseTTL() time.Duration
}

// Claim is one held claim.
type Claim interface {
	// Renew extends the lease; an error means the claim was lost (another
	// process took it after it lapsed) or the engine is unreachable.
	Renew(ctx context.Context) error
	// Finish marks the key finished, so a process whose listing still
	// shows it does not work it again. The mark lapses after a while.
	Finish(ctx context.Context) error
	// Release gives the claim up unfinished: any process may take it now.
	Release(ctx context.Context) error
	// TookOver reports whether this claim was taken from a lapsed lease of
	// another process (a hand-over, counted by tests and metrics).
	TookOver() bool
}
