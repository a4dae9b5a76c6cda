package mirror

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

// fakeWatcher is a store whose writes get increasing revisions; the test
// feeds the watch events by hand (observe), in any order it likes.
type fakeWatcher struct {
	store.Store
	rev uint64
}

func (f *fakeWatcher) Watch(ctx context.Context, bucket string, fn func(store.WatchEvent)) error {
	<-ctx.Done()
	return ctx.Err()
}

func (f *fakeWatcher) ApplyRevisions(ctx context.Context, b *store.Batch) ([]uint64, error) {
	revs := make([]uint64, len(b.Ops))
	for i := range b.Ops {
		f.rev++
		revs[i] = f.rev
	}
	return revs, nil
}

func put(k, v string, rev uint64) store.WatchEvent {
	return store.WatchEvent{Key: []byte(k), Val: []byte(v), Rev: rev, Settled: true}
}

func TestChanges(t *testing.T) {
	onlyCfg := func(k []byte) bool { return strings.HasPrefix(string(k), "cfg/") }
	tests := []struct {
		name  string
		seed  map[string]string
		local []string // keys this process writes (value "mine") before the events
		evs   []store.WatchEvent
		want  []Change
	}{
		{name: "first watch reports what changed since the seed",
			seed: map[string]string{"cfg/a": "1", "cfg/b": "2"},
			evs: []store.WatchEvent{{Reset: true}, {Key: []byte("cfg/a"), Val: []byte("1"), Rev: 1},
				{Key: []byte("cfg/c"), Val: []byte("3"), Rev: 2}, {Settled: true}},
			want: []Change{{"cfg/b", nil}, {"cfg/c", []byte("3")}}},
		{name: "writes and deletes by others",
			evs: []store.WatchEvent{{Reset: true}, {Settled: true}, put("cfg/x", "1", 1), put("cfg/y", "2", 2),
				{Key: []byte("cfg/x"), Rev: 3, Settled: true}},
			want: []Change{{"cfg/x", nil}, {"cfg/y", []byte("2")}}},
		{name: "keys the service does not mirror are ignored",
			evs:  []store.WatchEvent{{Reset: true}, {Settled: true}, put("dedup/1", "x", 1), put("cfg/z", "1", 2)},
			want: []Change{{"cfg/z", []byte("1")}}},
		{name: "an older event does not override a local write, nor is the local write reported",
			local: []string{"cfg/a"}, // revision 1
			evs:   []store.WatchEvent{{Reset: true}, {Settled: true}, put("cfg/a", "old", 1)},
			want:  nil},
		{name: "a later write by another process is reported",
			local: []string{"cfg/a"},
			evs:   []store.WatchEvent{{Reset: true}, {Settled: true}, put("cfg/a", "mine", 1), put("cfg/a", "theirs", 2)},
			want:  []Change{{"cfg/a", []byte("theirs")}}},
		{name: "a replay keeps a local write it has not reached",
			local: []string{"cfg/a"},
			evs:   []store.WatchEvent{{Reset: true}, {Settled: true}},
			want:  nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(&fakeWatcher{}, "b", onlyCfg)
			for k, v := range tt.seed {
				m.Seed([]byte(k), []byte(v))
			}
			for _, k := range tt.local {
				var b store.Batch
				b.Put("b", []byte(k), []byte("mine"))
				if err := m.Apply(context.Background(), &b); err != nil {
					t.Fatal(err)
				}
			}
			for _, ev := range tt.evs {
				m.observe(ev)
			}
			if got := m.Changes(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Changes = %q, want %q", got, tt.want)
			}
			if got := m.Changes(); got != nil {
				t.Errorf("second Changes = %q, want none", got)
			}
		})
	}
}

func TestSnapshotWaitsForTheWatch(t *testing.T) {
	m := New(&fakeWatcher{}, "b", nil)
	if _, _, _, ok := m.Snapshot(); ok {
		t.Fatal("Snapshot ok before the watch delivered the current values")
	}
	m.observe(store.WatchEvent{Reset: true})
	m.observe(store.WatchEvent{Key: []byte("k"), Val: []byte("v"), Rev: 1})
	m.observe(store.WatchEvent{Settled: true})
	keys, vals, _, ok := m.Snapshot()
	if !ok || !reflect.DeepEqual(keys, []string{"k"}) || string(vals[0]) != "v" {
		t.Fatalf("Snapshot = %v %q %v", keys, vals, ok)
	}
}

func TestOffWithoutWatcher(t *testing.T) {
	m := New(nil, "b", nil)
	if m.On() {
		t.Fatal("a mirror of a store that cannot watch is on")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Run(ctx, t.Logf, func() { t.Error("sync called") }); err != context.Canceled {
		t.Fatalf("Run = %v", err)
	}
}

// A change the service could not apply comes back from Changes after
// Retry, with the key's current value, until the attempts run out; a
// new value of the key starts them again, and a value replaced before
// the retry is due is not handed out twice.
func TestRetry(t *testing.T) {
	defer func(d time.Duration) { retryFirst = d }(retryFirst)
	retryFirst = time.Microsecond
	m := New(&fakeWatcher{}, "b", nil)
	observe := func(ev store.WatchEvent) {
		m.observe(ev)
		<-m.kick // the watch's own wake-up
	}
	observe(put("fn", "v1", 1))
	want := []Change{{Key: "fn", Val: []byte("v1")}}
	if got := m.Changes(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Changes = %q, want %q", got, want)
	}
	for n := 0; n < retryLimit; n++ {
		if !m.Retry("fn") {
			t.Fatalf("attempt %d: Retry refused before the limit", n+1)
		}
		<-m.kick // the retry wakes the service
		if got := m.Changes(); !reflect.DeepEqual(got, want) {
			t.Fatalf("attempt %d: Changes = %q, want %q", n+1, got, want)
		}
	}
	if m.Retry("fn") {
		t.Fatalf("Retry scheduled an attempt past the limit of %d", retryLimit)
	}
	observe(put("fn", "v2", 2)) // a new value: attempts start again
	if got := m.Changes(); len(got) != 1 || string(got[0].Val) != "v2" {
		t.Fatalf("Changes after a new value = %q", got)
	}
	retryFirst = 200 * time.Millisecond
	if !m.Retry("fn") {
		t.Fatal("Retry refused for a new value")
	}
	observe(put("fn", "v3", 3)) // replaced before the retry is due
	if got := m.Changes(); len(got) != 1 || string(got[0].Val) != "v3" {
		t.Fatalf("Changes = %q, want v3 once", got)
	}
	<-m.kick // the retry of v2 is due now
	if got := m.Changes(); got != nil {
		t.Fatalf("the retry of a replaced value handed out %q", got)
	}
}
