package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
)

// Run processes invocations until ctx is done.
func (d *Dispatcher) Run(ctx context.Context) error {
	return d.q.Run(ctx, d.opts.Workers, d.process)
}

// process runs one attempt of a queued invocation (docs/semantics/runtime.md §6.3).
func (d *Dispatcher) process(ctx context.Context, it queue.Item) queue.Outcome {
	var j job
	if err := json.Unmarshal(it.Payload, &j); err != nil {
		return queue.Outcome{} // unreadable: nothing can be done with it
	}
	now := d.env.Clock.Now().UTC()
	st, err := d.loadStatus(ctx, j.RequestID)
	if err != nil {
		st = &Status{InvocationID: j.RequestID, FunctionARN: d.FunctionARN(j.Function), Status: StatusQueued, Revision: 1, CreatedAt: stamp(j.EnqueuedAt)}
	}
	if st.terminal() {
		return queue.Outcome{} // already decided (a redelivery after a crash)
	}
	f := d.function(j.Function)
	if f == nil && d.shared && !d.removed(j.Function) && now.Sub(j.EnqueuedAt) < unknownGrace {
		// Accepted by another instance that knew the function: its
		// definition is on its way here (milliseconds). Not an attempt.
		return queue.Outcome{Retry: true, RetryAt: now.Add(250 * time.Millisecond)}
	}
	if f == nil {
		st.LastError = &ErrorInfo{Kind: "system", ErrorType: "ResourceNotFoundException", ErrorMessage: "function deleted"}
		return d.finish(ctx, nil, j, st, StatusFailed, "RetriesExhausted", nil, false, now)
	}
	retries, maxAge := d.limits(f)
	st.MaxRetryAttempts, st.MaxEventAgeSeconds = retries, int(maxAge/time.Second)
	age := now.Sub(j.EnqueuedAt)
	if age > maxAge {
		return d.finish(ctx, f, j, st, StatusExpired, "EventAgeExceeded", nil, false, now)
	}
	if rc := f.opts.ReservedConcurrency; rc != nil && *rc == 0 {
		return d.finish(ctx, f, j, st, StatusFailed, "ZeroReservedConcurrency", nil, false, now)
	}
	if rc := f.opts.ReservedConcurrency; rc != nil && f.running.Add(1) > int64(*rc) {
		// No concurrency left: a throttle before any run. The status stays
		// where it is; only lastError and nextAttemptAt move.
		f.running.Add(-1)
		return d.throttle(ctx, f, j, st, now, age, maxAge, "")
	} else if rc != nil {
		defer f.running.Add(-1)
	}
	prev := st.Status
	d.transition(ctx, st, StatusRunning, now)
	result, runErr := runHandler(context.WithValue(ctx, requestIDKey{}, j.RequestID), f.handler, j.Payload)
	now = d.env.Clock.Now().UTC()
	age = now.Sub(j.EnqueuedAt)

	if errors.Is(runErr, kernel.ErrThrottled) {
		// The handler said throttled: not a run. It had been shown as
		// running, so it goes back to where it was as a new revision.
		return d.throttle(ctx, f, j, st, now, age, maxAge, prev)
	}
	j.Invokes++
	j.ThrottleStreak = 0
	st.Attempts = j.Invokes
	if runErr == nil {
		if res := resultJSON(result); len(res) <= maxStatusResult {
			st.Result = json.RawMessage(res)
		} else {
			st.ResultTruncated = true // the full result still goes to OnSuccess
		}
		return d.finish(ctx, f, j, st, StatusSucceeded, "Success", result, true, now)
	}
	st.LastError = errorInfo(runErr)
	if j.Invokes <= retries {
		delay := time.Duration(j.Invokes) * d.opts.RetryBaseDelay
		if age+delay >= maxAge { // 60 s max age: no retry at all
			return d.finishError(ctx, f, j, st, StatusExpired, "EventAgeExceeded", runErr, now)
		}
		st.NextAttemptAt = stamp(now.Add(delay))
		d.stats.retries.Add(1)
		out := d.requeue(j, now.Add(delay))
		out.Extra, out.Done = d.advance(st, StatusRetrying, now)
		return out
	}
	return d.finishError(ctx, f, j, st, StatusFailed, "RetriesExhausted", runErr, now)
}

// throttle requeues j after min(2^streak s, 300 s), or expires it when
// that would pass the age limit. back is the status to return to after a
// handler-reported throttle ("" when the handler never started).
func (d *Dispatcher) throttle(ctx context.Context, f *function, j job, st *Status, now time.Time, age, maxAge time.Duration, back string) queue.Outcome {
	delay := time.Duration(min(1<<min(j.ThrottleStreak, 9), 300)) * time.Second
	j.ThrottleStreak++
	d.stats.throttles.Add(1)
	st.LastError = &ErrorInfo{Kind: "throttle", ErrorType: "TooManyRequestsException", ErrorMessage: "Rate Exceeded."}
	if age+delay >= maxAge {
		return d.finish(ctx, f, j, st, StatusExpired, "EventAgeExceeded", nil, j.Invokes > 0, now)
	}
	st.NextAttemptAt = stamp(now.Add(delay))
	out := d.requeue(j, now.Add(delay))
	if back != "" {
		out.Extra, out.Done = d.advance(st, back, now)
	} else {
		st.Revision-- // not a transition: the document changes, the revision does not
		out.Extra, out.Done = d.advance(st, st.Status, now)
	}
	return out
}

func (d *Dispatcher) requeue(j job, at time.Time) queue.Outcome {
	data, _ := json.Marshal(j)
	return queue.Outcome{Retry: true, RetryAt: at, Payload: data}
}

type requestIDKey struct{}

// RequestIDFrom returns the request id of the invocation a handler runs,
// the key to make its side effects idempotent.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// runHandler runs h, turning a panic into a function error.
func runHandler(ctx context.Context, h Handler, payload []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &FunctionError{Type: "Runtime.Panic", Message: fmt.Sprint(r)}
		}
	}()
	return h(ctx, payload)
}

func errorInfo(err error) *ErrorInfo {
	var fe *FunctionError
	if errors.As(err, &fe) {
		return &ErrorInfo{Kind: "function", ErrorType: fe.Type, ErrorMessage: fe.Message}
	}
	t := reflect.TypeOf(err)
	name := "Error"
	if t != nil {
		name = strings.TrimPrefix(t.String(), "*")
	}
	return &ErrorInfo{Kind: "function", ErrorType: name, ErrorMessage: err.Error()}
}

func resultJSON(b []byte) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	if validJSON(b) != nil {
		q, _ := json.Marshal(string(b))
		return q
	}
	return b
}

// finishError ends an invocation whose last run failed.
func (d *Dispatcher) finishError(ctx context.Context, f *function, j job, st *Status, status, condition string, runErr error, now time.Time) queue.Outcome {
	handled := false
	var fe *FunctionError
	if errors.As(runErr, &fe) {
		handled = fe.Handled
	}
	payload, _ := json.Marshal(map[string]any{"errorMessage": st.LastError.ErrorMessage, "errorType": st.LastError.ErrorType, "requestId": j.RequestID, "stackTrace": []string{}})
	st.functionError = "Unhandled"
	if handled {
		st.functionError = "Handled"
	}
	return d.finish(ctx, f, j, st, status, condition, payload, true, now)
}

// finish records the terminal status and delivers the invocation record
// to the destination and, on failure, the payload to the DLQ.
func (d *Dispatcher) finish(ctx context.Context, f *function, j job, st *Status, status, condition string, response []byte, ran bool, now time.Time) queue.Outcome {
	st.Condition = &condition
	st.NextAttemptAt = ""
	if f != nil {
		rec := d.record(j, condition, response, ran, st.functionError, now)
		st.record = rec
		if d.follower != nil && len(rec) <= maxSharedRecord {
			st.Record = rec
		}
		c := d.configOf(f)
		dest := c.OnFailure
		if status == StatusSucceeded {
			dest = c.OnSuccess
		}
		if dest != "" {
			d.deliver(ctx, dest, kernel.Message{Body: destinationBody(dest, d.FunctionARN(j.Function), rec, status == StatusSucceeded)}, st, status == StatusSucceeded, false)
		}
		if status != StatusSucceeded && f.opts.DeadLetterArn != "" {
			msg := ""
			if st.LastError != nil {
				msg = st.LastError.ErrorMessage
			}
			d.deliver(ctx, f.opts.DeadLetterArn, kernel.Message{Body: j.Payload,
				Attributes: map[string]string{"RequestID": j.RequestID, "ErrorCode": "200", "ErrorMessage": msg}}, st, false, true)
		}
	}
	switch status {
	case StatusSucceeded:
		d.stats.succeeded.Add(1)
	case StatusFailed:
		d.stats.failed.Add(1)
	case StatusExpired:
		d.stats.expired.Add(1)
	}
	extra, done := d.advance(st, status, now)
	return queue.Outcome{Extra: extra, Done: done}
}
