package status

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/patternc/patternc/runtime/events"
	"github.com/patternc/patternc/runtime/sns"
)

// Bus is a bus as a bus subscription's snapshot (and the console) shows
// it: its rules with their patterns and targets.
type Bus struct {
	Name  string    `json:"name"`
	Arn   string    `json:"arn"`
	Rules []BusRule `json:"rules"`
}

// BusRule is one rule of a Bus.
type BusRule struct {
	Name         string      `json:"name"`
	State        string      `json:"state"`
	EventPattern string      `json:"eventPattern"`
	ManagedBy    string      `json:"managedBy,omitempty"`
	Targets      []BusTarget `json:"targets"`
}

// BusTarget is one target of a BusRule.
type BusTarget struct {
	ID            string `json:"id"`
	Arn           string `json:"arn"`
	DeadLetterArn string `json:"deadLetterArn,omitempty"`
}

// DescribeBus reads a bus and its rules.
func DescribeBus(svc *events.Service, name string) (*Bus, error) {
	def, err := svc.DescribeEventBus(name)
	if err != nil {
		return nil, err
	}
	rules, err := svc.ListRules(def.Name)
	if err != nil {
		return nil, err
	}
	b := &Bus{Name: def.Name, Arn: def.Arn, Rules: []BusRule{}}
	for _, r := range rules {
		br := BusRule{Name: r.Name, State: r.State, EventPattern: r.EventPattern, ManagedBy: r.ManagedBy, Targets: []BusTarget{}}
		for _, t := range r.Targets {
			br.Targets = append(br.Targets, BusTarget{ID: t.ID, Arn: t.Arn, DeadLetterArn: t.DeadLetterArn})
		}
		b.Rules = append(b.Rules, br)
	}
	return b, nil
}

// Topic is a topic as a topic subscription's snapshot (and the console)
// shows it: its subscriptions with their filter policies.
type Topic struct {
	Arn           string              `json:"arn"`
	Name          string              `json:"name"`
	Subscriptions []TopicSubscription `json:"subscriptions"`
}

// TopicSubscription is one subscription of a Topic.
type TopicSubscription struct {
	Arn               string `json:"arn"`
	Protocol          string `json:"protocol"`
	Endpoint          string `json:"endpoint"`
	FilterPolicy      string `json:"filterPolicy,omitempty"`
	FilterPolicyScope string `json:"filterPolicyScope,omitempty"`
	Pending           bool   `json:"pending,omitempty"`
}

// DescribeTopic reads a topic (by ARN) and its subscriptions.
func DescribeTopic(svc *sns.Service, arn string) (*Topic, error) {
	if _, err := svc.GetTopicAttributes(arn); err != nil {
		return nil, err
	}
	subs, err := svc.ListSubscriptionsByTopic(arn)
	if err != nil {
		return nil, err
	}
	t := &Topic{Arn: arn, Name: arn[strings.LastIndex(arn, ":")+1:], Subscriptions: []TopicSubscription{}}
	for _, sub := range subs {
		ts := TopicSubscription{Arn: sub}
		if attrs, err := svc.GetSubscriptionAttributes(sub); err == nil {
			ts.Protocol, ts.Endpoint = attrs["Protocol"], attrs["Endpoint"]
			ts.FilterPolicy, ts.FilterPolicyScope = attrs["FilterPolicy"], attrs["FilterPolicyScope"]
			ts.Pending = attrs["PendingConfirmation"] == "true"
		}
		t.Subscriptions = append(t.Subscriptions, ts)
	}
	return t, nil
}

// topicARN accepts a topic's name or ARN.
func (s *Server) topicARN(nameOrARN string) string {
	if strings.HasPrefix(nameOrARN, "arn:") || s.opts.Topics == nil {
		return nameOrARN
	}
	return s.opts.Topics.TopicARN(nameOrARN)
}

type eventFrame struct {
	Op    string             `json:"op"`
	Bus   string             `json:"bus"`
	Event json.RawMessage    `json:"event"`
	Rules []events.RuleMatch `json:"rules"`
}

type busDeliveryFrame struct {
	Op      string `json:"op"`
	Bus     string `json:"bus"`
	EventID string `json:"eventId"`
	Rule    string `json:"rule"`
	Target  string `json:"target,omitempty"`
	State   string `json:"state"`
	Attempt int    `json:"attempt"`
	Error   string `json:"error,omitempty"`
}

type messageFrame struct {
	Op         string            `json:"op"`
	Topic      string            `json:"topic"`
	MessageID  string            `json:"messageId"`
	Subject    string            `json:"subject,omitempty"`
	Message    string            `json:"message"`
	Attributes map[string]string `json:"attributes"`
	Receivers  []string          `json:"receivers"`
	Filtered   []string          `json:"filtered"`
}

type topicDeliveryFrame struct {
	Op           string `json:"op"`
	Topic        string `json:"topic"`
	MessageID    string `json:"messageId"`
	Subscription string `json:"subscription"`
	State        string `json:"state"`
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// observeBus pushes a bus's activity to its subscribers. It never blocks.
func (s *Server) observeBus(a events.Activity) {
	targets := s.hub.feed(s.hub.byBus, a.Bus)
	if len(targets) == 0 {
		return
	}
	var frame []byte
	if a.Kind == "event" {
		frame, _ = json.Marshal(eventFrame{Op: "event", Bus: a.Bus, Event: a.Event, Rules: orEmpty(a.Rules)})
	} else {
		frame, _ = json.Marshal(busDeliveryFrame{Op: "delivery", Bus: a.Bus, EventID: a.EventID, Rule: a.Rule, Target: a.Target, State: a.State, Attempt: a.Attempt, Error: a.Error})
	}
	for _, c := range targets {
		c.send(frame)
	}
}

// observeTopic pushes a topic's activity to its subscribers. It never
// blocks.
func (s *Server) observeTopic(a sns.Activity) {
	targets := s.hub.feed(s.hub.byTopic, a.TopicARN)
	if len(targets) == 0 {
		return
	}
	var frame []byte
	if a.Kind == "message" {
		frame, _ = json.Marshal(messageFrame{Op: "message", Topic: a.TopicARN, MessageID: a.MessageID, Subject: a.Subject, Message: a.Message,
			Attributes: a.Attrs, Receivers: orEmpty(a.Receivers), Filtered: orEmpty(a.Filtered)})
	} else {
		frame, _ = json.Marshal(topicDeliveryFrame{Op: "delivery", Topic: a.TopicARN, MessageID: a.MessageID, Subscription: a.Subscription, State: a.State})
	}
	for _, c := range targets {
		c.send(frame)
	}
}

// feed returns the connections subscribed to key in m.
func (h *hub) feed(m map[string]map[*wsConn]bool, key string) []*wsConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*wsConn
	for c := range m[key] {
		out = append(out, c)
	}
	return out
}

// subscribeFeed registers a bus or topic subscription and answers it with
// the resource's snapshot, or an error when it does not exist.
func (c *wsConn) subscribeFeed(ctx context.Context, m Message) {
	h := &c.s.hub
	var snap any
	var key string
	var set map[string]map[*wsConn]bool
	var mine map[string]bool
	switch {
	case m.Bus != "":
		if c.s.opts.Buses == nil {
			c.sendError("BusNotFound", "this server has no event buses")
			return
		}
		b, err := DescribeBus(c.s.opts.Buses, m.Bus)
		if err != nil {
			c.sendError("BusNotFound", "no event bus "+m.Bus)
			return
		}
		key, set, mine, snap = b.Name, h.byBus, c.buses, map[string]any{"op": "snapshot", "bus": b}
	default:
		if c.s.opts.Topics == nil {
			c.sendError("TopicNotFound", "this server has no topics")
			return
		}
		arn := c.s.topicARN(m.Topic)
		t, err := DescribeTopic(c.s.opts.Topics, arn)
		if err != nil {
			c.sendError("TopicNotFound", "no topic "+m.Topic)
			return
		}
		key, set, mine, snap = arn, h.byTopic, c.topics, map[string]any{"op": "snapshot", "topic": t}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	h.mu.Lock()
	if set[key] == nil {
		set[key] = map[*wsConn]bool{}
	}
	set[key][c] = true
	mine[key] = true
	c.s.syncWatchers()
	h.mu.Unlock()
	frame, _ := json.Marshal(snap)
	c.send(frame)
}

func (c *wsConn) unsubscribeFeed(m Message) {
	h := &c.s.hub
	c.mu.Lock()
	defer c.mu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	defer c.s.syncWatchers()
	if m.Bus != "" {
		drop(h.byBus, m.Bus, c)
		delete(c.buses, m.Bus)
		return
	}
	arn := c.s.topicARN(m.Topic)
	drop(h.byTopic, arn, c)
	delete(c.topics, arn)
}

// drop removes c from m[key], and key from m once nobody is left.
func drop(m map[string]map[*wsConn]bool, key string, c *wsConn) {
	delete(m[key], c)
	if len(m[key]) == 0 {
		delete(m, key)
	}
}

// syncWatchers starts the bus and topic watchers when the first
// subscription to a bus or topic arrives and stops them when the last
// leaves; the caller holds s.hub.mu.
func (s *Server) syncWatchers() {
	h := &s.hub
	if s.opts.Buses != nil {
		switch {
		case len(h.byBus) > 0 && s.busStop == nil:
			s.busStop = s.opts.Buses.Watch(s.observeBus)
		case len(h.byBus) == 0 && s.busStop != nil:
			s.busStop()
			s.busStop = nil
		}
	}
	if s.opts.Topics != nil {
		switch {
		case len(h.byTopic) > 0 && s.topicStop == nil:
			s.topicStop = s.opts.Topics.Watch(s.observeTopic)
		case len(h.byTopic) == 0 && s.topicStop != nil:
			s.topicStop()
			s.topicStop = nil
		}
	}
}

// Watching reports whether the bus and topic watchers run (tests).
func (s *Server) Watching() (buses, topics bool) {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.busStop != nil, s.topicStop != nil
}

// leaveFeeds drops c's bus and topic subscriptions; the caller holds c.mu
// and h.mu.
func (c *wsConn) leaveFeeds(h *hub) {
	for b := range c.buses {
		drop(h.byBus, b, c)
	}
	for t := range c.topics {
		drop(h.byTopic, t, c)
	}
	c.s.syncWatchers()
}
