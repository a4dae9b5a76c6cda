package queue

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

// Several processes on one shared store (serve instances on one JetStream
// cluster) run the same queues. Each item is claimed before it is handed
// out, so one process works it at a time; the claim is a lease renewed
// while the handler runs, and finished (marked, not deleted) once the
// outcome is committed, so a process whose listing still shows the item
// leaves it alone. A process that dies stops renewing: after the lease
// lapses another process takes the item over (at least once: the dead
// process may have delivered it before it died).

// Stats counts what the queue did with claims (zero on bbolt).
type Stats struct {
	Claimed   atomic.Int64 // claims taken
	Contended atomic.Int64 // items skipped: held by another process or finished
	TakenOver atomic.Int64 // claims taken from a lapsed lease of another process
	Lost      atomic.Int64 // renewals that failed (the lease may have moved on)
}

// Stats reports claim counters.
func (q *Queue) Stats() *Stats { return &q.stats }

// claim takes the item at k; without claims every item is this process's.
func (q *Queue) claim(ctx context.Context, k []byte) (store.Claim, bool) {
	if q.claims == nil {
		return nil, true
	}
	c, ok, err := q.claims.Claim(ctx, q.bucket, k)
	if err != nil || !ok {
		q.stats.Contended.Add(1)
		return nil, false
	}
	q.stats.Claimed.Add(1)
	if c.TookOver() {
		q.stats.TakenOver.Add(1)
	}
	return c, true
}

// pollEvery is how often a process on a shared store looks for work it was
// not woken for: a tenth of the lease, within [100 ms, 1 s].
func (q *Queue) pollEvery() time.Duration {
	p := q.claims.LeaseTTL() / 10
	return min(max(p, 100*time.Millisecond), time.Second)
}

// keepClaim renews c every third of the lease until the returned func is
// called.
func (q *Queue) keepClaim(ctx context.Context, c store.Claim) (stop func()) {
	if c == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(q.claims.LeaseTTL() / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if c.Renew(context.WithoutCancel(ctx)) != nil {
					q.stats.Lost.Add(1)
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// settleClaim finishes c when the item's outcome is committed and its key
// gone, and releases it otherwise (the key is handed out again).
func (q *Queue) settleClaim(ctx context.Context, c store.Claim, finished bool) {
	if c == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	if finished {
		_ = c.Finish(ctx) // unfinished, the mark lapses and the key is gone anyway
		return
	}
	_ = c.Release(ctx)
}
