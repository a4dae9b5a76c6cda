package events

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// TestWatch: a watcher hears of each routed event with the rules it
// matched and their targets, then of each delivery as it is retried and
// as it settles, with the attempts made.
func TestWatch(t *testing.T) {
	h := start(t, testsupport.Bolt().Open(t, t.TempDir()), clock.NewFake(t0))
	var mu sync.Mutex
	var got []Activity
	stop := h.svc.Watch(func(a Activity) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, a)
	})
	var calls atomic.Int32
	h.svc.RegisterHandler("arn:aws:lambda:us-east-1:000000000000:function:f", func(ctx context.Context, p []byte) error {
		if calls.Add(1) == 1 {
			return errors.New("try again")
		}
		return nil
	})
	mustRule(t, h.svc, "default", "r", `{"source":["a"]}`, Target{ID: "t1", Arn: "arn:aws:lambda:us-east-1:000000000000:function:f"})
	mustRule(t, h.svc, "default", "other", `{"source":["b"]}`)
	out := put(t, h.svc, Entry{Source: "a", DetailType: "d", Detail: `{}`}, Entry{Source: "z", DetailType: "d", Detail: `{}`})
	id := out.Entries[0].EventId
	eventually(t, h.clk, 500*time.Millisecond, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= 4
	})
	stop()
	mu.Lock()
	defer mu.Unlock()
	if a := got[0]; a.Kind != "event" || a.EventID != id || a.Source != "a" || a.DetailType != "d" || len(a.Rules) != 1 || a.Rules[0].Rule != "r" || len(a.Rules[0].Targets) != 1 || a.Rules[0].Targets[0] != "t1" {
		t.Errorf("first: %+v", a)
	}
	if a := got[1]; a.Kind != "event" || a.EventID != out.Entries[1].EventId || len(a.Rules) != 0 {
		t.Errorf("second (matches nothing): %+v", a)
	}
	var states []string
	for _, a := range got[2:] {
		if a.Kind != "delivery" || a.EventID != id || a.Rule != "r" || a.Target != "t1" {
			t.Errorf("delivery: %+v", a)
		}
		states = append(states, a.State)
		if a.State == "retrying" && (a.Attempt != 1 || a.Error == "") {
			t.Errorf("retrying: %+v", a)
		}
		if a.State == "delivered" && a.Attempt != 2 {
			t.Errorf("delivered: %+v", a)
		}
	}
	if len(states) != 2 || states[0] != "retrying" || states[1] != "delivered" {
		t.Errorf("delivery states %v, want [retrying delivered]", states)
	}
}
