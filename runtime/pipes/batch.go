package pipes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
)

// runner is a pipe made ready to run: its filter compiled.
type runner struct {
	s      *Service
	p      *Pipe
	filter *filter
}

func (s *Service) prepare(p *Pipe) (*runner, error) {
	f, err := compileFilters(p.SourceParameters)
	if err != nil {
		return nil, err
	}
	return &runner{s: s, p: p, filter: f}, nil
}

// batch moves one batch of messages through the pipe [AWS Pipes, SQS
// source]: records the filter drops are deleted from the source; the
// rest go through the enrichment and the target template to the target,
// and are deleted once the target accepted them all. Any failure
// (enrichment error, a template that cannot render, a target that
// refuses) leaves the whole batch on the source, where it comes back
// after the queue's visibility timeout and, after maxReceiveCount
// receipts, moves to the queue's dead-letter queue.
func (r *runner) batch(ctx context.Context, msgs []Message) {
	s := r.s
	s.stats.batches.Add(1)
	s.stats.received.Add(int64(len(msgs)))
	now := s.env.Clock.Now()
	var keep, dropped []string
	var records [][]byte
	for _, m := range msgs {
		rec := newRecord(m, r.p.Source, s.env.Region)
		if !r.filter.pass(parsedBody(rec)) {
			dropped = append(dropped, m.ReceiptHandle)
			continue
		}
		keep = append(keep, m.ReceiptHandle)
		records = append(records, rec)
	}
	s.stats.filtered.Add(int64(len(dropped)))
	var err error
	if len(records) > 0 {
		err = r.deliver(ctx, records, now)
	}
	if err != nil {
		s.stats.failed.Add(1)
		s.env.Logf("pipes: %s: batch of %d failed (back to the source): %v", r.p.Name, len(keep), err)
	} else {
		s.stats.delivered.Add(int64(len(keep)))
		dropped = append(dropped, keep...)
	}
	// One commit deletes what the filter dropped and, when the target
	// took it, what was delivered.
	if err := s.opts.Queues.Delete(ctx, r.p.queue(), dropped); err != nil {
		s.env.Logf("pipes: %s: deleting %d messages: %v", r.p.Name, len(dropped), err)
	}
}

// deliver enriches, transforms and hands the records to the target.
func (r *runner) deliver(ctx context.Context, records [][]byte, now time.Time) error {
	evs := records
	if r.p.Enrichment != "" {
		var err error
		if evs, err = r.enrich(ctx, records, now); err != nil {
			return err
		}
	}
	if tp := r.p.TargetParameters; tp != nil && tp.InputTemplate != "" {
		out := make([][]byte, len(evs))
		for i, ev := range evs {
			b, err := r.p.render(tp.InputTemplate, ev, now)
			if err != nil {
				return fmt.Errorf("target input template: %w", err)
			}
			out[i] = b
		}
		evs = out
	}
	return r.send(ctx, evs)
}

// enrich sends the batch (as a JSON array, each element through the
// enrichment's template) to the enrichment; its answer replaces the
// batch: an array is one event per element, anything else one event.
func (r *runner) enrich(ctx context.Context, records [][]byte, now time.Time) ([][]byte, error) {
	in := make([]json.RawMessage, len(records))
	for i, rec := range records {
		in[i] = rec
		if ep := r.p.EnrichmentParameters; ep != nil && ep.InputTemplate != "" {
			b, err := r.p.render(ep.InputTemplate, rec, now)
			if err != nil {
				return nil, fmt.Errorf("enrichment input template: %w", err)
			}
			if !json.Valid(b) {
				b, _ = json.Marshal(string(b))
			}
			in[i] = b
		}
	}
	payload, _ := json.Marshal(in) // RawMessages checked valid
	out, err := r.s.opts.Enrich.Invoke(ctx, r.p.Enrichment, payload)
	if err != nil {
		return nil, fmt.Errorf("enrichment %s: %w", r.p.Enrichment, err)
	}
	var arr []json.RawMessage
	if json.Unmarshal(out, &arr) == nil {
		evs := make([][]byte, len(arr))
		for i, a := range arr {
			evs[i] = a
		}
		return evs, nil
	}
	if len(out) == 0 || string(out) == "null" {
		return nil, nil
	}
	return [][]byte{out}, nil
}

// send hands the events to the target by its kind: one PutEvents entry
// per event to a bus, one message per event to a queue, topic or log
// group, the whole batch as one JSON array to a function.
func (r *runner) send(ctx context.Context, evs [][]byte) error {
	if len(evs) == 0 {
		return nil
	}
	sink, err := r.s.env.Resolver.Resolve(r.p.Target)
	if err != nil {
		return err
	}
	a, _ := kernel.ParseARN(r.p.Target)
	tp := r.p.TargetParameters
	if tp == nil {
		tp = &TargetParameters{}
	}
	switch a.Service {
	case "lambda":
		arr := make([]json.RawMessage, len(evs))
		for i, ev := range evs {
			arr[i] = asJSON(ev)
		}
		body, _ := json.Marshal(arr)
		return sink.Send(ctx, kernel.Message{Body: body})
	case "events":
		bp := tp.EventBridgeEventBusParameters
		if bp == nil {
			bp = &EventBridgeEventBusParameters{}
		}
		src, dt := bp.Source, bp.DetailType
		if src == "" {
			src = "Pipe " + r.p.Name
		}
		if dt == "" {
			dt = "Event from aws:sqs"
		}
		msgs := make([]kernel.Message, len(evs))
		for i, ev := range evs {
			var obj map[string]json.RawMessage
			if json.Unmarshal(ev, &obj) != nil {
				return errors.New("an event for a bus target must be a JSON object (its detail)")
			}
			entry, _ := json.Marshal(map[string]any{"Source": src, "DetailType": dt, "Detail": string(ev), "Resources": bp.Resources})
			msgs[i] = kernel.Message{Body: entry}
		}
		return sendAll(ctx, sink, msgs, true)
	}
	var group, dedup string
	if q := tp.SqsQueueParameters; q != nil {
		group, dedup = q.MessageGroupId, q.MessageDeduplicationId
	}
	msgs := make([]kernel.Message, len(evs))
	for i, ev := range evs {
		msgs[i] = kernel.Message{Body: ev, GroupID: group, DedupID: dedup}
	}
	return sendAll(ctx, sink, msgs, group == "")
}

// sendAll hands msgs to sink: at once, so that the receiver's commits
// share fsyncs, when order does not matter; in order (a FIFO group)
// otherwise. The first error is returned after all sends ended.
func sendAll(ctx context.Context, sink kernel.Sink, msgs []kernel.Message, concurrent bool) error {
	if !concurrent || len(msgs) == 1 {
		for _, m := range msgs {
			if err := sink.Send(ctx, m); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, len(msgs))
	var wg sync.WaitGroup
	for i, m := range msgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = sink.Send(ctx, m)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// asJSON is ev when it is JSON, else ev as a JSON string.
func asJSON(ev []byte) json.RawMessage {
	if json.Valid(ev) {
		return ev
	}
	b, _ := json.Marshal(string(ev))
	return b
}
