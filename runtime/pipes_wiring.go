package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/patternc/patternc/runtime/functions"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/pipes"
)

// pipeQueues lets pipes read the runtime's local queues by ARN.
type pipeQueues struct{ r *Runtime }

func (q pipeQueues) name(arn string) (string, bool) {
	a, err := kernel.ParseARN(arn)
	if err != nil || !q.r.Env.Owns("sqs", a) {
		return "", false
	}
	return a.Resource, true
}

func (q pipeQueues) Exists(arn string) bool {
	name, ok := q.name(arn)
	if !ok {
		return false
	}
	_, err := q.r.Queues.Resolve(arn)
	return err == nil && name != ""
}

func (q pipeQueues) Receive(ctx context.Context, arn string, max int, wait time.Duration) ([]pipes.Message, error) {
	name, ok := q.name(arn)
	if !ok {
		return nil, fmt.Errorf("%s: %w", arn, kernel.ErrNoResource)
	}
	msgs, err := q.r.Queues.ReceiveWait(ctx, name, max, nil, wait)
	if err != nil {
		return nil, err
	}
	out := make([]pipes.Message, len(msgs))
	for i, m := range msgs {
		out[i] = pipes.Message{ID: m.ID, Body: m.Body, ReceiptHandle: m.ReceiptHandle, ReceiveCount: m.ReceiveCount, SentAt: m.SentAt, Attributes: m.Attributes}
	}
	return out, nil
}

func (q pipeQueues) Delete(ctx context.Context, arn string, receiptHandles []string) error {
	name, ok := q.name(arn)
	if !ok {
		return fmt.Errorf("%s: %w", arn, kernel.ErrNoResource)
	}
	return q.r.Queues.DeleteBatch(ctx, name, receiptHandles)
}

// pipeEnricher calls a pipe's enrichment synchronously: an API
// destination, a function with code (a process) or a Go or HTTP handler
// of the dispatcher. A function error or a non-2xx answer fails the
// batch.
type pipeEnricher struct{ r *Runtime }

func (e pipeEnricher) Invoke(ctx context.Context, arn string, payload []byte) ([]byte, error) {
	a, err := kernel.ParseARN(arn)
	if err == nil && a.Service == "events" {
		return e.r.Events.CallAPIDestination(ctx, arn, payload)
	}
	if err != nil || a.Service != "lambda" {
		return nil, fmt.Errorf("enrichment %s: a function or an API destination is needed: %w", arn, kernel.ErrNoResource)
	}
	if f := e.r.Functions; f != nil {
		if _, err := f.Get(arn); err == nil {
			res, err := f.Invoke(ctx, arn, payload, functions.InvokeOptions{})
			if err != nil {
				return nil, err
			}
			if res.Error != nil {
				return nil, fmt.Errorf("function error: %s: %s", res.Error.ErrorType, res.Error.ErrorMessage)
			}
			return res.Payload, nil
		}
	}
	return e.r.Lambda.Call(ctx, functions.NameOf(arn), payload)
}
