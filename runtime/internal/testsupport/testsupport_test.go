package testsupport

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/patternc/patternc/runtime/store"
)

func TestMain(m *testing.M) { Main(m) }

func TestEnginesPersist(t *testing.T) {
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			st := e.Open(t, dir)
			var b = batch("k", "v")
			if err := st.Apply(context.Background(), b); err != nil {
				t.Fatal(err)
			}
			st.Close()
			st = e.Open(t, dir)
			defer st.Close()
			if v, err := st.Get(context.Background(), "b", []byte("k")); err != nil || string(v) != "v" {
				t.Fatalf("after reopen: %q, %v", v, err)
			}
		})
	}
	if js.dir == "" {
		t.Fatal("the JetStream engine did not start its server")
	}
	if _, err := os.Stat(js.dir); err != nil {
		t.Fatalf("server directory: %v", err)
	}
}

// TestStopJetStreamRemovesDirectory: the directory of the binary's server
// does not outlive the binary (it used to, one per test binary run).
func TestStopJetStreamRemovesDirectory(t *testing.T) {
	if _, err := jetStreamURL(); err != nil {
		t.Fatal(err)
	}
	dir := js.dir
	stopJetStream()
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s still there after stopJetStream: %v", dir, err)
	}
	// Main's own stop finds nothing left, and a later test (-count=2)
	// starts a fresh server rather than dialing the stopped one.
	js.srv, js.dir, js.url, js.err = nil, "", "", nil
	js.once = sync.Once{}
}

func TestRecorder(t *testing.T) {
	r := &Recorder{Fail: func(n int) error {
		if n == 0 {
			return errors.New("first fails")
		}
		return nil
	}}
	if err := r.Handle(context.Background(), []byte("a")); err == nil {
		t.Fatal("first call should fail")
	}
	if err := r.Handle(context.Background(), []byte("b")); err != nil {
		t.Fatal(err)
	}
	if m := r.Messages(); len(m) != 2 || string(m[1].Body) != "b" {
		t.Fatalf("%v", m)
	}
}

func batch(k, v string) *store.Batch {
	var b store.Batch
	b.Put("b", []byte(k), []byte(v))
	return &b
}

func TestDrive(t *testing.T) {
	var mu sync.Mutex
	seen := map[int64]int{}
	err := Drive(103, 4, 10, func(first, end int64) error {
		mu.Lock()
		defer mu.Unlock()
		for i := first; i < end; i++ {
			seen[i]++
		}
		return nil
	})
	if err != nil || len(seen) != 103 {
		t.Fatalf("%d indexes, %v", len(seen), err)
	}
	for i, n := range seen {
		if n != 1 || i < 0 || i >= 103 {
			t.Fatalf("index %d seen %d times", i, n)
		}
	}
	boom := errors.New("boom")
	if err := Drive(1000, 3, 1, func(first, end int64) error {
		if first == 7 {
			return boom
		}
		return nil
	}); err != boom {
		t.Fatalf("Drive returned %v", err)
	}
}
