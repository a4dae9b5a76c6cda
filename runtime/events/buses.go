package events

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
)

type bus struct {
	def   BusDef
	rules map[string]*Rule
	// patterns holds the enabled rules' patterns by rule name, kept
	// planned as they change one at a time (automaton.Rules).
	patterns *automaton.Rules
}

// BusDef is what is stored about a bus.
type BusDef struct {
	Name        string
	Arn         string
	Description string `json:",omitempty"`
	// Policy is the bus's resource policy (PutPermission), JSON.
	Policy string `json:",omitempty"`
	// Schemas binds detail-types to registered schemas (docs/semantics/runtime.md §4.3).
	Schemas []SchemaBinding `json:",omitempty"`
}

// SchemaBinding binds events of DetailType ("*" for any) to a schema.
type SchemaBinding struct {
	DetailType string
	Registry   string
	Schema     string
	Version    string // "" for the latest
	Mode       string // off | warn | enforce
}

func (s *Service) newBus(d BusDef) *bus {
	return &bus{def: d, rules: map[string]*Rule{}, patterns: automaton.NewRules(automaton.Config{})}
}

// Layout in the config bucket: "bus/NAME" → BusDef, "rule/BUS/NAME" →
// Rule (with its targets), so changing a rule writes one small record.
func (s *Service) saveBus(ctx context.Context, b *bus) error {
	val, err := json.Marshal(b.def)
	if err != nil {
		return err
	}
	var bt store.Batch
	bt.Put(configBucket, []byte("bus/"+b.def.Name), val)
	return s.apply(ctx, &bt)
}

// BusARN is the ARN of the bus name.
func (s *Service) BusARN(name string) string {
	return s.env.ARN("events", "event-bus/"+name).String()
}

// busName accepts a bus name or ARN; "" is the default bus.
func (s *Service) busName(nameOrArn string) string {
	if nameOrArn == "" {
		return "default"
	}
	if a, err := kernel.ParseARN(nameOrArn); err == nil && a.Service == "events" && a.ResourceType() == "event-bus" {
		return a.ResourceID()
	}
	return nameOrArn
}

// CreateEventBus creates a custom bus and returns its ARN.
func (s *Service) CreateEventBus(ctx context.Context, name, description string) (string, error) {
	if !busNameRE.MatchString(name) || strings.Contains(name, "/") {
		return "", validation("Event bus name %s is not valid.", name)
	}
	if name == "default" {
		return "", apiErr("ResourceAlreadyExistsException", "Event bus %s already exists.", name)
	}
	if len(description) > 512 {
		return "", validation("Description must be at most 512 characters.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buses[name]; ok {
		return "", apiErr("ResourceAlreadyExistsException", "Event bus %s already exists.", name)
	}
	if len(s.buses) >= s.cfg.MaxBuses {
		return "", apiErr("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
	}
	b := s.newBus(BusDef{Name: name, Arn: s.BusARN(name), Description: description})
	if err := s.saveBus(ctx, b); err != nil {
		return "", err
	}
	s.buses[name] = b
	return b.def.Arn, nil
}

// DescribeEventBus returns a bus's definition.
func (s *Service) DescribeEventBus(name string) (BusDef, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buses[s.busName(name)]
	if !ok {
		return BusDef{}, notFound("Event bus %s does not exist.", s.busName(name))
	}
	return b.def, nil
}

// ListEventBuses lists every bus by name.
func (s *Service) ListEventBuses() []BusDef {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []BusDef
	for _, b := range s.buses {
		out = append(out, b.def)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DeleteEventBus deletes a custom bus with its rules and targets.
func (s *Service) DeleteEventBus(ctx context.Context, name string) error {
	name = s.busName(name)
	if name == "default" {
		return validation("Cannot delete event bus default.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buses[name]; !ok {
		return notFound("Event bus %s does not exist.", name)
	}
	var bt store.Batch
	for r := range s.buses[name].rules {
		bt.Delete(configBucket, ruleKey(name, r))
	}
	bt.Delete(configBucket, []byte("bus/"+name))
	if err := s.apply(ctx, &bt); err != nil {
		return err
	}
	delete(s.buses, name)
	return nil
}

// BindSchema binds events of a detail-type on a bus to a registered schema.
func (s *Service) BindSchema(ctx context.Context, busName string, b SchemaBinding) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	bs, ok := s.buses[s.busName(busName)]
	if !ok {
		return notFound("Event bus %s does not exist.", s.busName(busName))
	}
	switch b.Mode {
	case "off", "warn", "enforce":
	default:
		return validation("Schema binding mode must be off, warn or enforce, not %q.", b.Mode)
	}
	bs.def.Schemas = append(bs.def.Schemas, b)
	return s.saveBus(ctx, bs)
}

// bus finds a bus by name or ARN; the caller holds s.mu.
func (s *Service) bus(nameOrArn string) (*bus, error) {
	name := s.busName(nameOrArn)
	b, ok := s.buses[name]
	if !ok {
		return nil, notFound("Event bus %s does not exist.", name)
	}
	return b, nil
}
