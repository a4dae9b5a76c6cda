package testsupport

import (
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

// Engines are bbolt and JetStream (one in-process server per test binary;
// each store gets its own bucket prefix from its directory, so tests do not
// see each other's data, and reopening a directory sees its own).
func Engines() []Engine {
	return []Engine{Bolt(), JetStream()}
}

// Bolt is the bbolt engine.
func Bolt() Engine {
	return Engine{Name: "bbolt", Open: func(t testing.TB, dir string) store.Store {
		t.Helper()
		s, err := boltstore.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}}
}

// JetStream is the JetStream engine on the binary's embedded server.
func JetStream() Engine {
	return Engine{Name: "jetstream", Open: func(t testing.TB, dir string) store.Store {
		t.Helper()
		url, err := jetStreamURL()
		if err != nil {
			t.Fatal(err)
		}
		s, err := jsstore.Open(jsstore.Config{URL: url, Prefix: prefixFor(dir)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}}
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
