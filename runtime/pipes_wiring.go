package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/events"
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

// pipeFeeds read a topic or a bus into a pipe's own queue: a raw SQS
// subscription to the topic, or a rule the pipe manages on the bus that
// matches every event.
type pipeFeeds struct{ r *Runtime }

// feedManager owns the rules pipes put on buses.
const feedManager = "pipes.amazonaws.com"

func feedQueueName(pipe string) string {
	return "pipe-" + strings.ReplaceAll(pipe, ".", "_") + "-feed"
}

func (f pipeFeeds) Attach(ctx context.Context, pipe, source string) (string, string, error) {
	a, err := kernel.ParseARN(source)
	if err != nil {
		return "", "", err
	}
	q, err := f.r.Queues.CreateQueue(ctx, feedQueueName(pipe), nil)
	if err != nil {
		return "", "", err
	}
	switch a.Service {
	case "sns":
		sub, err := f.r.Topics.Subscribe(ctx, source, "sqs", q, map[string]string{"RawMessageDelivery": "true"})
		return q, sub, err
	case "events":
		bus := strings.TrimPrefix(a.Resource, "event-bus/")
		rule := "Pipe-" + pipe
		_, err := f.r.Events.PutManagedRule(ctx, events.PutRuleInput{Name: rule, EventBusName: bus, EventPattern: `{"source":[{"exists":true}]}`,
			Description: "Feeds pipe " + pipe}, feedManager, []events.Target{{ID: "pipe", Arn: q}})
		return q, rule, err
	}
	return "", "", fmt.Errorf("pipes: %s is not a topic or a bus: %w", source, kernel.ErrNoResource)
}

func (f pipeFeeds) Detach(ctx context.Context, source, queue, handle string) error {
	a, err := kernel.ParseARN(source)
	if err != nil {
		return err
	}
	switch a.Service {
	case "sns":
		err = f.r.Topics.Unsubscribe(ctx, handle)
	case "events":
		err = f.r.Events.DeleteManagedRule(ctx, strings.TrimPrefix(a.Resource, "event-bus/"), handle, feedManager)
	}
	if err != nil && !errors.Is(err, kernel.ErrNoResource) {
		return err
	}
	qa, _ := kernel.ParseARN(queue)
	return f.r.Queues.DeleteQueue(ctx, qa.Resource)
}
