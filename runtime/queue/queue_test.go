package queue

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
)

// TestQueue runs against both engines: delivery, delayed retries on the
// fake clock, and redelivery of in-flight items after a restart.
func TestQueue(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			st := e.Open(t, dir)
			clk := clock.NewFake(time.Date(2024, 6, 15, 10, 0, 0, 0, time.UTC))
			q, err := Open(kernel.Env{Store: st, Clock: clk}, "work")
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			seen := map[string][]int{}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() {
				done <- q.Run(ctx, 3, func(ctx context.Context, it Item) Outcome {
					mu.Lock()
					seen[string(it.Payload)] = append(seen[string(it.Payload)], it.Attempt)
					mu.Unlock()
					if string(it.Payload) == "flaky" && it.Attempt < 2 {
						return Outcome{Retry: true, RetryAt: clk.Now().Add(time.Minute)}
					}
					return Outcome{}
				})
			}()
			var items []Item
			for i := 0; i < 10; i++ {
				items = append(items, Item{Payload: []byte(fmt.Sprint("job", i))})
			}
			items = append(items, Item{Payload: []byte("flaky")}, Item{Payload: []byte("later"), Due: clk.Now().Add(1000 * time.Hour)})
			if err := q.Enqueue(context.Background(), items...); err != nil {
				t.Fatal(err)
			}
			count := func(p string) int { mu.Lock(); defer mu.Unlock(); return len(seen[p]) }
			testsupport.Eventually(t, "ten jobs and the first flaky attempt", func() bool {
				for i := 0; i < 10; i++ {
					if count(fmt.Sprint("job", i)) != 1 {
						return false
					}
				}
				return count("flaky") == 1
			})
			if count("later") != 0 {
				t.Fatal("an item ran before its due time")
			}
			// The retry waits for its minute on the fake clock. The handler
			// reads the clock after it records the attempt, so step the
			// clock a minute at a time until the next attempt shows.
			step := func(what string, n int) {
				testsupport.Eventually(t, what, func() bool {
					if count("flaky") >= n {
						return true
					}
					if clk.Waiters() > 0 {
						clk.Advance(time.Minute)
					}
					return false
				})
			}
			step("second attempt", 2)
			step("third attempt", 3)
			mu.Lock()
			if fmt.Sprint(seen["flaky"]) != "[0 1 2]" {
				t.Fatalf("attempts %v", seen["flaky"])
			}
			mu.Unlock()
			testsupport.Eventually(t, "queue drained but for the later item", func() bool { n, _ := q.Len(context.Background()); return n == 1 })
			cancel()
			if err := <-done; err != context.Canceled {
				t.Fatalf("Run returned %v", err)
			}
			// Restart on the same store: the later item survives and runs.
			st.Close()
			st = e.Open(t, dir)
			defer st.Close()
			q, _ = Open(kernel.Env{Store: st, Clock: clk}, "work")
			clk.Advance(2000 * time.Hour)
			got := make(chan string, 1)
			ctx, cancel = context.WithCancel(context.Background())
			defer cancel()
			go q.Run(ctx, 1, func(ctx context.Context, it Item) Outcome { got <- string(it.Payload); return Outcome{} })
			select {
			case p := <-got:
				if p != "later" {
					t.Fatalf("after restart got %q", p)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the stored item was not delivered after restart")
			}
		})
	}
}

// TestInFlightSurvivesCrash: an item whose handler never finished (the
// process died) is handed out again by a new queue on the same store.
func TestInFlightSurvivesCrash(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			st := e.Open(t, dir)
			q, _ := Open(kernel.Env{Store: st}, "crash")
			q.Enqueue(context.Background(), Item{ID: "a", Payload: []byte("x")}, Item{ID: "b", Payload: []byte("y")})
			started := make(chan string, 2)
			block := make(chan struct{})
			ctx, cancel := context.WithCancel(context.Background())
			go q.Run(ctx, 2, func(ctx context.Context, it Item) Outcome {
				started <- it.ID
				<-block // never finishes before the "crash"
				return Outcome{}
			})
			<-started
			<-started
			// Crash: a second queue on the same store (as after a restart)
			// sees both items still there.
			q2, _ := Open(kernel.Env{Store: st}, "crash")
			var ids []string
			ctx2, cancel2 := context.WithCancel(context.Background())
			got := make(chan string, 2)
			go q2.Run(ctx2, 2, func(ctx context.Context, it Item) Outcome { got <- it.ID; return Outcome{} })
			ids = append(ids, <-got, <-got)
			sort.Strings(ids)
			if fmt.Sprint(ids) != "[a b]" {
				t.Fatalf("redelivered %v", ids)
			}
			cancel2()
			close(block)
			cancel()
			st.Close()
		})
	}
}

// TestExtraOps: EnqueueWith and Outcome.Extra commit the caller's records
// with the queue's own ops.
func TestExtraOps(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			st := e.Open(t, t.TempDir())
			defer st.Close()
			q, _ := Open(kernel.Env{Store: st}, "extra")
			ctx, cancel := context.WithCancel(context.Background())
			var with store.Batch
			with.Put("records", []byte("job"), []byte("queued"))
			if err := q.EnqueueWith(ctx, &with, Item{ID: "job", Payload: []byte("x")}); err != nil {
				t.Fatal(err)
			}
			if v, err := st.Get(ctx, "records", []byte("job")); err != nil || string(v) != "queued" {
				t.Fatalf("after EnqueueWith: %q %v", v, err)
			}
			done := make(chan error)
			go func() {
				done <- q.Run(ctx, 1, func(ctx context.Context, it Item) Outcome {
					var b store.Batch
					b.Put("records", []byte(it.ID), []byte("done"))
					return Outcome{Extra: &b}
				})
			}()
			testsupport.Eventually(t, "the queue to drain", func() bool { n, _ := q.Len(ctx); return n == 0 })
			cancel()
			<-done
			if v, err := st.Get(context.Background(), "records", []byte("job")); err != nil || string(v) != "done" {
				t.Fatalf("after the outcome: %q %v", v, err)
			}
		})
	}
}

// TestPurge: the queue empties its own storage (a topic purges a removed
// subscription's deliveries this way, instead of writing into the queue's
// bucket itself).
func TestPurge(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			st := e.Open(t, t.TempDir())
			defer st.Close()
			ctx := context.Background()
			q, _ := Open(kernel.Env{Store: st}, "purge")
			other, _ := Open(kernel.Env{Store: st}, "other")
			for i := range 5 {
				if err := q.Enqueue(ctx, Item{Payload: []byte{byte(i)}, Due: time.Now().Add(time.Duration(i) * time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := other.Enqueue(ctx, Item{Payload: []byte("keep")}); err != nil {
				t.Fatal(err)
			}
			if err := q.Purge(ctx); err != nil {
				t.Fatal(err)
			}
			if n, err := q.Len(ctx); err != nil || n != 0 {
				t.Fatalf("after Purge: %d items, %v", n, err)
			}
			if n, _ := other.Len(ctx); n != 1 {
				t.Fatalf("Purge reached another queue: %d items left there", n)
			}
			if err := q.Purge(ctx); err != nil {
				t.Fatalf("Purge of an empty queue: %v", err)
			}
		})
	}
}
