package jsstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// TestFollow: a follow starts with a Reset and no current value, then
// hears every later write and delete, by any process, in commit order.
func TestFollow(t *testing.T) {
	srv, err := testsupport.StartJetStream(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	open := func() *jsstore.Store {
		st, err := jsstore.Open(jsstore.Config{URL: srv.ClientURL(), Prefix: "f"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	a, b := open(), open()
	ctx := context.Background()
	put := func(st *jsstore.Store, k, v string) {
		var bt store.Batch
		if v == "" {
			bt.Delete("docs", []byte(k))
		} else {
			bt.Put("docs", []byte(k), []byte(v))
		}
		if err := st.Apply(ctx, &bt); err != nil {
			t.Fatal(err)
		}
	}
	put(a, "old", "before the follow")

	events := make(chan store.WatchEvent, 16)
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Follow(fctx, "docs", func(ev store.WatchEvent) { events <- ev }) }()
	var got []string
	next := func() store.WatchEvent {
		select {
		case ev := <-events:
			return ev
		case <-time.After(20 * time.Second):
			select {
			case err := <-done:
				t.Fatalf("Follow returned %v", err)
			default:
			}
			t.Fatalf("no follow event within 10 s (after %d)", len(got))
		}
		return store.WatchEvent{}
	}
	if ev := next(); !ev.Reset {
		t.Fatalf("first event %+v, want a Reset", ev)
	}
	// Writes by both processes, each delivered before the next is made,
	// then a burst: a write overwritten before it was delivered may be
	// skipped, but order holds and the last value of each key arrives.
	var lastRev uint64
	expect := func(want string) {
		t.Helper()
		for {
			ev := next()
			if ev.Reset || ev.Rev <= lastRev {
				t.Fatalf("event %+v after revision %d", ev, lastRev)
			}
			lastRev = ev.Rev
			kv := string(ev.Key) + "=" + string(ev.Val)
			got = append(got, kv)
			if kv == want {
				return
			}
		}
	}
	put(b, "k1", "v1")
	expect("k1=v1")
	put(a, "k1", "v2")
	expect("k1=v2")
	put(b, "k1", "")
	expect("k1=")
	if len(got) != 3 {
		t.Errorf("followed %q, want each write once", got)
	}
	for i := range 20 {
		put([]*jsstore.Store{a, b}[i%2], "k2", fmt.Sprint(i))
	}
	expect("k2=19")
	for _, kv := range got {
		if kv == "old=before the follow" {
			t.Errorf("a value written before the follow was delivered")
		}
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Follow returned %v after its context ended", err)
	}
}
