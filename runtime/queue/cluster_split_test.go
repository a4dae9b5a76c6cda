package queue_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// TestClusterSplit: two or three instances, no failure, items enqueued
// through all of them while they work: each takes a fair share. With
// three, items come in bursts (churn: the queue fills and drains over
// and over). An instance that just finished an item used to scan again at
// once and take the next ones first while the others waited for their
// poll, and instances starting together stalled 2–5 s on the claims
// bucket while one of them did everything.
func TestClusterSplit(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	for _, tc := range []struct {
		name             string
		instances, items int
		burst            int // items between pauses; 0: none
		minShare         int // each instance works at least items/minShare
	}{
		{"two", 2, 200, 0, 5},
		{"three-bursts", 3, 300, 30, 6}, // half a fair share
	} {
		t.Run(tc.name, func(t *testing.T) {
			split, took, starts := runSplit(t, tc.name, tc.instances, tc.items, tc.burst)
			t.Logf("split over %d instances: %v of %d (%v; first items worked at %v)", tc.instances, split, tc.items, took, starts)
			for i, n := range split {
				if n < int64(tc.items/tc.minShare) {
					t.Errorf("instance %d worked %d of %d: work not shared evenly (%v)", i, n, tc.items, split)
				}
			}
		})
	}
}

// runSplit opens n queues named "work" on one R3 store prefix, each with
// its own connection, enqueues items round-robin through them and waits
// for all to be worked (20 ms each, a delivery's round trip). It returns
// how many each worked, how long it took, and when each first worked one.
func runSplit(t *testing.T, prefix string, n, items, burst int) (split []int64, took time.Duration, starts []time.Duration) {
	cl := testsupport.StartCluster(t, 3)
	counts := make([]atomic.Int64, n)
	first := make([]atomic.Int64, n) // ns after begin
	begin := time.Now()
	qs := make([]*queue.Queue, n)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); wg.Wait() }()
	for i := range qs {
		st, err := jsstore.Open(jsstore.Config{URL: cl.URL(), Prefix: prefix, Replicas: 3, LeaseTTL: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if qs[i], err = queue.Open(kernel.Env{Store: st}, "work"); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = qs[i].Run(ctx, 4, func(ctx context.Context, it queue.Item) queue.Outcome {
				time.Sleep(20 * time.Millisecond)
				counts[i].Add(1)
				first[i].CompareAndSwap(0, int64(time.Since(begin)))
				return queue.Outcome{}
			})
		}()
	}
	for k := 0; k < items; k++ {
		if err := qs[k%n].Enqueue(context.Background(), queue.Item{ID: fmt.Sprintf("s-%04d", k)}); err != nil {
			t.Fatal(err)
		}
		if burst > 0 && k%burst == burst-1 {
			time.Sleep(100 * time.Millisecond) // the queue drains between bursts
		}
	}
	testsupport.Within(t, 60*time.Second, "every item worked", func() bool {
		sum := int64(0)
		for i := range counts {
			sum += counts[i].Load()
		}
		return sum >= int64(items)
	})
	for i := range counts {
		split = append(split, counts[i].Load())
		starts = append(starts, time.Duration(first[i].Load()).Round(time.Millisecond))
	}
	return split, time.Since(begin).Round(time.Millisecond), starts
}
