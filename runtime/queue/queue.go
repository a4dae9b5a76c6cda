package queue

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
)

// Item is one unit of work. The JSON names are those of the version-0
// record (record.go), still read from old data directories.
type Item struct {
	ID       string    `json:"id"`       // unique in the queue; Enqueue assigns a UUID when empty
	Payload  []byte    `json:"payload"`  // opaque to the queue
	Due      time.Time `json:"due"`      // not handed out before this time (zero: at once)
	Attempt  int       `json:"attempt"`  // 0 on the first hand-out; incremented on each Retry
	Enqueued time.Time `json:"enqueued"` // set by Enqueue when zero
}

// Outcome is what a handler decided about an item.
type Outcome struct {
	// Retry, when true, puts the item back with Due = RetryAt, Attempt+1 and
	// Payload (when non-nil) replacing the old one. Otherwise the item is done
	// and removed.
	Retry   bool
	RetryAt time.Time
	Payload []byte
	// Extra, when non-nil, is committed in the same store batch as the
	// outcome, before the queue's own ops: a handler's record of what it
	// decided (a status document) lands with it in one fsync, and on
	// engines that apply op by op a crash can leave the record without the
	// outcome (the item is handed out again) but never the reverse.
	Extra *store.Batch
	// Done, when non-nil, is called once the outcome is committed (not
	// when the commit failed: the item is then handed out again). What it
	// announces is durable.
	Done func()
}

// Handler handles one item. It must be safe for concurrent use when the
// queue runs several workers.
type Handler func(ctx context.Context, it Item) Outcome

// Queue is a durable delayed queue named name inside a store.
type Queue struct {
	st     store.Store
	bucket string
	clk    clock.Clock

	mu       sync.Mutex
	inflight map[string]bool
	// A scan reads a snapshot (bbolt) or a lagging listing (JetStream): an
	// item finished while a scan runs may still show in it. done remembers
	// the scan generation in which each item finished, so that scan skips it.
	scanGen uint64
	done    map[string]uint64
	wake    chan struct{}

	// claims, on engines shared by several processes (JetStream), makes
	// each item worked by one process at a time (claim.go); nil on bbolt.
	claims store.Claimer
	stats  Stats
	// ordered (RunOrdered): one process at a time works the queue, and a
	// scan stops at the first item it cannot take.
	ordered bool
	owner   *queueOwner
}

// Open opens (creating if needed) the queue name in env.Store, on
// env.Clock.
func Open(env kernel.Env, name string) (*Queue, error) {
	if name == "" {
		return nil, errors.New("queue: empty name")
	}
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	q := &Queue{st: env.Store, bucket: "queue/" + name, clk: env.Clock, inflight: map[string]bool{}, done: map[string]uint64{}, wake: make(chan struct{}, 1)}
	q.claims, _ = env.Store.(store.Claimer)
	return q, nil
}

func key(due time.Time, id string) []byte {
	ns := due.UnixNano()
	if due.IsZero() || ns < 0 {
		ns = 0
	}
	return append(binary.BigEndian.AppendUint64(nil, uint64(ns)), id...)
}

// Enqueue durably adds items; when it returns nil they are accepted.
func (q *Queue) Enqueue(ctx context.Context, items ...Item) error {
	return q.EnqueueWith(ctx, nil, items...)
}

// EnqueueWith adds items and applies the ops of extra in the same store
// batch (one commit, one fsync), after the items: the caller's own records
// about the items (a status document, say) are accepted together with
// them. extra may be nil.
func (q *Queue) EnqueueWith(ctx context.Context, extra *store.Batch, items ...Item) error {
	var b store.Batch
	now := q.clk.Now()
	for i := range items {
		it := &items[i]
		if it.ID == "" {
			it.ID = uuid.NewString()
		}
		if it.Enqueued.IsZero() {
			it.Enqueued = now
		}
		b.Put(q.bucket, key(it.Due, it.ID), appendRecord(nil, it))
	}
	if extra != nil {
		b.Ops = append(b.Ops, extra.Ops...)
	}
	if err := q.st.Apply(ctx, &b); err != nil {
		return err
	}
	q.signal()
	return nil
}

func (q *Queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Len reports how many items are waiting or in flight.
func (q *Queue) Len(ctx context.Context) (int, error) {
	n := 0
	err := q.st.Scan(ctx, q.bucket, nil, nil, func(k, v []byte) bool { n++; return true })
	return n, err
}

// Purge removes every item, waiting or in flight. An item whose handler is
// running when Purge is called may come back if the handler retries it;
// callers that own the handler stop it first (as a topic does when a
// subscription goes).
func (q *Queue) Purge(ctx context.Context) error {
	var b store.Batch
	err := q.st.Scan(ctx, q.bucket, nil, nil, func(k, v []byte) bool {
		b.Delete(q.bucket, append([]byte(nil), k...))
		return true
	})
	if err != nil || len(b.Ops) == 0 {
		return err
	}
	return q.st.Apply(ctx, &b)
}

// Run hands due items to h on workers goroutines until ctx is done; it
// waits for running handlers before it returns ctx's error.
func (q *Queue) Run(ctx context.Context, workers int, h Handler) error {
	if workers <= 0 {
		workers = 1
	}
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		// Hand out every due item there is a worker for; find the next due.
		q.mu.Lock()
		q.scanGen++
		gen := q.scanGen
		for id, g := range q.done {
			if g+1 < gen { // finished before the previous scan began
				delete(q.done, id)
			}
		}
		q.mu.Unlock()
		var next time.Time
		now := q.clk.Now()
		var due []storedItem
		var err error
		// Take only what a free worker can start now: an item taken for a
		// busy worker would wait here under this process's claim while
		// another process with an idle worker could have worked it. With
		// no worker free, a finishing one wakes this loop (an ordered
		// queue's owner lease is renewed first, on every pass).
		free := cap(slots) - len(slots)
		if q.owner != nil && !q.owner.hold(ctx) {
			goto wait // another process works this ordered queue
		}
		if free == 0 {
			goto wait
		}
		err = q.st.Scan(ctx, q.bucket, nil, nil, func(k, v []byte) bool {
			it, err := decodeRecord(v)
			if err != nil {
				return true // unreadable: skipped (never written by this package)
			}
			q.mu.Lock()
			finished, ok := q.done[it.ID]
			busy := q.inflight[it.ID] || (ok && finished >= gen)
			q.mu.Unlock()
			if busy {
				return true
			}
			if it.Due.After(now) {
				next = it.Due
				return false
			}
			if len(due) >= free {
				return false
			}
			k = append([]byte(nil), k...)
			c, at, ok := q.claim(ctx, k)
			if !ok {
				// Another process works it, or finished it. An ordered
				// queue takes nothing behind an item it cannot take.
				return !q.ordered
			}
			due = append(due, storedItem{key: k, item: it, claim: c, claimed: at})
			return true
		})
		if err != nil && ctx.Err() == nil {
			// The store is unavailable: try again shortly.
			next = now.Add(time.Second)
		}

		for _, si := range due {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			q.mu.Lock()
			q.inflight[si.item.ID] = true
			q.mu.Unlock()
			wg.Add(1)
			go func(si storedItem) {
				defer wg.Done()
				defer func() { <-slots; q.signal() }()
				q.handle(ctx, si, h)
			}(si)
		}
	wait:
		var timer, poll <-chan time.Time
		if !next.IsZero() {
			timer = q.clk.After(next.Sub(now))
		}
		if q.claims != nil {
			// Other processes enqueue and finish items, and their claims
			// lapse (in wall time), without waking this one: look again
			// soon.
			poll = time.After(q.pollEvery())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-q.wake:
		case <-timer:
		case <-poll:
		}
	}
}

type storedItem struct {
	key     []byte
	item    Item
	claim   store.Claim // nil without claims
	claimed time.Time   // when claim was asked for
}

// handle runs one item and commits its outcome. If the commit fails the
// item stays under its old key and is handed out again: at least once.
func (q *Queue) handle(ctx context.Context, si storedItem, h Handler) {
	defer func() {
		q.mu.Lock()
		delete(q.inflight, si.item.ID)
		q.done[si.item.ID] = q.scanGen
		q.mu.Unlock()
	}()
	at, ok := q.confirmClaim(ctx, si.claim, si.claimed)
	if !ok {
		return // lost while the scan went on: another process has it now
	}
	stopRenew := q.keepClaim(ctx, si.claim, at)
	out := h(ctx, si.item)
	stopRenew()
	var b store.Batch
	if out.Extra != nil {
		b.Ops = append(b.Ops, out.Extra.Ops...)
	}
	if out.Retry {
		it := si.item
		it.Attempt++
		it.Due = out.RetryAt
		if out.Payload != nil {
			it.Payload = out.Payload
		}
		nk := key(it.Due, it.ID)
		b.Put(q.bucket, nk, appendRecord(nil, &it))
		if bytes.Equal(nk, si.key) {
			err := q.st.Apply(context.WithoutCancel(ctx), &b)
			q.settleClaim(ctx, si.claim, false) // the same key is worked again
			if err == nil && out.Done != nil {
				out.Done()
			}
			return
		}
	}
	b.Delete(q.bucket, si.key)
	err := q.st.Apply(context.WithoutCancel(ctx), &b)
	q.settleClaim(ctx, si.claim, err == nil)
	if err == nil && out.Done != nil {
		out.Done()
	}
}
