package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"os"

	yaml "go.yaml.in/yaml/v3"

	"github.com/patternc/patternc/runtime/events"
)

// File is the YAML config file of `patternc serve --config`: the same
// settings as the flags (flags given on the command line win), plus
// resources to create at start.
type File struct {
	Listen string `yaml:"listen"`
	Data   string `yaml:"data"`
	NATS   string `yaml:"nats"`
	// NATSReplicas is the replica count of JetStream buckets (3 on a
	// 3-node cluster).
	NATSReplicas int        `yaml:"nats_replicas"`
	Region       string     `yaml:"region"`
	Account      string     `yaml:"account"`
	Auth         string     `yaml:"auth"`
	Credentials  string     `yaml:"credentials"`
	Insecure     bool       `yaml:"insecure"`
	LogLevel     string     `yaml:"log_level"`
	LogFormat    string     `yaml:"log_format"`
	Resources    *Resources `yaml:"resources"`
}

// Resources are created at start, declaratively: what exists is left as
// it is (rules and targets are put again, which replaces them with the
// same definition), so restarting with the same file changes nothing.
type Resources struct {
	Buses         []BusSpec          `yaml:"buses"`
	Rules         []RuleSpec         `yaml:"rules"`
	Topics        []TopicSpec        `yaml:"topics"`
	Subscriptions []SubscriptionSpec `yaml:"subscriptions"`
	Queues        []QueueSpec        `yaml:"queues"`
}

// BusSpec declares an event bus.
type BusSpec struct {
	Account     string `yaml:"account"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
}

// RuleSpec declares a rule and its targets; Pattern is JSON text or a
// YAML mapping.
type RuleSpec struct {
	Account     string       `yaml:"account"`
	Name        string       `yaml:"name"`
	Bus         string       `yaml:"bus"`
	Pattern     yaml.Node    `yaml:"pattern"`
	State       string       `yaml:"state"`
	Description string       `yaml:"description"`
	Targets     []TargetSpec `yaml:"targets"`
}

// TargetSpec declares a rule target.
type TargetSpec struct {
	ID        string `yaml:"id"`
	Arn       string `yaml:"arn"`
	Input     string `yaml:"input"`
	InputPath string `yaml:"input_path"`
}

// TopicSpec declares a topic.
type TopicSpec struct {
	Account    string            `yaml:"account"`
	Name       string            `yaml:"name"`
	Attributes map[string]string `yaml:"attributes"`
}

// SubscriptionSpec declares a subscription; Topic is a name or an ARN.
type SubscriptionSpec struct {
	Account    string            `yaml:"account"`
	Topic      string            `yaml:"topic"`
	Protocol   string            `yaml:"protocol"`
	Endpoint   string            `yaml:"endpoint"`
	Attributes map[string]string `yaml:"attributes"`
}

// QueueSpec declares a local queue.
type QueueSpec struct {
	Account    string            `yaml:"account"`
	Name       string            `yaml:"name"`
	Attributes map[string]string `yaml:"attributes"`
}

// LoadFile reads a config file; unknown keys are errors, so a typo does
// not silently drop a resource.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseFile(data)
}

// ParseFile parses config file text.
func ParseFile(data []byte) (*File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	f := &File{}
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return f, nil
}

// patternText is a rule pattern as JSON text: a YAML string as it is, a
// mapping converted.
func patternText(n *yaml.Node) (string, error) {
	if n.Kind == 0 {
		return "", nil
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// apply creates the resources, in dependency order: queues, buses,
// topics, subscriptions, rules and targets.
func (s *Server) apply(ctx context.Context, r *Resources) error {
	acct := func(id string) (*account, error) {
		if id == "" {
			id = s.cfg.Account
		}
		return s.accts.get(id)
	}
	for _, q := range r.Queues {
		a, err := acct(q.Account)
		if err != nil {
			return err
		}
		if _, err := a.rt.Queues.CreateQueue(ctx, q.Name, q.Attributes); err != nil {
			return fmt.Errorf("config: queue %s: %w", q.Name, err)
		}
	}
	for _, b := range r.Buses {
		a, err := acct(b.Account)
		if err != nil {
			return err
		}
		if _, err := a.rt.Events.DescribeEventBus(b.Name); err == nil {
			continue
		}
		if _, err := a.rt.Events.CreateEventBus(ctx, b.Name, b.Description); err != nil {
			return fmt.Errorf("config: bus %s: %w", b.Name, err)
		}
	}
	for _, t := range r.Topics {
		a, err := acct(t.Account)
		if err != nil {
			return err
		}
		if _, err := a.rt.Topics.CreateTopic(ctx, t.Name, t.Attributes); err != nil {
			return fmt.Errorf("config: topic %s: %w", t.Name, err)
		}
	}
	for _, sub := range r.Subscriptions {
		a, err := acct(sub.Account)
		if err != nil {
			return err
		}
		topic := sub.Topic
		if _, perr := kernel.ParseARN(topic); perr != nil {
			topic = a.rt.Topics.TopicARN(topic)
		}
		if _, err := a.rt.Topics.Subscribe(ctx, topic, sub.Protocol, sub.Endpoint, sub.Attributes); err != nil {
			return fmt.Errorf("config: subscription of %s to %s: %w", sub.Endpoint, sub.Topic, err)
		}
	}
	for _, rule := range r.Rules {
		a, err := acct(rule.Account)
		if err != nil {
			return err
		}
		pattern, err := patternText(&rule.Pattern)
		if err != nil {
			return fmt.Errorf("config: rule %s: pattern: %w", rule.Name, err)
		}
		if _, err := a.rt.Events.PutRule(ctx, events.PutRuleInput{Name: rule.Name, EventBusName: rule.Bus, EventPattern: pattern,
			State: rule.State, Description: rule.Description}); err != nil {
			return fmt.Errorf("config: rule %s: %w", rule.Name, err)
		}
		if len(rule.Targets) == 0 {
			continue
		}
		ts := make([]events.Target, len(rule.Targets))
		for i, t := range rule.Targets {
			ts[i] = events.Target{ID: t.ID, Arn: t.Arn, Input: t.Input, InputPath: t.InputPath}
		}
		if err := a.rt.Events.PutTargets(ctx, rule.Bus, rule.Name, ts); err != nil {
			return fmt.Errorf("config: rule %s targets: %w", rule.Name, err)
		}
	}
	return nil
}
