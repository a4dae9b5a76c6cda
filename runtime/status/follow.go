package status

import (
	"context"
	"time"

	"github.com/patternc/patternc/runtime/lambda"
)

// On a shared store (serve instances on one JetStream cluster) the
// instance a client is connected to is often not the one running the
// invocation. Every instance follows the status bucket: each committed
// status document, whoever wrote it, is routed to this instance's long
// polls and WebSocket subscribers. The follow is one consumer of the
// bucket's stream, so documents arrive in commit order, which for one
// invocation is revision order (one instance at a time runs it, and
// writes its revisions one after the other).

// startFollow follows the status bucket until Close.
func (s *Server) startFollow() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.followStop = func() { cancel(); <-done }
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			err := s.d.Follow(ctx, s.route, func() { s.restarted(ctx) })
			if ctx.Err() != nil {
				return
			}
			// The follow broke (a node went, the connection moved): the
			// next one starts after a pause, waking every long poll to
			// read again what it may have missed.
			s.env.Logf("status: following the status bucket: %v; resuming", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
}

// restarted catches up after the follow (re)started, as transitions before
// it were not routed: every long poll is woken to read its document again,
// and each invocation a WebSocket subscribes to by id is read and pushed
// (dropped by a socket that has that revision already).
func (s *Server) restarted(ctx context.Context) {
	h := &s.hub
	h.mu.Lock()
	for id, ch := range h.waiters {
		close(ch)
		delete(h.waiters, id)
	}
	ids := make([]string, 0, len(h.byInv))
	for id := range h.byInv {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	go func() {
		for _, id := range ids {
			if st, err := s.d.Status(ctx, id); err == nil {
				s.route(lambda.Change{Previous: st.Previous, Status: *st, Record: st.Record})
			}
		}
	}()
}
