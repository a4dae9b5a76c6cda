package lambda

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

// Change is one committed transition of an invocation's status
// (runtime.md §7.1), as observers hear of it.
type Change struct {
	Previous string // "" for the first revision (queued)
	Status   Status // the document at this revision
	// Record is the invocation record (§6.4) once the status is terminal.
	Record json.RawMessage
}

// Observe adds fn to the functions told of every transition, after it is
// committed to the store, in revision order for each invocation. fn runs
// on the dispatcher's goroutines and must not block.
func (d *Dispatcher) Observe(fn func(Change)) {
	for {
		old := d.observers.Load()
		var next []func(Change)
		if old != nil {
			next = append(next, *old...)
		}
		next = append(next, fn)
		if d.observers.CompareAndSwap(old, &next) {
			return
		}
	}
}

func (d *Dispatcher) announce(prev string, st *Status) {
	obs := d.observers.Load()
	if obs == nil {
		return
	}
	c := Change{Previous: prev, Status: *st}
	if st.record != nil {
		c.Record = json.RawMessage(st.record)
	}
	for _, fn := range *obs {
		fn(c)
	}
}

// InvokeOptions are the client status API's additions to an async invoke
// (runtime.md §7.2).
type InvokeOptions struct {
	CallbackURL    string // X-Patternc-Callback-Url
	CallbackEvents string // "terminal" (default) or "all"
	IdempotencyKey string // Idempotency-Key, ≤ 128 characters
}

// Callback is an invocation's webhook and the state of its delivery.
type Callback struct {
	URL    string `json:"url"`
	State  string `json:"state"`            // pending | delivered | failed
	Events string `json:"events,omitempty"` // terminal (default) | all
}

const idempotencyBucket = "lambda-idempotency"

type idempotencyRecord struct {
	InvocationID string    `json:"invocationId"`
	PayloadHash  string    `json:"payloadHash"`
	Expires      time.Time `json:"expires"`
}

func idempotencyKey(function, key string) []byte { return []byte(function + "\x00" + key) }

func payloadHash(p []byte) string {
	h := sha256.Sum256(p)
	return hex.EncodeToString(h[:])
}

// checkIdempotency looks the key up: the original id when the payload is
// the same and the record has not expired, conflict when it differs.
func (d *Dispatcher) checkIdempotency(ctx context.Context, function, key string, payload []byte, now time.Time) (orig string, conflict bool, err error) {
	data, err := d.env.Store.Get(ctx, idempotencyBucket, idempotencyKey(function, key))
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	var r idempotencyRecord
	if json.Unmarshal(data, &r) != nil || now.After(r.Expires) {
		return "", false, nil
	}
	if r.PayloadHash == payloadHash(payload) {
		return r.InvocationID, false, nil
	}
	return "", true, nil
}

func (d *Dispatcher) recordIdempotency(b *store.Batch, function, key string, payload []byte, id string, expires time.Time) {
	data, _ := json.Marshal(idempotencyRecord{InvocationID: id, PayloadHash: payloadHash(payload), Expires: expires})
	b.Put(idempotencyBucket, idempotencyKey(function, key), data)
}
