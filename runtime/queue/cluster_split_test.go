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

// TestClusterSplitThree: three instances, no failure, items enqueued
// through all of them in bursts while they work (churn: the queue fills
// and drains over and over): each takes a fair share. An instance that
// just finished an item used to scan again at once and take the next
// ones first, while the others waited for their poll.
func TestClusterSplitThree(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	const (
		instances = 3
		items     = 300
	)
	cl := testsupport.StartCluster(t, 3)
	var counts [instances]atomic.Int64
	var first [instances]atomic.Int64 // when each instance first worked an item, ns after begin
	begin := time.Now()
	var qs [instances]*queue.Queue
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); wg.Wait() }()
	for i := range qs {
		st, err := jsstore.Open(jsstore.Config{URL: cl.URL(), Prefix: "split3", Replicas: 3, LeaseTTL: 2 * time.Second})
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
				time.Sleep(20 * time.Millisecond) // a delivery's round trip
				counts[i].Add(1)
				first[i].CompareAndSwap(0, int64(time.Since(begin)))
				return queue.Outcome{}
			})
		}()
	}
	for n := 0; n < items; n++ {
		if err := qs[n%instances].Enqueue(context.Background(), queue.Item{ID: fmt.Sprintf("s-%04d", n)}); err != nil {
			t.Fatal(err)
		}
		if n%30 == 29 {
			time.Sleep(100 * time.Millisecond) // bursts: the queue drains between them
		}
	}
	testsupport.Within(t, 60*time.Second, "every item worked", func() bool {
		sum := int64(0)
		for i := range counts {
			sum += counts[i].Load()
		}
		return sum >= items
	})
	split := make([]int64, instances)
	for i := range counts {
		split[i] = counts[i].Load()
	}
	var starts []time.Duration
	for i := range first {
		starts = append(starts, time.Duration(first[i].Load()).Round(time.Millisecond))
	}
	t.Logf("split over %d instances: %v of %d (%v; first items worked at %v)", instances, split, items, time.Since(begin).Round(time.Millisecond), starts)
	for i, n := range split {
		if n < items/6 { // half a fair share
			t.Errorf("instance %d worked %d of %d: work not shared evenly (%v)", i, n, items, split)
		}
	}
}
