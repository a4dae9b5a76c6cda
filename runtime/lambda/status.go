package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

const statusBucket = "lambda-status"

// maxStatusResult is the largest result a status document holds (docs/semantics/runtime.md §7.1).
const maxStatusResult = 64 << 10

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

	// Previous is the status this revision left ("" at revision 1) and
	// Record the invocation record once terminal, when it fits in
	// maxSharedRecord and the store is shared: they are stored with the
	// document so that the other instances following the status bucket can
	// tell of the transition as the instance that made it can (runtime.md
	// §7.4, §7.5). They are not part of the document clients see.
	Previous string          `json:"previousStatus,omitempty"`
	Record   json.RawMessage `json:"record,omitempty"`

	functionError string
	record        []byte // the invocation record, once terminal
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
	// Callback is the invocation's webhook (patternc's client status API,
	// runtime.md §7.4); the status API keeps its state.
	Callback *Callback `json:"callback,omitempty"`
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
	prev := st.Status
	st.Status, st.Previous = to, prev
	st.Revision++
	st.UpdatedAt = stamp(now)
	if d.saveStatus(ctx, st) == nil { // best effort: the queue item is the truth
		d.announce(prev, st)
	}
}

// advance moves st to status to as a new revision and returns the batch
// that stores it, for the queue to commit with the outcome, and what to
// call once it is committed (observers hear of transitions only then; a
// change that keeps the status is not a transition and is not announced).
func (d *Dispatcher) advance(st *Status, to string, now time.Time) (*store.Batch, func()) {
	prev := st.Status
	if prev != to {
		st.Previous = prev
	}
	st.Status = to
	st.Revision++
	st.UpdatedAt = stamp(now)
	data, err := json.Marshal(st)
	if err != nil {
		return nil, nil
	}
	var b store.Batch
	b.Put(statusBucket, []byte(st.InvocationID), data)
	if prev == to {
		return &b, nil
	}
	snap := *st
	return &b, func() { d.announce(prev, &snap) }
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
