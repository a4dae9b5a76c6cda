package testsupport

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// SharedEngine is an Engine whose stores all open one bucket prefix on
// cluster c, R3: each store is one more serve instance of the same
// deployment.
func SharedEngine(c *Cluster, prefix string) Engine {
	return Engine{Name: "cluster", Open: func(t testing.TB, dir string) store.Store {
		st, err := jsstore.Open(jsstore.Config{URL: c.URL(), Prefix: prefix, Replicas: 3})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}}
}

// Propagation collects how long writes through one instance took to be
// seen by another.
type Propagation struct {
	delays []time.Duration
}

// Await polls seen (every millisecond) from start until it holds, and
// records the delay; it fails the test after 10 s.
func (p *Propagation) Await(t testing.TB, what string, start time.Time, seen func() bool) {
	t.Helper()
	for !seen() {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("%s: not seen by the other instance after 10 s", what)
		}
		time.Sleep(time.Millisecond)
	}
	p.delays = append(p.delays, time.Since(start))
}

// Report logs n, p50, p99 and the maximum under name.
func (p *Propagation) Report(t testing.TB, name string) {
	t.Helper()
	if len(p.delays) == 0 {
		t.Fatalf("%s: nothing measured", name)
	}
	d := append([]time.Duration(nil), p.delays...)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	q := func(f float64) time.Duration { return d[int(f*float64(len(d)-1))].Round(10 * time.Microsecond) }
	t.Logf("propagation %s: n=%d p50=%v p99=%v max=%v (the write on R3 included)", name, len(d), q(0.5), q(0.99), d[len(d)-1].Round(10*time.Microsecond))
}

// Serve runs run (a service's Run loop) until the test ends, and waits
// for it to return then.
func Serve(t testing.TB, run func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}
