package queue_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// delivery is one handler run: which instance, when it began and ended.
type delivery struct {
	inst       int
	start, end time.Time
}

// TestClusterSharedQueue runs one queue on three instances (each its own
// JetStream connection, as three serve processes have) over a 3-node R3
// cluster with file storage, enqueues through all of them, then cuts one
// instance off mid-work (its connection dies and it never renews or
// settles its claims, as after kill -9) and stops one NATS node. Every
// acknowledged item must be worked at least once, never by two live
// instances at the same time, and the dead instance's claims must be
// taken over once their lease lapses.
func TestClusterSharedQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test: seconds of fsyncs on three nodes")
	}
	const (
		instances = 3
		items     = 300
		lease     = 2 * time.Second
		victim    = 0
	)
	cl := testsupport.StartCluster(t, 3)
	var (
		mu        sync.Mutex
		delivered = map[string][]delivery{}
		dead      atomic.Bool
	)
	type inst struct {
		st     *jsstore.Store
		q      *queue.Queue
		cancel context.CancelFunc
		done   chan struct{}
	}
	var ins []*inst
	for i := 0; i < instances; i++ {
		st, err := jsstore.Open(jsstore.Config{URL: cl.URL(), Prefix: "scale", Replicas: 3, LeaseTTL: lease})
		if err != nil {
			t.Fatal(err)
		}
		q, err := queue.Open(kernel.Env{Store: st}, "work")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		in := &inst{st: st, q: q, cancel: cancel, done: make(chan struct{})}
		ins = append(ins, in)
		i := i
		go func() {
			defer close(in.done)
			_ = q.Run(ctx, 4, func(ctx context.Context, it queue.Item) queue.Outcome {
				start := time.Now()
				time.Sleep(time.Duration(2+rand.IntN(8)) * time.Millisecond)
				if i == victim && dead.Load() {
					// Killed mid-work: nothing recorded, nothing settled.
					<-ctx.Done()
					return queue.Outcome{}
				}
				mu.Lock()
				delivered[it.ID] = append(delivered[it.ID], delivery{inst: i, start: start, end: time.Now()})
				mu.Unlock()
				return queue.Outcome{}
			})
		}()
	}
	t.Cleanup(func() {
		for _, in := range ins {
			in.cancel()
			<-in.done
			in.st.Close()
		}
	})

	begin := time.Now()
	var acked []string
	for n := 0; n < items; n++ {
		id := fmt.Sprintf("item-%04d", n)
		switch n {
		case items / 3:
			dead.Store(true)
			_ = ins[victim].st.Close() // kill -9: the connection goes, claims stay
		case 2 * items / 3:
			cl.Stop(2) // one NATS node down: R3 keeps its quorum
		}
		from := ins[n%instances]
		if n%instances == victim && dead.Load() {
			from = ins[1]
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := from.q.Enqueue(ctx, queue.Item{ID: id})
		cancel()
		if err == nil {
			acked = append(acked, id) // only acknowledged items are owed
		}
	}
	enqueued := time.Since(begin)

	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		missing := 0
		for _, id := range acked {
			if len(delivered[id]) == 0 {
				missing++
			}
		}
		mu.Unlock()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged items never delivered", missing, len(acked))
		}
		time.Sleep(100 * time.Millisecond)
	}

	mu.Lock()
	defer mu.Unlock()
	split := make([]int, instances)
	dups := 0
	for id, ds := range delivered {
		for _, d := range ds {
			split[d.inst]++
		}
		if len(ds) > 1 {
			dups += len(ds) - 1
		}
		sort.Slice(ds, func(a, b int) bool { return ds[a].start.Before(ds[b].start) })
		for a := 1; a < len(ds); a++ {
			p, c := ds[a-1], ds[a]
			if p.inst != victim && c.inst != victim && c.start.Before(p.end) {
				t.Errorf("%s worked by live instances %d and %d at once", id, p.inst, c.inst)
			}
		}
	}
	var took, claimed, contended int64
	for _, in := range ins {
		took += in.q.Stats().TakenOver.Load()
		claimed += in.q.Stats().Claimed.Load()
		contended += in.q.Stats().Contended.Load()
	}
	t.Logf("N=%d acknowledged of %d, all delivered in %v (enqueue %v); split per instance %v (instance %d killed at item %d); duplicates %d; lease take-overs %d; claims %d, skipped as held/finished %d",
		len(acked), items, time.Since(begin).Round(time.Millisecond), enqueued.Round(time.Millisecond), split, victim, items/3, dups, took, claimed, contended)
	for i := 1; i < instances; i++ {
		if split[i] == 0 {
			t.Errorf("live instance %d worked nothing: work is not shared (split %v)", i, split)
		}
	}
	if len(acked) < items*9/10 {
		t.Errorf("only %d of %d enqueues acknowledged while the cluster kept its quorum", len(acked), items)
	}
}
