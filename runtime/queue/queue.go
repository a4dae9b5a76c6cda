// Package queue is a durable delayed work queue laid out on a store.Store:
// the one mechanism behind the async dispatcher's retries, bus target
// retries and topic delivery retries. An item that Enqueue accepted is
// handed to a handler at least once, also across a crash (items being
// handled when the process died are handed out again on restart).
package queue

import (
	"context"
	"errors"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/store"
)

// CONTRACT (written before the implementation; keep these signatures).

// Item is one unit of work.
type Item struct {
	ID       string    // unique in the queue; Enqueue assigns a UUID when empty
	Payload  []byte    // opaque to the queue
	Due      time.Time // not handed out before this time (zero: at once)
	Attempt  int       // 0 on the first hand-out; incremented on each Retry
	Enqueued time.Time // set by Enqueue when zero
}

// Outcome is what a handler decided about an item.
type Outcome struct {
	// Retry, when true, puts the item back with Due = RetryAt, Attempt+1 and
	// Payload (when non-nil) replacing the old one. Otherwise the item is done
	// and removed.
	Retry   bool
	RetryAt time.Time
	Payload []byte
}

// Handler handles one item. It must be safe for concurrent use when the
// queue runs several workers.
type Handler func(ctx context.Context, it Item) Outcome

// Queue is a durable delayed queue named name inside a store.
type Queue struct{}

// Open opens (creating if needed) the queue name in st.
func Open(st store.Store, name string, clk clock.Clock) (*Queue, error) {
	return nil, errors.New("queue: not implemented")
}

// Enqueue durably adds items; when it returns nil they are accepted.
func (q *Queue) Enqueue(ctx context.Context, items ...Item) error {
	return errors.New("queue: not implemented")
}

// Run hands due items to h on workers goroutines until ctx is done.
func (q *Queue) Run(ctx context.Context, workers int, h Handler) error {
	return errors.New("queue: not implemented")
}

// Len reports how many items are waiting or in flight.
func (q *Queue) Len(ctx context.Context) (int, error) { return 0, errors.New("queue: not implemented") }
