package jsstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/store"
)

// TestClusterDurableBuckets: with Replicas 3 every stream the store makes
// (a data bucket, and the claims bucket of a queue) is file-stored,
// replicated on the three nodes, and read through its leader (no direct
// gets, which a lagging replica may answer); the test cluster fsyncs
// before acknowledging (sync_interval: always), as docs/deployment.md asks
// of production.
func TestClusterDurableBuckets(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	cl := testsupport.StartCluster(t, 3)
	for i, n := range cl.Nodes {
		if !n.JetStreamConfig().SyncAlways {
			t.Errorf("node %d does not fsync before acknowledging", i)
		}
	}
	st := openOn(t, cl, 2*time.Second)
	ctx := context.Background()
	var b store.Batch
	b.Put("queue/work", []byte("k"), []byte("v"))
	if err := st.Apply(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.Claim(ctx, "queue/work", []byte("k")); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}

	nc, err := nats.Connect(cl.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for names := js.StreamNames(ctx); ; {
		name, ok := <-names.Name()
		if !ok {
			break
		}
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		info := s.CachedInfo()
		c := info.Config
		if c.Replicas != 3 || c.Storage != jetstream.FileStorage || c.AllowDirect {
			t.Errorf("stream %s: replicas %d, storage %v, direct gets %v; want 3, file, off", name, c.Replicas, c.Storage, c.AllowDirect)
		}
		if info.Cluster == nil || info.Cluster.Leader == "" || len(info.Cluster.Replicas) != 2 {
			t.Errorf("stream %s is not placed on three nodes: %+v", name, info.Cluster)
		}
		seen++
	}
	if seen != 2 {
		t.Errorf("%d streams, want 2 (the data bucket and its claims)", seen)
	}
}
