package jsstore_test

import (
	"context"
	"fmt"
	"os"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// A store on a JetStream server (here one the tests embed, with file
// storage and fsync on every write; in production, point Config.URL at a
// cluster run with sync_interval: always).
func Example() {
	dir, _ := os.MkdirTemp("", "patternc-example-*")
	defer os.RemoveAll(dir)
	srv, err := testsupport.StartJetStream(dir)
	if err != nil {
		panic(err)
	}
	defer srv.Shutdown()
	s, err := jsstore.Open(jsstore.Config{URL: srv.ClientURL()})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	ctx := context.Background()
	var b store.Batch
	b.Put("orders", []byte("ORD-002"), []byte("shipped"))
	b.Put("orders", []byte("ORD-001"), []byte("paid"))
	if err := s.Apply(ctx, &b); err != nil {
		panic(err)
	}
	s.Scan(ctx, "orders", nil, nil, func(k, v []byte) bool {
		fmt.Printf("%s %s\n", k, v)
		return true
	})
	// Output:
	// ORD-001 paid
	// ORD-002 shipped
}
