package boltstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// Writes that Apply accepted are on disk: a reopened store sees them.
func Example() {
	dir, _ := os.MkdirTemp("", "patternc-example-*")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, _ := boltstore.Open(dir)
	var b store.Batch
	b.Put("status", []byte("inv-1"), []byte("queued"))
	s.Apply(ctx, &b)
	s.Close()

	s, _ = boltstore.Open(dir)
	defer s.Close()
	v, _ := s.Get(ctx, "status", []byte("inv-1"))
	fmt.Println(string(v))
	_, err := s.Get(ctx, "status", []byte("inv-2"))
	fmt.Println(errors.Is(err, store.ErrNotFound))
	// Output:
	// queued
	// true
}
