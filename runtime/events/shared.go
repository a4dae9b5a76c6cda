package events

import (
	"context"

	"github.com/patternc/patternc/runtime/internal/mirror"
	"github.com/patternc/patternc/runtime/store"
)

// Several serve instances on one JetStream cluster share the config
// bucket: a rule written through one must be matched by all. Each
// instance mirrors the bucket (runtime/internal/mirror) and, whenever the
// watch has caught up, rebuilds buses (matchers) and destinations from
// the mirror and swaps them in. On bbolt (one process) the mirror is off
// and none of this runs.
//
// The instance's own writes go into the mirror when they commit: a
// rebuild never drops a rule this instance just wrote (its PutRule
// applies to the next PutEvents, as on bbolt), and a rebuild that raced
// a local write is discarded and redone.

// apply writes b to the store and, on a shared store, notes its config
// writes in the mirror.
func (s *Service) apply(ctx context.Context, b *store.Batch) error {
	return s.shared.Apply(ctx, b)
}

// watchConfig keeps the configuration in step with the shared config
// bucket until ctx is done.
func (s *Service) watchConfig(ctx context.Context) error {
	return s.shared.Run(ctx, s.env.Logf, func() {
		if err := s.rebuild(); err != nil {
			s.env.Logf("events: config rebuild: %v", err)
		}
	})
}

// startShared makes the mirror (on when the store is shared); called by
// New before anything is written.
func (s *Service) startShared() {
	s.shared = mirror.New(s.env.Store, configBucket, nil)
}

// rebuild swaps in buses and destinations built from the mirror.
func (s *Service) rebuild() error {
	m := s.shared
	for {
		keys, vals, ver, ok := m.Snapshot()
		if !ok {
			return nil
		}
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
		if m.LocalVersion() != ver { // a local write landed meanwhile: build again
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
