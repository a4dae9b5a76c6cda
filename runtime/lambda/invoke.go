package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
	"github.com/patternc/patternc/runtime/store"
)

// job is a queued invocation.
type job struct {
	RequestID      string          `json:"requestId"`
	Function       string          `json:"function"`
	Payload        json.RawMessage `json:"payload"`
	EnqueuedAt     time.Time       `json:"enqueuedAt"`
	Invokes        int             `json:"invokes"` // handler runs so far
	ThrottleStreak int             `json:"throttleStreak"`
}

// Invoke accepts an asynchronous invocation: once it returns the request
// id, the event is committed to the store and will run at least once.
func (d *Dispatcher) Invoke(ctx context.Context, name string, payload []byte) (string, error) {
	id, _, err := d.InvokeWith(ctx, name, payload, InvokeOptions{})
	return id, err
}

// InvokeWith is Invoke with the client status API's options: a webhook
// and an idempotency key. replay reports that the key was seen with the
// same payload within the function's MaximumEventAge: id is then the
// original invocation's and nothing new was queued.
func (d *Dispatcher) InvokeWith(ctx context.Context, name string, payload []byte, opt InvokeOptions) (id string, replay bool, err error) {
	f := d.function(name)
	if f == nil {
		return "", false, d.noFunction(name)
	}
	if len(payload) > d.opts.PayloadLimit {
		return "", false, kernel.Errorf("RequestTooLargeException", 413, "Request must be smaller than %d bytes for the Invoke operation", d.opts.PayloadLimit)
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if err := validJSON(payload); err != nil {
		return "", false, kernel.Errorf("InvalidRequestContentException", 400, "Could not parse request body into json: %v", err)
	}
	now := d.env.Clock.Now().UTC()
	j := job{RequestID: uuid.NewString(), Function: name, Payload: append(json.RawMessage(nil), payload...), EnqueuedAt: now}
	data, _ := json.Marshal(j)
	retries, maxAge := d.limits(f)
	st := &Status{InvocationID: j.RequestID, FunctionARN: d.FunctionARN(name), Status: StatusQueued, Revision: 1,
		CreatedAt: stamp(now), UpdatedAt: stamp(now), MaxRetryAttempts: retries, MaxEventAgeSeconds: int(maxAge / time.Second)}
	st.Delivery = d.deliveryPlan(f)
	if opt.CallbackURL != "" {
		st.Delivery.Callback = &Callback{URL: opt.CallbackURL, Events: opt.CallbackEvents, State: "pending"}
	}
	stData, err := json.Marshal(st)
	if err != nil {
		return "", false, kernel.Errorf("ServiceException", 503, "The dispatcher could not accept the event.")
	}
	// The queue item and its status commit together (one fsync). Engines
	// that apply op by op write the item first: a crash in between leaves
	// an item that runs (and writes its status), never a status that lies.
	var b store.Batch
	b.Put(statusBucket, []byte(j.RequestID), stData)
	if opt.IdempotencyKey != "" {
		d.idemMu.Lock()
		defer d.idemMu.Unlock()
		orig, conflict, err := d.checkIdempotency(ctx, name, opt.IdempotencyKey, payload, now)
		if err != nil {
			return "", false, err
		}
		if orig != "" {
			return orig, true, nil
		}
		if conflict {
			return "", false, kernel.Errorf("IdempotencyKeyConflict", 409, "Idempotency-Key %q was used with a different payload", opt.IdempotencyKey)
		}
		d.recordIdempotency(&b, name, opt.IdempotencyKey, payload, j.RequestID, now.Add(maxAge))
	}
	if err := d.q.EnqueueWith(ctx, &b, queue.Item{ID: j.RequestID, Payload: data, Enqueued: now}); err != nil {
		return "", false, kernel.Errorf("ServiceException", 503, "The dispatcher could not accept the event.")
	}
	d.stats.accepted.Add(1)
	d.announce("", st)
	return j.RequestID, false, nil
}

func validJSON(b []byte) error {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// Resolve makes functions reachable by ARN, as sinks (async invoke).
func (d *Dispatcher) Resolve(arn string) (kernel.Sink, error) {
	a, err := kernel.ParseARN(arn)
	if err != nil || !d.env.Owns("lambda", a) || a.ResourceType() != "function" || d.function(functionName(a)) == nil {
		return nil, fmt.Errorf("%s: %w", arn, kernel.ErrNoResource)
	}
	return funcSink{d, functionName(a)}, nil
}

// functionName is the function of a function ARN, without its qualifier.
func functionName(a kernel.ARN) string {
	name, _, _ := strings.Cut(a.ResourceID(), ":")
	return name
}

type funcSink struct {
	d    *Dispatcher
	name string
}

func (s funcSink) Send(ctx context.Context, m kernel.Message) error {
	_, err := s.d.Invoke(ctx, s.name, m.Body)
	return err
}
