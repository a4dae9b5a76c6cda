package queue_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// stallingScan is a shared store whose next queue scan stalls after the
// item it passes on, as a scan over a long listing does on a loaded
// machine (each held item it skips is two round trips).
type stallingScan struct {
	*jsstore.Store
	stall atomic.Int64 // nanoseconds, used once
}

func (s *stallingScan) Scan(ctx context.Context, bucket string, from, to []byte, fn func(k, v []byte) bool) error {
	return s.Store.Scan(ctx, bucket, from, to, func(k, v []byte) bool {
		more := fn(k, v)
		if d := s.stall.Swap(0); d > 0 && strings.HasPrefix(bucket, "queue/") {
			time.Sleep(time.Duration(d))
		}
		return more
	})
}

// TestClaimLapsedDuringScan: process A claims an item, then its scan
// stalls for two leases before it hands the item out; meanwhile process
// B takes the lapsed claim over and works the item. A must not work it
// too: it renews a claim that old before starting, and the renewal fails.
// (CI once saw an item worked by two live instances at once in
// TestClusterSharedQueue: a scan on a loaded 2-core machine outlived the
// lease of the first item it claimed.)
func TestClaimLapsedDuringScan(t *testing.T) {
	const lease = 400 * time.Millisecond
	url := testsupport.JetStreamURL(t)
	prefix := fmt.Sprintf("lapse%d", time.Now().UnixNano()) // fresh buckets for each -count
	open := func() *jsstore.Store {
		st, err := jsstore.Open(jsstore.Config{URL: url, Prefix: prefix, LeaseTTL: lease})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	slow := &stallingScan{Store: open()}
	var _ store.Claimer = slow // the queue must still see a shared store
	qa, err := queue.Open(kernel.Env{Store: slow}, "work")
	if err != nil {
		t.Fatal(err)
	}
	qb, err := queue.Open(kernel.Env{Store: open()}, "work")
	if err != nil {
		t.Fatal(err)
	}

	var (
		mu   sync.Mutex
		runs []delivery
	)
	handler := func(inst int) queue.Handler {
		return func(ctx context.Context, it queue.Item) queue.Outcome {
			start := time.Now()
			time.Sleep(2 * lease)
			mu.Lock()
			runs = append(runs, delivery{inst: inst, start: start, end: time.Now()})
			mu.Unlock()
			return queue.Outcome{}
		}
	}
	run := func(q *queue.Queue, inst int) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = q.Run(ctx, 1, handler(inst)) }()
		t.Cleanup(func() { cancel(); <-done })
	}

	ctx := context.Background()
	begin := time.Now()
	if err := qa.Enqueue(ctx, queue.Item{ID: "only"}); err != nil {
		t.Fatal(err)
	}
	slow.stall.Store(int64(2 * lease))
	run(qa, 0)
	testsupport.Within(t, 5*time.Second, "A claims the item", func() bool { return qa.Stats().Claimed.Load() == 1 })
	run(qb, 1)
	testsupport.Within(t, 10*time.Second, "the item is finished", func() bool {
		n, err := qa.Len(ctx)
		return err == nil && n == 0
	})

	time.Sleep(3 * lease) // a second run, had there been one, would end by now
	mu.Lock()
	defer mu.Unlock()
	var seen []string
	for _, r := range runs {
		seen = append(seen, fmt.Sprintf("%c %v-%v", 'A'+r.inst, r.start.Sub(begin).Round(time.Millisecond), r.end.Sub(begin).Round(time.Millisecond)))
	}
	t.Logf("runs %v; A: claimed %d, lost %d; B: claimed %d, took over %d", seen,
		qa.Stats().Claimed.Load(), qa.Stats().Lost.Load(), qb.Stats().Claimed.Load(), qb.Stats().TakenOver.Load())
	if len(runs) != 1 || runs[0].inst != 1 {
		t.Errorf("runs %v: want one, by B (A's claim lapsed before it could start)", seen)
	}
	if qa.Stats().Lost.Load() == 0 {
		t.Error("A did not count its lapsed claim as lost")
	}
	if qb.Stats().TakenOver.Load() != 1 {
		t.Errorf("B took over %d claims, want 1", qb.Stats().TakenOver.Load())
	}
}
