package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/patternc/patternc/runtime/store"
)

// Opener opens a store on a data directory; opening the same directory
// again after Close must see every write that returned nil.
type Opener func(t testing.TB, dir string) store.Store

// Run is the conformance suite, on stores that open opens.
func Run(t *testing.T, open Opener) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
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
	s = open(t, dir)
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
