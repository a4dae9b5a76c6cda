package jsstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

func openOn(t *testing.T, cl *testsupport.Cluster, lease time.Duration) *jsstore.Store {
	t.Helper()
	st, err := jsstore.Open(jsstore.Config{URL: cl.URL(), Prefix: "t", Replicas: 3, LeaseTTL: lease})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestClusterClaimsAndQuorum: of two processes one holds a claim until it
// lapses, a finished claim is never taken again, and with two of three
// nodes gone writes fail as store.ErrUnavailable (nothing acknowledged)
// instead of hanging or succeeding.
func TestClusterClaimsAndQuorum(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	cl := testsupport.StartCluster(t, 3)
	const lease = time.Second
	a, b := openOn(t, cl, lease), openOn(t, cl, lease)
	ctx := context.Background()
	key := []byte("item-1")

	ca, ok, err := a.Claim(ctx, "q", key)
	if err != nil || !ok {
		t.Fatalf("A's first claim: ok=%v err=%v", ok, err)
	}
	if _, ok, err := b.Claim(ctx, "q", key); err != nil || ok {
		t.Fatalf("B took a live claim of A: ok=%v err=%v", ok, err)
	}
	if err := ca.Renew(ctx); err != nil {
		t.Fatalf("A renews: %v", err)
	}
	time.Sleep(lease + 200*time.Millisecond) // A "dies": no renewal
	cb, ok, err := b.Claim(ctx, "q", key)
	if err != nil || !ok || !cb.TookOver() {
		t.Fatalf("B after the lease lapsed: ok=%v err=%v", ok, err)
	}
	if err := ca.Renew(ctx); err == nil {
		t.Fatal("A renewed a claim B had taken over")
	}
	if err := cb.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(lease + 200*time.Millisecond)
	if _, ok, err := a.Claim(ctx, "q", key); err != nil || ok {
		t.Fatalf("A took a finished item: ok=%v err=%v", ok, err)
	}

	// No quorum: a write is refused as retryable, within its deadline.
	var bt store.Batch
	bt.Put("data", []byte("k"), []byte("v"))
	if err := a.Apply(ctx, &bt); err != nil {
		t.Fatal(err)
	}
	cl.Stop(1)
	cl.Stop(2)
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	start := time.Now()
	bt = store.Batch{}
	bt.Put("data", []byte("k"), []byte("v2"))
	err = a.Apply(wctx, &bt)
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("write without quorum: %v, want store.ErrUnavailable", err)
	}
	t.Logf("write without quorum refused after %v: %v", time.Since(start).Round(time.Millisecond), err)
}
