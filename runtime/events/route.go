package events

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/patternc/patternc/runtime/queue"
)

// runObserver feeds routed events to Config.Observe off the hot path;
// events arriving while it is busy are skipped (discovery is sampled).
func (s *Service) runObserver(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case o := <-s.observed:
			s.cfg.Observe(o.bus, o.event)
		}
	}
}

type observed struct {
	bus   string
	event []byte
}

// plan matches one event against its bus's enabled rules (restricted to
// rules when non-empty) and returns one delivery per target and one per
// matching archive. Matching at ingestion makes a rule change apply to
// events ingested after the call returns.
//
// trusted says the event meets the automaton's trusted contract
// (automaton.Machine.MatchTrusted: valid JSON, no member named twice in
// one object, dotted names counted by their first part): PutEvents checks
// each detail for it (trustedDetail). Other events — forwarded,
// replayed, or a detail that names a member twice — are matched by the
// validating Match, so every event is matched exactly.
func (s *Service) plan(busName string, event []byte, ingested int64, rules []string, trusted bool) ([]queue.Item, error) {
	s.mu.RLock()
	b, ok := s.buses[busName]
	s.mu.RUnlock()
	if !ok {
		s.count("events_dropped_unknown_bus", 1)
		return nil, nil
	}
	// The machine's snapshot is immutable and its matching lock-free: no
	// service lock is held while the event is matched.
	m := b.patterns.Machine()
	match := m.Match
	if trusted {
		match = m.MatchTrusted
	}
	ids, err := match(event)
	if err != nil {
		s.env.Logf("events: event on bus %s cannot be matched: %v", busName, err)
		s.count("events_unmatchable", 1)
		return nil, nil
	}
	allowed := map[string]bool{}
	for _, r := range rules {
		allowed[r] = true
	}
	var ds []delivery
	s.mu.RLock()
	for _, id := range ids {
		r := b.rules[string(id)]
		if r == nil || (len(allowed) > 0 && !allowed[r.Arn]) {
			continue // removed since the match, or not selected for a replay
		}
		if name, ok := strings.CutPrefix(r.ManagedBy, "archive:"); ok {
			ds = append(ds, delivery{Bus: busName, RuleName: r.Name, RuleArn: r.Arn, Archive: name, Event: event, Ingested: ingested})
			continue
		}
		for _, t := range r.Targets {
			ds = append(ds, delivery{Bus: busName, RuleName: r.Name, RuleArn: r.Arn, Target: *t, Event: event, Ingested: ingested})
		}
	}
	s.mu.RUnlock()
	if s.watchers.Active() {
		s.watchRouted(busName, event, ds)
	}
	items := make([]queue.Item, len(ds))
	for i := range ds {
		p, err := json.Marshal(ds[i])
		if err != nil {
			return nil, err
		}
		items[i] = queue.Item{Payload: p}
	}
	s.count("events_routed", 1)
	if s.cfg.Observe != nil {
		select {
		case s.observed <- observed{busName, event}:
		default:
		}
	}
	return items, nil
}
