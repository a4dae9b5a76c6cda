package lambda

import (
	"context"
	"encoding/json"

	"github.com/patternc/patternc/runtime/store"
)

// maxSharedRecord bounds the invocation record stored with a terminal
// status document on a shared store (Status.Record): a record is the
// request payload and the response, and a KV value must stay well under
// the NATS message limit (1 MB by default). A larger record reaches only
// the observers of the instance that made the transition.
const maxSharedRecord = 256 << 10

// Shared reports whether the dispatcher's store is shared by several
// processes (serve instances on one JetStream cluster): another process
// may run an invocation accepted here, and Observe hears only of the
// transitions this process makes. Follow hears of all of them.
func (d *Dispatcher) Shared() bool { return d.follower != nil }

// Follow calls fn with each status change any process sharing the store
// commits (a transition, or a rewrite of the same revision, which
// observers drop by its revision), in commit order, so in revision order
// for each invocation, until ctx is done; restart is called when the
// follow (re)starts, as changes before it were not seen. It returns at
// once, nil, on a store that is not shared (Observe sees everything there).
// A broken follow returns the engine's error; the caller follows again.
func (d *Dispatcher) Follow(ctx context.Context, fn func(Change), restart func()) error {
	if d.follower == nil {
		return nil
	}
	return d.follower.Follow(ctx, statusBucket, func(ev store.WatchEvent) {
		if ev.Reset {
			restart()
			return
		}
		if ev.Val == nil {
			return // a retired document
		}
		var st Status
		if json.Unmarshal(ev.Val, &st) != nil {
			return
		}
		fn(Change{Previous: st.Previous, Status: st, Record: st.Record})
	})
}
