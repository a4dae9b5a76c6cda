package events

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

// Several serve instances on one JetStream cluster share the config
// bucket: a rule written through one must be matched by all. Each instance
// watches the bucket (a stream consumer: committed writes, in commit
// order) into a mirror of it, and whenever the watch has caught up it
// rebuilds buses (matchers) and destinations from the mirror and swaps
// them in. On bbolt (one process) there is nothing to watch and none of
// this runs.
//
// The instance's own writes go into the mirror when they commit, before
// their watch event arrives: a rebuild never drops a rule this instance
// just wrote (its PutRule applies to the next PutEvents, as on bbolt).
// Until the watch passes that write's revision, older events for the key
// are not applied over it (the watch may skip revisions a later write
// superseded, so it waits for a revision at or past its own, not for its
// own value); a rebuild that raced a local write is discarded and redone.

type mirror struct {
	mu       sync.Mutex
	on       bool // a watch feeds the mirror
	ready    bool // the watch delivered the current values
	vals     map[string][]byte
	pending  map[string]uint64 // revisions of local writes whose watch event is due
	localVer uint64            // bumped by every local config write
	kick     chan struct{}
}

func (m *mirror) signal() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// apply writes b to the store and, on a shared store, notes its config
// writes in the mirror.
func (s *Service) apply(ctx context.Context, b *store.Batch) error {
	m := &s.shared
	w, ok := s.env.Store.(store.Watcher)
	if !ok || !m.on {
		return s.env.Store.Apply(ctx, b)
	}
	revs, err := w.ApplyRevisions(ctx, b)
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, op := range b.Ops[:len(revs)] { // the applied prefix
		if op.Bucket != configBucket {
			continue
		}
		k := string(op.Key)
		if op.Val == nil {
			delete(m.vals, k)
		} else {
			m.vals[k] = op.Val
		}
		m.pending[k] = max(m.pending[k], revs[i])
		m.localVer++
	}
	return err
}

// observe takes one watch event into the mirror.
func (m *mirror) observe(ev store.WatchEvent) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ev.Reset {
		m.vals, m.pending, m.ready = map[string][]byte{}, map[string]uint64{}, false
		return
	}
	if ev.Key != nil {
		k := string(ev.Key)
		mine, ok := m.pending[k]
		if ok && ev.Rev >= mine {
			delete(m.pending, k) // the watch has passed our own write
		}
		switch {
		case ok && ev.Rev <= mine:
			// Our write or an older one: ours is already in vals.
		case ev.Val == nil:
			delete(m.vals, k)
		default:
			m.vals[k] = append([]byte(nil), ev.Val...)
		}
	}
	if ev.Settled {
		m.ready = true
		m.signal()
	}
}

// watchConfig keeps the configuration in step with the shared config
// bucket until ctx is done.
func (s *Service) watchConfig(ctx context.Context) error {
	w, ok := s.env.Store.(store.Watcher)
	m := &s.shared
	if !ok || m.kick == nil {
		<-ctx.Done()
		return ctx.Err()
	}
	go func() {
		for ctx.Err() == nil {
			err := w.Watch(ctx, configBucket, m.observe)
			if ctx.Err() != nil {
				return
			}
			// The watch broke (a node went, the connection moved): the
			// next one starts over with the current values.
			s.env.Logf("events: config watch: %v; resuming", err)
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
			if err := s.rebuild(); err != nil {
				s.env.Logf("events: config rebuild: %v", err)
			}
		}
	}
}

// startShared turns the mirror on when the store is shared; called by New
// before anything is written.
func (s *Service) startShared() {
	if _, ok := s.env.Store.(store.Watcher); !ok {
		return
	}
	m := &s.shared
	m.on, m.vals, m.pending, m.kick = true, map[string][]byte{}, map[string]uint64{}, make(chan struct{}, 1)
}

// rebuild swaps in buses and destinations built from the mirror.
func (s *Service) rebuild() error {
	m := &s.shared
	for {
		m.mu.Lock()
		if !m.ready {
			m.mu.Unlock()
			return nil
		}
		ver := m.localVer
		keys := make([]string, 0, len(m.vals))
		for k := range m.vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		vals := make([][]byte, len(keys))
		for i, k := range keys {
			vals[i] = m.vals[k]
		}
		m.mu.Unlock()
		c, err := s.readConfig(func(fn func(k, v []byte) bool) error {
			for i, k := range keys {
				if !fn([]byte(k), vals[i]) {
					break
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		s.mu.Lock()
		m.mu.Lock()
		stale := m.localVer != ver
		m.mu.Unlock()
		if stale { // a local write landed meanwhile: build again
			s.mu.Unlock()
			continue
		}
		if _, ok := c.buses["default"]; !ok {
			c.buses["default"] = s.buses["default"]
		}
		s.buses, s.dests = c.buses, c.dests
		s.mu.Unlock()
		s.count("config_rebuilds", 1)
		return nil
	}
}
