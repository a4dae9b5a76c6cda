package testsupport

import (
	"context"
	"sync"

	"github.com/patternc/patternc/runtime/kernel"
)

// Recorder is a sink (and, through Handle, a Go handler target) that
// records every message it is sent, in order.
type Recorder struct {
	mu   sync.Mutex
	msgs []kernel.Message
	// Fail, when set, decides the answer to the n-th call (0-based); the
	// message is recorded either way.
	Fail func(n int) error
}

// Send records m.
func (r *Recorder) Send(ctx context.Context, m kernel.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.msgs)
	r.msgs = append(r.msgs, m)
	if r.Fail != nil {
		return r.Fail(n)
	}
	return nil
}

// Handle is Send as a Go handler target: the payload becomes the body.
func (r *Recorder) Handle(ctx context.Context, p []byte) error {
	return r.Send(ctx, kernel.Message{Body: append([]byte(nil), p...)})
}

// Messages returns what was sent so far, duplicates included.
func (r *Recorder) Messages() []kernel.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]kernel.Message(nil), r.msgs...)
}
