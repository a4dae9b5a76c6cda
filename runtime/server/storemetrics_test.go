package server

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/boltstore"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// The metrics wrapper keeps a shared engine's claims and watches (else
// every instance works every item) and adds none to bbolt.
func TestTimedKeepsSharing(t *testing.T) {
	obs := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "x"})
	var js store.Store = &jsstore.Store{}
	if _, ok := timed(js, obs).(store.Claimer); !ok {
		t.Error("timed JetStream store hides store.Claimer")
	}
	if _, ok := timed(js, obs).(store.Watcher); !ok {
		t.Error("timed JetStream store hides store.Watcher")
	}
	bolt, err := boltstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer bolt.Close()
	if _, ok := timed(bolt, obs).(store.Claimer); ok {
		t.Error("timed bbolt store claims")
	}
}
