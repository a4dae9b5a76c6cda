package mirror_test

import (
	"context"
	"fmt"
	"os"

	"github.com/patternc/patternc/runtime/internal/mirror"
	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// On bbolt (one process) a mirror is off: Apply is the store's Apply and
// there is never anything to take from others.
func Example() {
	dir, _ := os.MkdirTemp("", "patternc-example-*")
	defer os.RemoveAll(dir)
	st, _ := boltstore.Open(dir)
	defer st.Close()
	m := mirror.New(st, "sns", nil)
	var b store.Batch
	b.Put("sns", []byte("topic/orders"), []byte(`{"name":"orders"}`))
	err := m.Apply(context.Background(), &b)
	fmt.Println(m.On(), err, len(m.Changes()))
	// Output: false <nil> 0
}
