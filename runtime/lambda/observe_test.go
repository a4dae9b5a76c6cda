package lambda

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
)

// TestObserve: observers hear every transition once, after commit, in
// revision order, with the record on the terminal one.
func TestObserve(t *testing.T) {
	r := newRig(t, testsupport.Bolt())
	var mu sync.Mutex
	var seen []Change
	r.d.Observe(func(c Change) {
		mu.Lock()
		seen = append(seen, c)
		mu.Unlock()
	})
	calls := 0
	r.d.Register("flaky", func(ctx context.Context, p []byte) ([]byte, error) {
		calls++
		if calls == 1 {
			return nil, errors.New("first try fails")
		}
		return []byte(`"ok"`), nil
	}, FunctionOptions{})
	id, err := r.d.Invoke(context.Background(), "flaky", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	r.settle(t, id, StatusSucceeded)
	// The last change is announced just after its commit, which settle
	// may see first.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		if n >= 5 {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"/queued", "queued/running", "running/retrying", "retrying/running", "running/succeeded"}
	if len(seen) != len(want) {
		t.Fatalf("saw %d changes, want %d: %+v", len(seen), len(want), seen)
	}
	for i, c := range seen {
		if got := c.Previous + "/" + c.Status.Status; got != want[i] || c.Status.Revision != i+1 {
			t.Errorf("change %d = %s rev %d, want %s rev %d", i, got, c.Status.Revision, want[i], i+1)
		}
	}
	if last := seen[len(seen)-1]; len(last.Record) == 0 || seen[0].Record != nil {
		t.Errorf("record: terminal %q, first %q", last.Record, seen[0].Record)
	}
}

func TestIdempotencyKey(t *testing.T) {
	r := newRig(t, testsupport.Bolt())
	r.d.Register("f", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, FunctionOptions{})
	ctx := context.Background()
	opt := InvokeOptions{IdempotencyKey: "order-1"}
	id1, replay, err := r.d.InvokeWith(ctx, "f", []byte(`{"a":1}`), opt)
	if err != nil || replay {
		t.Fatal(err, replay)
	}
	id2, replay, err := r.d.InvokeWith(ctx, "f", []byte(`{"a":1}`), opt)
	if err != nil || !replay || id2 != id1 {
		t.Errorf("replay: %s %v %v (want %s)", id2, replay, err, id1)
	}
	_, _, err = r.d.InvokeWith(ctx, "f", []byte(`{"a":2}`), opt)
	var ke *kernel.Error
	if !errors.As(err, &ke) || ke.Code != "IdempotencyKeyConflict" || ke.HTTPStatus != 409 {
		t.Errorf("conflict: %v", err)
	}
	if id3, replay, _ := r.d.InvokeWith(ctx, "f", []byte(`{"a":1}`), InvokeOptions{IdempotencyKey: "order-2"}); replay || id3 == id1 {
		t.Error("another key replayed")
	}
}
