package events

import (
	"encoding/json"
)

// Activity is one thing that happened on a bus, as watchers (the console's
// WebSocket feed) hear of it: an event routed ("event", with the rules it
// matched and their targets) or one target delivery settling or retrying
// ("delivery").
type Activity struct {
	Kind       string // "event" or "delivery"
	Bus        string
	EventID    string
	Source     string          // "event"
	DetailType string          // "event"
	Event      json.RawMessage // "event": the envelope as routed
	Rules      []RuleMatch     // "event"
	Rule       string          // "delivery"
	Target     string          // "delivery": the target's Id
	// State is "delivered", "retrying", "dead-lettered" or "dropped"
	// (failed with no DLQ), or "archived" for an archive write.
	State   string
	Attempt int    // "delivery": attempts made so far
	Error   string // "delivery": the failure's code and message
}

// RuleMatch is a rule an event matched and the targets it goes to.
type RuleMatch struct {
	Rule    string   `json:"rule"`
	Targets []string `json:"targets"` // target Ids; an archive rule has none
	Archive string   `json:"archive,omitempty"`
}

// Watch adds fn to the functions told of every routed event and every
// delivery outcome; fn runs on the service's goroutines and must not
// block. The returned function stops it.
func (s *Service) Watch(fn func(Activity)) (stop func()) { return s.watchers.Add(fn) }

// envelopeHead is the part of an envelope watchers are shown.
type envelopeHead struct {
	ID         string `json:"id"`
	Source     string `json:"source"`
	DetailType string `json:"detail-type"`
}

func head(event []byte) envelopeHead {
	var h envelopeHead
	_ = json.Unmarshal(event, &h) // routed envelopes are valid JSON
	return h
}

// watchRouted tells watchers of an event and the deliveries planned for
// it (ds), grouped by rule in the order planned.
func (s *Service) watchRouted(busName string, event []byte, ds []delivery) {
	h := head(event)
	a := Activity{Kind: "event", Bus: busName, EventID: h.ID, Source: h.Source, DetailType: h.DetailType, Event: event}
	for _, d := range ds {
		n := len(a.Rules)
		if n == 0 || a.Rules[n-1].Rule != d.RuleName {
			a.Rules = append(a.Rules, RuleMatch{Rule: d.RuleName, Targets: []string{}, Archive: d.Archive})
			n++
		}
		if d.Archive == "" {
			a.Rules[n-1].Targets = append(a.Rules[n-1].Targets, d.Target.ID)
		}
	}
	s.watchers.Emit(a)
}

// watchDelivery tells watchers where one delivery stands.
func (s *Service) watchDelivery(d *delivery, state string, attempt int, f *failure) {
	if !s.watchers.Active() {
		return
	}
	a := Activity{Kind: "delivery", Bus: d.Bus, EventID: head(d.Event).ID, Rule: d.RuleName, Target: d.Target.ID, State: state, Attempt: attempt}
	if f != nil {
		a.Error = f.code + ": " + f.message
	}
	s.watchers.Emit(a)
}
