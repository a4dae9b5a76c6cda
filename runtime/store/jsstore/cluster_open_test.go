package jsstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/store"
)

// TestClusterBucketOpenRace: two instances start together, one creating
// a bucket (its first write) while the other looks it up. A lookup sent
// while the bucket's stream group is still forming can go unanswered,
// and two updates of the stream then stalled each other (both failed
// after 5 s); now the lookup is retried and only the creator turns
// direct gets off.
func TestClusterBucketOpenRace(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	cl := testsupport.StartCluster(t, 3)
	a, b := openOn(t, cl, 0), openOn(t, cl, 0)
	for i := 0; i < 8; i++ {
		name := fmt.Sprintf("race%d", i)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		took := make([]time.Duration, 2)
		wg.Add(2)
		go func() {
			defer wg.Done()
			start := time.Now()
			var bt store.Batch
			bt.Put(name, []byte("k"), []byte("v"))
			errs[0] = a.Apply(context.Background(), &bt)
			took[0] = time.Since(start)
		}()
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 3 * time.Millisecond)
			start := time.Now()
			_, errs[1] = b.Get(context.Background(), name, []byte("k"))
			if errors.Is(errs[1], store.ErrNotFound) {
				errs[1] = nil // looked up before it existed
			}
			took[1] = time.Since(start)
		}()
		wg.Wait()
		for j, err := range errs {
			if err != nil {
				t.Fatalf("%s: instance %d: %v after %v", name, j, err, took[j])
			}
		}
	}
	// Both read the bucket through its leader (direct gets off).
	var bt store.Batch
	bt.Put("race0", []byte("k"), []byte("w"))
	if err := a.Apply(context.Background(), &bt); err != nil {
		t.Fatal(err)
	}
	if v, err := b.Get(context.Background(), "race0", []byte("k")); err != nil || string(v) != "w" {
		t.Fatalf("B reads %q, %v right after A's write", v, err)
	}
}
