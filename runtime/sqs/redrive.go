package sqs

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

// redrive is a queue's RedrivePolicy [AWS]: a message received
// maxReceiveCount times that comes up for receipt again moves to the
// dead-letter queue instead.
type redrive struct {
	dlq string // the dead-letter queue's name ("" when none)
	max int
}

// redriveOf reads the queue's RedrivePolicy (parseRedrive, the check
// CreateQueue and SetQueueAttributes make); a missing one, or one naming
// a queue that does not exist, is no redrive.
func (s *Service) redriveOf(ctx context.Context, name string) redrive {
	attrs, err := s.storedAttrs(ctx, name)
	if err != nil || attrs["RedrivePolicy"] == "" {
		return redrive{}
	}
	dlq, max, err := s.parseRedrive(attrs["RedrivePolicy"])
	if err != nil || dlq == name || !s.exists(dlq) {
		return redrive{}
	}
	return redrive{dlq: dlq, max: max}
}

// moveToDLQ adds to b the writes that move m (stored at key on queue
// name) to the dead-letter queue: the copy first, then the removal, so
// that a store applying op by op loses nothing in a crash.
func (r redrive) moveToDLQ(b *store.Batch, name string, key []byte, m Message) error {
	m.VisibleAt = time.Time{} // visible on the DLQ at once
	m.ReceiptHandle = ""
	val, err := json.Marshal(m)
	if err != nil {
		return err
	}
	// The same key: the message keeps its place (its SentAt) in the DLQ.
	b.Put("sqs/"+r.dlq, append([]byte(nil), key...), val)
	b.Delete("sqs/"+name, append([]byte(nil), key...))
	return nil
}

// DeleteBatch removes the messages Receive handed out with
// receiptHandles in one store commit (a pipe deleting the batch it
// delivered).
func (s *Service) DeleteBatch(ctx context.Context, name string, receiptHandles []string) error {
	if !s.exists(name) {
		return noQueue(name)
	}
	var b store.Batch
	for _, h := range receiptHandles {
		if err := CheckReceipt(h); err != nil {
			return err
		}
		k, _ := hex.DecodeString(h)
		b.Delete("sqs/"+name, k)
	}
	if len(b.Ops) == 0 {
		return nil
	}
	return s.env.Store.Apply(ctx, &b)
}
