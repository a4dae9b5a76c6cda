package jsstore_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// TestClusterClaimRace: four processes (a process claims a key from one
// goroutine at a time, as queues and publish locks do) claim and release
// one key over and over on an R3 bucket, the first claims creating the
// claims bucket together (what FIFO publishes of one topic do through
// several instances). A lost race is "not claimed", never
// an error: replicated streams report a compare-and-set conflict with
// their own code, also when the claim is created over a released (deleted)
// key. At most one holder at any time.
func TestClusterClaimRace(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	cl := testsupport.StartCluster(t, 3)
	var holders, taken, lost, errs atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(3 * time.Second)
	for range 4 {
		st := openOn(t, cl, 5*time.Second)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for time.Now().Before(deadline) {
				c, ok, err := st.Claim(ctx, "locks", []byte("topic"))
				switch {
				case err != nil:
					errs.Add(1)
					t.Errorf("claim: %v", err)
					return
				case !ok:
					lost.Add(1)
					continue
				}
				if holders.Add(1) != 1 {
					t.Error("two holders at once")
				}
				taken.Add(1)
				time.Sleep(time.Millisecond)
				holders.Add(-1)
				if err := c.Release(ctx); err != nil {
					t.Errorf("release: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("claims taken %d, races lost %d, errors %d", taken.Load(), lost.Load(), errs.Load())
	if taken.Load() == 0 || lost.Load() == 0 {
		t.Errorf("no contention: taken %d, lost %d", taken.Load(), lost.Load())
	}
}
