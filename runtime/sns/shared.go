package sns

import (
	"context"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

// publishLocks is the claims bucket of FIFO topics' publish locks.
const publishLocks = "sns-fifo-publish"

// lockPublish serialises FIFO publishes of t across instances sharing the
// store (serve instances on one JetStream cluster): the sequence number is
// a read then a write, and so is the dedup check, so two instances
// publishing at once could hand out one sequence number twice (one
// message lost under the other's queue key) or both accept one dedup id.
// The lock is a claim (a lease): an instance killed while holding it
// blocks the topic's FIFO publishes for at most the lease. On bbolt (one
// process) t.pubMu is enough and this does nothing.
func (s *Service) lockPublish(ctx context.Context, t *topic) (release func(), err error) {
	cl, ok := s.env.Store.(store.Claimer)
	if !ok {
		return func() {}, nil
	}
	wait := time.Millisecond
	for {
		c, ok, err := cl.Claim(ctx, publishLocks, []byte(t.Name))
		if err != nil {
			return nil, err
		}
		if ok {
			return func() { _ = c.Release(context.WithoutCancel(ctx)) }, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}
