package automaton

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/patternc/patternc/compiler"
)

// Rules is a set of named patterns in a Machine that stays as fast to
// match as the set loaded at once, for owners that change it one pattern
// at a time (the runtime's buses and topics, which take rules and
// subscriptions one API call each).
//
// AddAll plans a large set it loads into an empty machine: predicate ids
// and records in an order that keeps what an event reads together
// (predorder.go), every clause anchored as the whole set weighs its paths
// (planstats.go), anchor lists packed in one array (patids.go), threshold
// groups built once. Add and Delete copy what they change and cannot
// plan: a machine built by single Adds, or one that has taken many, reads
// more lines and anchors worse. bench's BenchmarkChurnedMachine measures
// it on mixed-10000 (trusted, ns/event against the set loaded by AddAll,
// two runs): built by 10 000 Adds +17 and +21 %; loaded, then through
// 5 × (1000 Adds, 1000 Deletes) +3.8 and +3.9 %; put one at a time into
// Rules +3.5 and +3.9 % (its last plan some thousand Puts before the
// end). In process, ratios to fastjson, 100 rules built by Adds:
// multi-field 2.3 % and escapes-unicode 5.1 % slower.
//
// So Rules keeps the patterns, and after a Put or a Delete that brings
// the writes since the machine was planned to an eighth of the set (the
// set over planMin patterns), it loads the whole set into a new machine
// with AddAll and publishes that one: the writes cost the set's load once
// per eighth of it, about eight AddAll-patterns a write. A write returns
// once matching sees it, whether or not it replans.
//
// Put, Delete and Load are serialised; Machine is lock-free, and every
// machine it returns matches a consistent set (the one before a write or
// the one after).
type Rules struct {
	cfg     Config
	machine atomic.Pointer[Machine]

	mu       sync.Mutex // serialises writers; guards what follows
	patterns map[ID]*compiler.Pattern
	// writes counts the Puts and Deletes since the machine was planned.
	writes int
}

// planMin: a set of at most this many patterns is not replanned (AddAll
// packs and groups from 65 patterns on; single writes into fewer leave
// nothing a plan would change).
const planMin = 64

// NewRules returns an empty set whose machines have configuration cfg.
func NewRules(cfg Config) *Rules {
	r := &Rules{cfg: cfg, patterns: map[ID]*compiler.Pattern{}}
	r.machine.Store(New(cfg))
	return r
}

// Machine returns the machine to match with: the set as of the last
// write that returned.
func (r *Rules) Machine() *Machine { return r.machine.Load() }

// Len is the number of patterns in the set.
func (r *Rules) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.patterns)
}

// Load replaces the whole set with ids and ps, loaded at once (AddAll);
// on error the set is as it was.
func (r *Rules) Load(ids []ID, ps []*compiler.Pattern) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.plan(ids, ps); err != nil {
		return err
	}
	r.patterns = make(map[ID]*compiler.Pattern, len(ids))
	for i, id := range ids {
		r.patterns[id] = ps[i]
	}
	r.writes = 0
	return nil
}

// plan loads ids and ps into a new machine at once and publishes it; on
// error the published machine stays.
func (r *Rules) plan(ids []ID, ps []*compiler.Pattern) error {
	m := New(r.cfg)
	if err := m.AddAll(ids, ps); err != nil {
		return err
	}
	r.machine.Store(m)
	return nil
}

// Put adds or replaces the pattern named id; on error the set is as it
// was.
func (r *Rules) Put(id ID, p *compiler.Pattern) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.machine.Load().Add(id, p); err != nil {
		return err
	}
	r.patterns[id] = p
	r.wrote()
	return nil
}

// Delete removes the pattern named id and reports whether it was there.
func (r *Rules) Delete(id ID) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.patterns[id]; !ok {
		return false
	}
	r.machine.Load().Delete(id)
	delete(r.patterns, id)
	r.wrote()
	return true
}

// wrote counts a write that the machine has taken, and replans when the
// writes reach an eighth of the set. A plan that fails (AddAll's state
// budget counts every pattern's bound, where single Adds counted the
// states they made) leaves the machine that has taken the writes, which
// is correct, and the count starts over.
func (r *Rules) wrote() {
	r.writes++
	n := len(r.patterns)
	if n <= planMin || r.writes < n/8 {
		return
	}
	r.writes = 0
	// By id, so that the same set makes the same machine.
	ids := slices.Sorted(maps.Keys(r.patterns))
	ps := make([]*compiler.Pattern, len(ids))
	for i, id := range ids {
		ps[i] = r.patterns[id]
	}
	_ = r.plan(ids, ps) // a failed plan keeps the machine that took the writes
}
