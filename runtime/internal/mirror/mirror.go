package mirror

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

// Change is one key another process wrote or deleted since the last
// Changes: Val is its current value, nil when it is gone.
type Change struct {
	Key string
	Val []byte
}

// Mirror is a watched copy of one bucket (or of the keys of it that Keep
// accepts). Make it with New.
type Mirror struct {
	st     store.Store
	w      store.Watcher // nil: off
	bucket string
	keep   func(key []byte) bool

	mu       sync.Mutex
	ready    bool              // the watch delivered the current values once
	vals     map[string][]byte // the bucket as this process knows it
	next     map[string][]byte // non-nil while a (re)started watch replays the current values
	pending  map[string]uint64 // revisions of local writes whose watch event is due
	dirty    map[string]bool   // keys changed by others since the last Changes
	localVer uint64            // bumped by every local write of a kept key
	kick     chan struct{}
	retries  map[string]int // failed attempts at a key's current value (Retry)
}

// New makes the mirror of bucket in st; keep, when non-nil, picks the keys
// that are configuration (the others, say per-message records that share
// the bucket, are ignored). The mirror is on when st implements
// store.Watcher.
func New(st store.Store, bucket string, keep func(key []byte) bool) *Mirror {
	m := &Mirror{st: st, bucket: bucket, keep: keep}
	if w, ok := st.(store.Watcher); ok {
		m.w = w
		m.vals, m.pending, m.dirty = map[string][]byte{}, map[string]uint64{}, map[string]bool{}
		m.kick = make(chan struct{}, 1)
	}
	return m
}

// On reports whether the store is shared and the mirror watches it.
func (m *Mirror) On() bool { return m.w != nil }

func (m *Mirror) kept(key []byte) bool { return m.keep == nil || m.keep(key) }

// Seed records a value the service loaded before Run (its start-up scan),
// so that the first watch reports only what changed since.
func (m *Mirror) Seed(key, val []byte) {
	if m.w == nil || !m.kept(key) {
		return
	}
	m.mu.Lock()
	m.vals[string(key)] = append([]byte(nil), val...)
	m.mu.Unlock()
}

// Apply writes b to the store and notes its writes of the mirrored bucket
// as the service's own: they are not reported by Changes (the service
// applied them itself), and older watch events do not override them. A
// service that applies remote changes under a lock holds that lock
// across Apply and its own in-memory change.
func (m *Mirror) Apply(ctx context.Context, b *store.Batch) error {
	if m.w == nil {
		return m.st.Apply(ctx, b)
	}
	revs, err := m.w.ApplyRevisions(ctx, b)
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, op := range b.Ops[:len(revs)] { // the applied prefix
		if op.Bucket != m.bucket || !m.kept(op.Key) {
			continue
		}
		k := string(op.Key)
		if op.Val == nil {
			delete(m.vals, k)
		} else {
			m.vals[k] = op.Val
		}
		delete(m.dirty, k)
		m.pending[k] = max(m.pending[k], revs[i])
		m.localVer++
	}
	return err
}

// observe takes one watch event into the mirror.
func (m *Mirror) observe(ev store.WatchEvent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ev.Reset {
		m.next = map[string][]byte{}
		return
	}
	if ev.Key != nil && m.kept(ev.Key) {
		k := string(ev.Key)
		mine, ok := m.pending[k]
		if ok && ev.Rev >= mine {
			delete(m.pending, k) // the watch has passed our own write
		}
		switch {
		case ok && ev.Rev <= mine:
			// Our write or an older one: ours is already in vals.
			if m.next != nil {
				m.carry(k)
			}
		case m.next != nil:
			if ev.Val != nil {
				m.next[k] = append([]byte(nil), ev.Val...)
			} else {
				delete(m.next, k)
			}
		default:
			m.set(k, ev.Val)
		}
	}
	if ev.Settled {
		if m.next != nil {
			m.swap()
		}
		m.ready = true
		select {
		case m.kick <- struct{}{}:
		default:
		}
	}
}

// carry keeps this process's own value of k in the replay.
func (m *Mirror) carry(k string) {
	if v, ok := m.vals[k]; ok {
		m.next[k] = v
	} else {
		delete(m.next, k)
	}
}

// set changes k to val (nil: deleted) as written by another process.
func (m *Mirror) set(k string, val []byte) {
	old, had := m.vals[k]
	if val == nil {
		if had {
			delete(m.vals, k)
			m.dirty[k] = true
			delete(m.retries, k) // a new value: Retry's attempts start again
		}
		return
	}
	if had && bytes.Equal(old, val) {
		return
	}
	m.vals[k] = append([]byte(nil), val...)
	m.dirty[k] = true
	delete(m.retries, k)
}

// swap ends a replay: the replayed values replace the old ones, and every
// key whose value differs is reported.
func (m *Mirror) swap() {
	for k := range m.pending { // local writes the replay did not reach yet
		m.carry(k)
	}
	next := m.next
	m.next = nil
	for k := range m.vals {
		if _, ok := next[k]; !ok {
			m.set(k, nil)
		}
	}
	for k, v := range next {
		m.set(k, v)
	}
}

// Run watches the bucket until ctx is done, calling sync whenever the
// watch has caught up with changes (from one goroutine: calls never
// overlap). A watch that breaks (a node went, the connection moved) is
// started again and replays the current values; keys that changed
// meanwhile are reported then. With the mirror off Run waits for ctx.
func (m *Mirror) Run(ctx context.Context, logf func(string, ...any), sync func()) error {
	if m.w == nil {
		<-ctx.Done()
		return ctx.Err()
	}
	go func() {
		for ctx.Err() == nil {
			err := m.w.Watch(ctx, m.bucket, m.observe)
			if ctx.Err() != nil {
				return
			}
			logf("mirror %s: watch: %v; resuming", m.bucket, err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-m.kick:
			sync()
		}
	}
}

// Changes returns the keys other processes changed since the last call,
// in key order, with their current values, and forgets them. Call it
// under the lock the service holds across its own writes.
func (m *Mirror) Changes() []Change {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.ready || len(m.dirty) == 0 {
		return nil
	}
	out := make([]Change, 0, len(m.dirty))
	for k := range m.dirty {
		out = append(out, Change{Key: k, Val: m.vals[k]})
	}
	clear(m.dirty)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Retry hands key out again from Changes a little later: for a change
// the service could not apply yet (the store briefly out, a function's
// code not yet readable here). Changes coalesces a key's writes, so a
// change dropped after one failed attempt would be lost until the key's
// next write. The delay doubles from 100 ms up to 5 s; after
// retryLimit attempts at one value the key waits for its next write (an
// error that lasts, such as a record this version cannot read, is not
// retried for ever). It reports whether a retry was scheduled.
func (m *Mirror) Retry(key string) bool {
	m.mu.Lock()
	if m.dirty == nil { // off: nothing is handed out
		m.mu.Unlock()
		return false
	}
	if m.retries == nil {
		m.retries = map[string]int{}
	}
	n := m.retries[key]
	if n >= retryLimit {
		m.mu.Unlock()
		return false
	}
	m.retries[key] = n + 1
	val := m.vals[key]
	m.mu.Unlock()
	delay := min(retryFirst<<n, 5*time.Second)
	time.AfterFunc(delay, func() {
		m.mu.Lock()
		if cur, ok := m.vals[key]; ok == (val != nil) && bytes.Equal(cur, val) {
			m.dirty[key] = true // still the value that failed: try it again
		}
		m.mu.Unlock()
		select {
		case m.kick <- struct{}{}:
		default:
		}
	})
	return true
}

// retryLimit bounds Retry's attempts at one value of a key; retryFirst
// is the first delay (tests shorten it).
const retryLimit = 8

var retryFirst = 100 * time.Millisecond

// Snapshot returns every value in key order and the local write version
// it includes, for a service that rebuilds from the whole bucket; ok is
// false until the watch has delivered the current values. A rebuild
// whose version is no longer LocalVersion raced a local write: build
// again.
func (m *Mirror) Snapshot() (keys []string, vals [][]byte, ver uint64, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.ready {
		return nil, nil, m.localVer, false
	}
	keys = make([]string, 0, len(m.vals))
	for k := range m.vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals = make([][]byte, len(keys))
	for i, k := range keys {
		vals[i] = m.vals[k]
	}
	clear(m.dirty)
	return keys, vals, m.localVer, true
}

// LocalVersion counts the local writes of mirrored keys so far.
func (m *Mirror) LocalVersion() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.localVer
}

// Describe says what the mirror holds for key (test diagnostics).
func (m *Mirror) Describe(key string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, pok := m.pending[key]
	return fmt.Sprintf("ready=%v val=%q pending=%v %d localVer=%d", m.ready, m.vals[key], pok, p, m.localVer)
}
