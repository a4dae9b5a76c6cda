package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/boltstore"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// Engine opens a store on a data directory; opening the same directory
// again after Close must see every write that returned nil.
type Engine struct {
	Name string
	Open func(t testing.TB, dir string) store.Store
}

var (
	jsOnce sync.Once
	jsURL  string
	jsErr  error
)

// Engines are bbolt and JetStream (an in-process server per test binary;
// each store gets its own bucket prefix from the directory, so tests do not
// see each other's data, and reopening the same directory sees its own).
func Engines() []Engine {
	return []Engine{
		{Name: "bbolt", Open: func(t testing.TB, dir string) store.Store {
			s, err := boltstore.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{Name: "jetstream", Open: func(t testing.TB, dir string) store.Store {
			jsOnce.Do(func() {
				srv, err := jsstore.StartEmbedded(tempDir())
				if err != nil {
					jsErr = err
					return
				}
				jsURL = srv.ClientURL()
			})
			if jsErr != nil {
				t.Fatal(jsErr)
			}
			s, err := jsstore.Open(jsstore.Config{URL: jsURL, Prefix: prefixFor(dir)})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
	}
}

var (
	prefixMu sync.Mutex
	prefixes = map[string]string{}
)

func prefixFor(dir string) string {
	prefixMu.Lock()
	defer prefixMu.Unlock()
	p, ok := prefixes[dir]
	if !ok {
		p = fmt.Sprintf("t%d", len(prefixes))
		prefixes[dir] = p
	}
	return p
}

// Run is the conformance suite.
func Run(t *testing.T, e Engine) {
	ctx := context.Background()
	dir := t.TempDir()
	s := e.Open(t, dir)
	if _, err := s.Get(ctx, "b", []byte("missing")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get on a missing bucket: %v, want ErrNotFound", err)
	}
	var b store.Batch
	for _, k := range []string{"b", "a", "c\x00", "", "\xff"} {
		b.Put("b", []byte(k), []byte("v-"+k))
	}
	b.Put("other/bucket name", []byte("x"), []byte("y"))
	if err := s.Apply(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(ctx, "b", []byte("c\x00")); err != nil || string(v) != "v-c\x00" {
		t.Fatalf("Get: %q %v", v, err)
	}
	keys := func(from, to []byte) string {
		var out []string
		if err := s.Scan(ctx, "b", from, to, func(k, v []byte) bool {
			if !bytes.Equal(v, append([]byte("v-"), k...)) {
				t.Fatalf("value of %q is %q", k, v)
			}
			out = append(out, fmt.Sprintf("%q", k))
			return true
		}); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(out)
	}
	if got := keys(nil, nil); got != `["" "a" "b" "c\x00" "\xff"]` {
		t.Fatalf("Scan order: %s", got)
	}
	if got := keys([]byte("a"), []byte("c")); got != `["a" "b"]` {
		t.Fatalf("Scan range: %s", got)
	}
	n := 0
	s.Scan(ctx, "b", nil, nil, func(k, v []byte) bool { n++; return n < 2 })
	if n != 2 {
		t.Fatalf("Scan did not stop early: %d", n)
	}
	var del store.Batch
	del.Delete("b", []byte("a"))
	del.Put("b", []byte("d"), []byte("v-d"))
	if err := s.Apply(ctx, &del); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "b", []byte("a")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted key: %v", err)
	}
	// Durability: a reopened store sees every acknowledged write.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = e.Open(t, dir)
	defer s.Close()
	if got := keys(nil, nil); got != `["" "b" "c\x00" "d" "\xff"]` {
		t.Fatalf("after reopen: %s", got)
	}
	if v, err := s.Get(ctx, "other/bucket name", []byte("x")); err != nil || string(v) != "y" {
		t.Fatalf("bucket with odd name after reopen: %q %v", v, err)
	}
	// Concurrent applies all land (bbolt group-commits them).
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var b store.Batch
			b.Put("c", []byte(fmt.Sprintf("%02d", i)), []byte("x"))
			if err := s.Apply(ctx, &b); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	count := 0
	s.Scan(ctx, "c", nil, nil, func(k, v []byte) bool { count++; return true })
	if count != 20 {
		t.Fatalf("%d of 20 concurrent writes visible", count)
	}
}
