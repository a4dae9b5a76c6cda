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
// at is when the claim was asked for: the lease runs from no earlier.
func (q *Queue) claim(ctx context.Context, k []byte) (c store.Claim, at time.Time, ok bool) {
	if q.claims == nil {
		return nil, time.Time{}, true
	}
	at = time.Now()
	c, ok, err := q.claims.Claim(ctx, q.bucket, k)
	if err != nil || !ok {
		q.stats.Contended.Add(1)
		return nil, time.Time{}, false
	}
	q.stats.Claimed.Add(1)
	if c.TookOver() {
		q.stats.TakenOver.Add(1)
	}
	return c, at, true
}

// confirmClaim is called just before a claimed item's handler starts. A
// scan claims items one by one and hands them out only when it ends, and
// on a loaded machine a long scan can take most of a lease: an item whose
// claim is a third of a lease old is renewed first, and left alone when
// the renewal fails, since another process may have taken it over after
// the lease lapsed and be working it now. It returns when the claim was
// last known good.
func (q *Queue) confirmClaim(ctx context.Context, c store.Claim, at time.Time) (time.Time, bool) {
	if c == nil || time.Since(at) < q.claims.LeaseTTL()/3 {
		return at, true
	}
	now := time.Now()
	if err := c.Renew(ctx); err != nil {
		q.stats.Lost.Add(1)
		return at, false
	}
	return now, true
}

// pollEvery is how often a process on a shared store looks for work it was
// not woken for: a tenth of the lease, within [100 ms, 1 s].
func (q *Queue) pollEvery() time.Duration {
	p := q.claims.LeaseTTL() / 10
	return min(max(p, 100*time.Millisecond), time.Second)
}

// keepClaim renews c a third of a lease after it was last good (at), and
// every third of a lease after that, until the returned func is called. A
// failed renewal is tried again after a tenth of a lease: the engine may
// be electing a leader, and the lease has two thirds left.
func (q *Queue) keepClaim(ctx context.Context, c store.Claim, at time.Time) (stop func()) {
	if c == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ttl := q.claims.LeaseTTL()
		t := time.NewTimer(time.Until(at.Add(ttl / 3)))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				now := time.Now()
				if c.Renew(context.WithoutCancel(ctx)) != nil {
					q.stats.Lost.Add(1)
					t.Reset(ttl / 10)
					continue
				}
				at = now
				t.Reset(time.Until(at.Add(ttl / 3)))
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

// RunOrdered is Run with one worker for queues whose items must be worked
// in key order (a FIFO subscription): on a shared store one process at a
// time owns the whole queue, by a lease like an item's claim, and a scan
// stops at the first item it cannot take, so an item whose claim is still
// lapsing after a take-over is never overtaken by the next one.
func (q *Queue) RunOrdered(ctx context.Context, h Handler) error {
	q.ordered = true
	if q.claims != nil {
		q.owner = &queueOwner{q: q}
		defer q.owner.release()
	}
	return q.Run(ctx, 1, h)
}

// ownerKey is the claim key of a whole ordered queue: item keys start with
// eight bytes of due time, so a shorter key never collides with one.
var ownerKey = []byte("owner")

// queueOwner is a process's hold on an ordered queue.
type queueOwner struct {
	q       *Queue
	c       store.Claim
	renewed time.Time
}

// hold reports whether this process owns the queue now, taking the lease
// when it is free and renewing it every third of the lease.
func (o *queueOwner) hold(ctx context.Context) bool {
	ttl := o.q.claims.LeaseTTL()
	if o.c != nil {
		if time.Since(o.renewed) < ttl/3 {
			return true
		}
		if err := o.c.Renew(ctx); err == nil {
			o.renewed = time.Now()
			return true
		}
		o.q.stats.Lost.Add(1)
		o.c = nil // lost: take it again below, or leave it to its new owner
	}
	c, ok, err := o.q.claims.Claim(ctx, o.q.bucket, ownerKey)
	if err != nil || !ok {
		return false
	}
	if c.TookOver() {
		o.q.stats.TakenOver.Add(1)
	}
	o.c, o.renewed = c, time.Now()
	return true
}

func (o *queueOwner) release() {
	if o.c != nil {
		_ = o.c.Release(context.Background())
	}
}
