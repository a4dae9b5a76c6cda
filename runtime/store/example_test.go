package store_test

import (
	"context"
	"fmt"
	"os"

	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

func Example() {
	dir, _ := os.MkdirTemp("", "patternc-example-*")
	defer os.RemoveAll(dir)
	s, _ := boltstore.Open(dir)
	defer s.Close()
	var b store.Batch
	b.Put("orders", []byte("b"), []byte("second"))
	b.Put("orders", []byte("a"), []byte("first"))
	if err := s.Apply(context.Background(), &b); err != nil {
		panic(err)
	}
	s.Scan(context.Background(), "orders", nil, nil, func(k, v []byte) bool {
		fmt.Printf("%s=%s\n", k, v)
		return true
	})
	// Output:
	// a=first
	// b=second
}
