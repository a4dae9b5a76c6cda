package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
	"github.com/patternc/patternc/runtime/store"
)

// Handler is a function's code.
type Handler func(ctx context.Context, payload []byte) ([]byte, error)

// FunctionError is an error with Lambda's errorType and errorMessage.
type FunctionError struct {
	Type    string
	Message string
	Handled bool
}

func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// Options tune a Dispatcher.
type Options struct {
	// RetryBaseDelay is the delay before the second attempt (the third
	// waits twice as long); default 60 s, as AWS.
	RetryBaseDelay time.Duration
	// PayloadLimit caps payloads, in bytes; default 256 KB.
	PayloadLimit int
	// Workers run handlers concurrently; default 8.
	Workers int
	// StatusRetention is how long a status document is kept after its
	// invocation ended (docs/semantics/runtime.md §7.1); default 24 h. Older ones read as not found
	// and are deleted when met.
	StatusRetention time.Duration
}

// EventInvokeConfig is a function's asynchronous invocation config.
type EventInvokeConfig struct {
	MaximumRetryAttempts     *int
	MaximumEventAgeInSeconds *int
	OnSuccess                string // destination ARN
	OnFailure                string
}

// FunctionOptions are set when a function is registered.
type FunctionOptions struct {
	DeadLetterArn string
	// ReservedConcurrency caps concurrent runs of the function: events
	// beyond it are throttled (requeued with backoff, not counted as runs);
	// 0 fails every event at once (ZeroReservedConcurrency). nil: no cap
	// beyond the dispatcher's workers.
	ReservedConcurrency *int
}

type function struct {
	running atomic.Int64 // handler runs in progress
	name    string
	handler Handler
	opts    FunctionOptions
	cfg     EventInvokeConfig
	hasCfg  bool
}

// Dispatcher runs asynchronous invocations.
type Dispatcher struct {
	env  kernel.Env // Resolver finds destinations and DLQs by ARN
	opts Options
	q    *queue.Queue

	mu    sync.RWMutex
	funcs map[string]*function

	stats counters
}

// counters are the dispatcher's named counters (docs/semantics/runtime.md §8.7), since start.
type counters struct {
	accepted, succeeded, failed, expired, retries, throttles,
	destinationFailures, dlqFailures atomic.Int64
}

// Stats returns the dispatcher's counters since it was made, by the names
// GET /v1/metrics shows.
func (d *Dispatcher) Stats() map[string]int64 {
	c := &d.stats
	return map[string]int64{
		"invocations_accepted":          c.accepted.Load(),
		"invocations_succeeded":         c.succeeded.Load(),
		"invocations_failed":            c.failed.Load(),
		"invocations_expired":           c.expired.Load(),
		"invocation_retries":            c.retries.Load(),
		"invocation_throttles":          c.throttles.Load(),
		"destination_delivery_failures": c.destinationFailures.Load(),
		"invocations_failed_to_dlq":     c.dlqFailures.Load(),
	}
}

const statusBucket = "lambda-status"

// maxStatusResult is the largest result a status document holds (docs/semantics/runtime.md §7.1).
const maxStatusResult = 64 << 10

// New makes a dispatcher on env.Store; call Run to process invocations.
func New(env kernel.Env, cfg Options) (*Dispatcher, error) {
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("lambda: %w", err)
	}
	if cfg.RetryBaseDelay <= 0 {
		cfg.RetryBaseDelay = 60 * time.Second
	}
	if cfg.PayloadLimit <= 0 {
		cfg.PayloadLimit = 256 << 10
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.StatusRetention <= 0 {
		cfg.StatusRetention = 24 * time.Hour
	}
	q, err := queue.Open(env, "lambda-async")
	if err != nil {
		return nil, err
	}
	return &Dispatcher{env: env, opts: cfg, q: q, funcs: map[string]*function{}}, nil
}

// FunctionARN is the qualified ARN of a function.
func (d *Dispatcher) FunctionARN(name string) string {
	return d.env.ARN("lambda", "function:"+name+":$LATEST").String()
}

// Register adds (or replaces) a function.
func (d *Dispatcher) Register(name string, h Handler, opts FunctionOptions) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := &function{name: name, handler: h, opts: opts}
	if old, ok := d.funcs[name]; ok {
		f.cfg, f.hasCfg = old.cfg, old.hasCfg
	}
	d.funcs[name] = f
}

// Unregister deletes a function; its queued events fail.
func (d *Dispatcher) Unregister(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.funcs, name)
}

func (d *Dispatcher) function(name string) *function {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.funcs[name]
}

func invalid(format string, args ...any) *kernel.Error {
	return kernel.Errorf("InvalidParameterValueException", 400, format, args...)
}

// noFunction is Lambda's answer for a function that does not exist.
func (d *Dispatcher) noFunction(name string) *kernel.Error {
	return kernel.ResourceNotFound("Function not found: %s", d.FunctionARN(name)).WithStatus(404)
}

// PutEventInvokeConfig replaces a function's config (validated as AWS
// does); it applies to queued events at their next attempt.
func (d *Dispatcher) PutEventInvokeConfig(name string, c EventInvokeConfig) error {
	f := d.function(name)
	if f == nil {
		return d.noFunction(name)
	}
	if c.MaximumRetryAttempts == nil && c.MaximumEventAgeInSeconds == nil && c.OnSuccess == "" && c.OnFailure == "" {
		return invalid("You must specify at least one of error handling or destination setting.")
	}
	if r := c.MaximumRetryAttempts; r != nil && (*r < 0 || *r > 2) {
		return invalid("1 validation error detected: Value '%d' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2", *r)
	}
	if a := c.MaximumEventAgeInSeconds; a != nil && (*a < 60 || *a > 21600) {
		return invalid("1 validation error detected: Value '%d' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value between 60 and 21600", *a)
	}
	for _, arn := range []string{c.OnSuccess, c.OnFailure} {
		if arn == "" {
			continue
		}
		if a, err := kernel.ParseARN(arn); err == nil && d.env.Owns("lambda", a) && functionName(a) == name {
			return invalid("You can't specify the function as a destination for itself.")
		}
		if strings.HasSuffix(arn, ".fifo") {
			return invalid("The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=%s), onFailure=null) is invalid.", arn)
		}
		if _, err := d.env.Resolver.Resolve(arn); err != nil {
			return invalid("The destination ARN %s is invalid.", arn)
		}
	}
	d.mu.Lock()
	f.cfg, f.hasCfg = c, true
	d.mu.Unlock()
	return nil
}

// UpdateEventInvokeConfig merges the fields set in c into the function's
// config (AWS's Update); the result is validated as Put validates.
func (d *Dispatcher) UpdateEventInvokeConfig(name string, c EventInvokeConfig) error {
	f := d.function(name)
	if f == nil {
		return d.noFunction(name)
	}
	d.mu.RLock()
	cur := f.cfg // the zero config when the function has none yet
	d.mu.RUnlock()
	if c.MaximumRetryAttempts != nil {
		cur.MaximumRetryAttempts = c.MaximumRetryAttempts
	}
	if c.MaximumEventAgeInSeconds != nil {
		cur.MaximumEventAgeInSeconds = c.MaximumEventAgeInSeconds
	}
	if c.OnSuccess != "" {
		cur.OnSuccess = c.OnSuccess
	}
	if c.OnFailure != "" {
		cur.OnFailure = c.OnFailure
	}
	return d.PutEventInvokeConfig(name, cur)
}

// GetEventInvokeConfig returns the function's config, or
// ResourceNotFoundException when it has none.
func (d *Dispatcher) GetEventInvokeConfig(name string) (EventInvokeConfig, error) {
	f := d.function(name)
	if f == nil {
		return EventInvokeConfig{}, d.noFunction(name)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if !f.hasCfg {
		return EventInvokeConfig{}, kernel.ResourceNotFound("The function %s doesn't have an EventInvokeConfig", d.FunctionARN(name)).WithStatus(404)
	}
	return f.cfg, nil
}

// DeleteEventInvokeConfig removes the function's config: defaults apply
// again (2 retries, 6 h, no destinations).
func (d *Dispatcher) DeleteEventInvokeConfig(name string) error {
	if _, err := d.GetEventInvokeConfig(name); err != nil {
		return err
	}
	f := d.function(name)
	d.mu.Lock()
	f.cfg, f.hasCfg = EventInvokeConfig{}, false
	d.mu.Unlock()
	return nil
}

// limits returns the retry and age limits in force for f.
func (d *Dispatcher) limits(f *function) (retries int, maxAge time.Duration) {
	c := d.configOf(f)
	retries, maxAge = 2, 6*time.Hour
	if c.MaximumRetryAttempts != nil {
		retries = *c.MaximumRetryAttempts
	}
	if c.MaximumEventAgeInSeconds != nil {
		maxAge = time.Duration(*c.MaximumEventAgeInSeconds) * time.Second
	}
	return
}

// configOf reads f's config under the lock Put/Update/Delete write it with.
func (d *Dispatcher) configOf(f *function) EventInvokeConfig {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return f.cfg
}

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
	f := d.function(name)
	if f == nil {
		return "", d.noFunction(name)
	}
	if len(payload) > d.opts.PayloadLimit {
		return "", kernel.Errorf("RequestTooLargeException", 413, "Request must be smaller than %d bytes for the Invoke operation", d.opts.PayloadLimit)
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if err := validJSON(payload); err != nil {
		return "", kernel.Errorf("InvalidRequestContentException", 400, "Could not parse request body into json: %v", err)
	}
	now := d.env.Clock.Now().UTC()
	j := job{RequestID: uuid.NewString(), Function: name, Payload: append(json.RawMessage(nil), payload...), EnqueuedAt: now}
	data, _ := json.Marshal(j)
	retries, maxAge := d.limits(f)
	st := &Status{InvocationID: j.RequestID, FunctionARN: d.FunctionARN(name), Status: StatusQueued, Revision: 1,
		CreatedAt: stamp(now), UpdatedAt: stamp(now), MaxRetryAttempts: retries, MaxEventAgeSeconds: int(maxAge / time.Second)}
	st.Delivery = d.deliveryPlan(f)
	stData, err := json.Marshal(st)
	if err != nil {
		return "", kernel.Errorf("ServiceException", 503, "The dispatcher could not accept the event.")
	}
	// The queue item and its status commit together (one fsync). Engines
	// that apply op by op write the item first: a crash in between leaves
	// an item that runs (and writes its status), never a status that lies.
	var b store.Batch
	b.Put(statusBucket, []byte(j.RequestID), stData)
	if err := d.q.EnqueueWith(ctx, &b, queue.Item{ID: j.RequestID, Payload: data, Enqueued: now}); err != nil {
		return "", kernel.Errorf("ServiceException", 503, "The dispatcher could not accept the event.")
	}
	d.stats.accepted.Add(1)
	return j.RequestID, nil
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
		out.Extra = d.advance(st, StatusRetrying, now)
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
		out.Extra = d.advance(st, back, now)
	} else {
		st.Revision-- // not a transition: the document changes, the revision does not
		out.Extra = d.advance(st, st.Status, now)
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
	return queue.Outcome{Extra: d.advance(st, status, now)}
}

// destinationBody is what a destination receives (docs/semantics/runtime.md §6.5): the record
// itself, or for an event bus a PutEvents entry (source "lambda") whose
// detail is the record.
func destinationBody(dest, functionARN string, rec []byte, success bool) []byte {
	if a, err := kernel.ParseARN(dest); err != nil || a.Service != "events" || a.ResourceType() != "event-bus" {
		return rec
	}
	detailType := "Lambda Function Invocation Result - Failure"
	if success {
		detailType = "Lambda Function Invocation Result - Success"
	}
	entry, _ := json.Marshal(struct {
		Source     string
		DetailType string
		Detail     string
		Resources  []string
	}{"lambda", detailType, string(rec), []string{dest, functionARN}})
	return entry
}

// record is the invocation record of docs/semantics/runtime.md §6.4, keys in AWS's order.
func (d *Dispatcher) record(j job, condition string, response []byte, ran bool, functionError string, now time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"version":"1.0","timestamp":%q,"requestContext":{"requestId":%q,"functionArn":%q,"condition":%q,"approximateInvokeCount":%d},"requestPayload":%s`,
		stamp(now), j.RequestID, d.FunctionARN(j.Function), condition, j.Invokes, j.Payload)
	if ran {
		b.WriteString(`,"responseContext":{"statusCode":200,"executedVersion":"$LATEST"`)
		if functionError != "" {
			fmt.Fprintf(&b, `,"functionError":%q`, functionError)
		}
		b.WriteString(`},"responsePayload":`)
		b.Write(resultJSON(response))
	}
	b.WriteString("}")
	return []byte(b.String())
}

func (d *Dispatcher) deliver(ctx context.Context, arn string, m kernel.Message, st *Status, success, dlq bool) {
	state := "delivered"
	s, err := d.env.Resolver.Resolve(arn)
	if err == nil {
		err = s.Send(ctx, m)
	}
	if err != nil {
		state = "failed"
		if dlq {
			d.stats.dlqFailures.Add(1)
		} else {
			d.stats.destinationFailures.Add(1)
		}
		log.Printf("lambda: invocation %s: delivery to %s failed: %v", st.InvocationID, arn, err)
	}
	t := &DeliveryTarget{ARN: arn, State: state}
	switch {
	case dlq:
		st.Delivery.DeadLetter = t
	case success:
		st.Delivery.OnSuccess = t
	default:
		st.Delivery.OnFailure = t
	}
}

func (d *Dispatcher) deliveryPlan(f *function) Delivery {
	var dl Delivery
	c := d.configOf(f)
	if c.OnSuccess != "" {
		dl.OnSuccess = &DeliveryTarget{ARN: c.OnSuccess, State: "pending"}
	}
	if c.OnFailure != "" {
		dl.OnFailure = &DeliveryTarget{ARN: c.OnFailure, State: "pending"}
	}
	if f.opts.DeadLetterArn != "" {
		dl.DeadLetter = &DeliveryTarget{ARN: f.opts.DeadLetterArn, State: "pending"}
	}
	return dl
}

// Status values (docs/semantics/runtime.md §7.1).
const (
	StatusQueued    = "queued"
	StatusRunning   = "running"
	StatusRetrying  = "retrying"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
	StatusExpired   = "expired"
)

// Status is the status document of one invocation.
type Status struct {
	InvocationID       string          `json:"invocationId"`
	FunctionARN        string          `json:"functionArn"`
	Status             string          `json:"status"`
	Revision           int             `json:"revision"`
	CreatedAt          string          `json:"createdAt"`
	UpdatedAt          string          `json:"updatedAt"`
	Attempts           int             `json:"attempts"`
	MaxRetryAttempts   int             `json:"maxRetryAttempts"`
	MaxEventAgeSeconds int             `json:"maxEventAgeSeconds"`
	NextAttemptAt      string          `json:"nextAttemptAt,omitempty"`
	LastError          *ErrorInfo      `json:"lastError"`
	Condition          *string         `json:"condition"`
	Result             json.RawMessage `json:"result"`
	ResultTruncated    bool            `json:"resultTruncated,omitempty"`
	Delivery           Delivery        `json:"delivery"`

	functionError string
}

// ErrorInfo is the last error of an invocation.
type ErrorInfo struct {
	Kind         string `json:"kind"` // function | throttle | system
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

// Delivery says where the outcome went.
type Delivery struct {
	OnSuccess  *DeliveryTarget `json:"onSuccess"`
	OnFailure  *DeliveryTarget `json:"onFailure"`
	DeadLetter *DeliveryTarget `json:"deadLetter"`
}

// DeliveryTarget is one destination and its state: pending, delivered or
// failed.
type DeliveryTarget struct {
	ARN   string `json:"arn"`
	State string `json:"state"`
}

func (s *Status) terminal() bool {
	return s.Status == StatusSucceeded || s.Status == StatusFailed || s.Status == StatusExpired
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (d *Dispatcher) transition(ctx context.Context, st *Status, to string, now time.Time) {
	st.Status = to
	st.Revision++
	st.UpdatedAt = stamp(now)
	_ = d.saveStatus(ctx, st) // best effort: the queue item is the truth
}

// advance moves st to status to as a new revision and returns the batch
// that stores it, for the queue to commit with the outcome.
func (d *Dispatcher) advance(st *Status, to string, now time.Time) *store.Batch {
	st.Status = to
	st.Revision++
	st.UpdatedAt = stamp(now)
	data, err := json.Marshal(st)
	if err != nil {
		return nil
	}
	var b store.Batch
	b.Put(statusBucket, []byte(st.InvocationID), data)
	return &b
}

func (d *Dispatcher) saveStatus(ctx context.Context, st *Status) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	var b store.Batch
	b.Put(statusBucket, []byte(st.InvocationID), data)
	return d.env.Store.Apply(context.WithoutCancel(ctx), &b)
}

func (d *Dispatcher) loadStatus(ctx context.Context, id string) (*Status, error) {
	data, err := d.env.Store.Get(ctx, statusBucket, []byte(id))
	if err != nil {
		return nil, err
	}
	var st Status
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// Status returns the status document of an invocation, or an error
// wrapping store.ErrNotFound.
func (d *Dispatcher) Status(ctx context.Context, id string) (*Status, error) {
	st, err := d.loadStatus(ctx, id)
	if err == nil && d.retired(st) {
		d.forget(ctx, st)
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("lambda: invocation %s: %w", id, err)
	}
	return st, nil
}

// retired reports whether st ended more than StatusRetention ago.
func (d *Dispatcher) retired(st *Status) bool {
	if !st.terminal() {
		return false
	}
	ended, err := time.Parse(time.RFC3339Nano, st.UpdatedAt)
	return err == nil && d.env.Clock.Now().Sub(ended) > d.opts.StatusRetention
}

func (d *Dispatcher) forget(ctx context.Context, st *Status) {
	var b store.Batch
	b.Delete(statusBucket, []byte(st.InvocationID))
	_ = d.env.Store.Apply(context.WithoutCancel(ctx), &b) // best effort: read as gone anyway
}

// List returns every status document still kept, sorted by creation
// time.
func (d *Dispatcher) List(ctx context.Context) ([]*Status, error) {
	var out, old []*Status
	err := d.env.Store.Scan(ctx, statusBucket, nil, nil, func(k, v []byte) bool {
		var st Status
		if json.Unmarshal(v, &st) != nil {
			return true
		}
		if d.retired(&st) {
			old = append(old, &st)
		} else {
			out = append(out, &st)
		}
		return true
	})
	for _, st := range old {
		d.forget(ctx, st)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt < out[j].CreatedAt })
	return out, err
}
