package automaton

import (
	"errors"

	"github.com/patternc/patternc/compiler"
)

// CONTRACT (written before the implementation; keep these signatures).

// ID names a pattern in a Machine. The runtime uses rule and subscription
// names; callers with numeric ids format them.
type ID string

// Machine holds many compiled patterns (any mix of dialects) as one
// automaton. Match is safe for concurrent use and lock-free: it reads an
// immutable snapshot. Add and Delete build the next snapshot and publish it
// atomically; writers are serialised.
type Machine struct{}

// Config bounds the machine's work; the zero value means defaults.
type Config struct {
	// MaxStates caps states built for wildcard and anything-but patterns;
	// an Add that would exceed it fails with a clear error.
	MaxStates int
}

// New returns an empty machine.
func New(cfg Config) *Machine { return &Machine{} }

// Add adds (or replaces) the pattern named id.
func (m *Machine) Add(id ID, p *compiler.Pattern) error {
	return errors.New("automaton: not implemented")
}

// Delete removes the pattern named id; it reports whether it was there.
func (m *Machine) Delete(id ID) bool { return false }

// Match returns the ids of the EventBridge patterns that event matches
// (SNS patterns never match here). It allocates its result; use a Matcher
// for allocation-free matching.
func (m *Machine) Match(event []byte) ([]ID, error) {
	return nil, errors.New("automaton: not implemented")
}

// MatchPublish returns the ids of the SNS filter policies (either scope)
// that an SNS Publish request matches.
func (m *Machine) MatchPublish(req []byte) ([]ID, error) {
	return nil, errors.New("automaton: not implemented")
}

// Matcher holds one goroutine's scratch memory for matching, the way a
// fastjson.Parser does; it is not safe for concurrent use.
type Matcher struct{}

// NewMatcher returns scratch memory bound to m.
func (m *Machine) NewMatcher() *Matcher { return &Matcher{} }

// Match appends the matching ids to dst[:0] and returns it. In steady state
// it allocates nothing.
func (mt *Matcher) Match(dst []ID, event []byte) ([]ID, error) {
	return dst[:0], errors.New("automaton: not implemented")
}

// MatchPublish is Match for SNS Publish requests.
func (mt *Matcher) MatchPublish(dst []ID, req []byte) ([]ID, error) {
	return dst[:0], errors.New("automaton: not implemented")
}
