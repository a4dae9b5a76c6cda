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

// TestClusterOrderedQueue runs one ordered queue (a FIFO subscription) on
// two instances over a 3-node R3 cluster and kills the instance that owns
// it mid-stream: every item is delivered, first deliveries come in
// enqueue order, and the survivor takes ownership over after the lease.
func TestClusterOrderedQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	const (
		items = 120
		lease = 2 * time.Second
	)
	cl := testsupport.StartCluster(t, 3)
	var (
		mu    sync.Mutex
		log   []string // ids in delivery order, "inst:id"
		first = map[string]int{}
		owner atomic.Int32
		dead  [2]atomic.Bool
	)
	var qs [2]*queue.Queue
	var sts [2]*jsstore.Store
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	for i := range qs {
		st, err := jsstore.Open(jsstore.Config{URL: cl.URL(), Prefix: "ordered", Replicas: 3, LeaseTTL: lease})
		if err != nil {
			t.Fatal(err)
		}
		q, err := queue.Open(kernel.Env{Store: st}, "fifo")
		if err != nil {
			t.Fatal(err)
		}
		sts[i], qs[i] = st, q
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = q.RunOrdered(ctx, func(ctx context.Context, it queue.Item) queue.Outcome {
				if dead[i].Load() {
					<-ctx.Done()
					return queue.Outcome{}
				}
				time.Sleep(3 * time.Millisecond)
				mu.Lock()
				log = append(log, fmt.Sprintf("%d:%s", i, it.ID))
				if _, ok := first[it.ID]; !ok {
					first[it.ID] = len(log) - 1
				}
				mu.Unlock()
				owner.Store(int32(i))
				return queue.Outcome{}
			})
		}()
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		for _, st := range sts {
			st.Close()
		}
	})
	begin := time.Now()
	killed := -1
	for n := 0; n < items; n++ {
		if n == items/2 {
			killed = int(owner.Load())
			dead[killed].Store(true)
			_ = sts[killed].Close() // kill -9 of the owner
		}
		from := qs[n%2]
		if n%2 == killed {
			from = qs[1-killed]
		}
		if err := from.Enqueue(context.Background(), queue.Item{ID: fmt.Sprintf("m-%04d", n)}); err != nil {
			t.Fatal(err)
		}
	}
	testsupport.Within(t, 60*time.Second, "every item delivered", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(first) == items
	})
	mu.Lock()
	defer mu.Unlock()
	for n := 1; n < items; n++ {
		a, b := fmt.Sprintf("m-%04d", n-1), fmt.Sprintf("m-%04d", n)
		if first[a] > first[b] {
			t.Fatalf("%s first delivered after %s: order broken (log %v)", a, b, log)
		}
	}
	var took int64
	for _, q := range qs {
		took += q.Stats().TakenOver.Load()
	}
	t.Logf("ordered: N=%d in %v, deliveries %d (duplicates %d), owner %d killed at item %d, take-overs %d",
		items, time.Since(begin).Round(time.Millisecond), len(log), len(log)-items, killed, items/2, took)
	if took == 0 {
		t.Error("the killed owner's lease was never taken over")
	}
}
