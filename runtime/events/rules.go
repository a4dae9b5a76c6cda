package events

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/runtime/store"
)

// Rule is a rule and its targets.
type Rule struct {
	Name         string
	Arn          string
	EventPattern string
	State        string
	Description  string `json:",omitempty"`
	EventBusName string
	ManagedBy    string `json:",omitempty"`
	Targets      []*Target

	pattern *compiler.Pattern
}

func ruleKey(busName, rule string) []byte { return []byte("rule/" + busName + "/" + rule) }

func (s *Service) saveRule(ctx context.Context, b *bus, r *Rule) error {
	val, err := json.Marshal(r)
	if err != nil {
		return err
	}
	var bt store.Batch
	bt.Put(configBucket, ruleKey(b.def.Name, r.Name), val)
	return s.apply(ctx, &bt)
}

func (s *Service) removeRule(ctx context.Context, b *bus, name string) error {
	var bt store.Batch
	bt.Delete(configBucket, ruleKey(b.def.Name, name))
	return s.apply(ctx, &bt)
}

func (s *Service) ruleARN(busName, rule string) string {
	if busName == "default" {
		return s.env.ARN("events", "rule/"+rule).String()
	}
	return s.env.ARN("events", "rule/"+busName+"/"+rule).String()
}

// PutRuleInput is a PutRule request.
type PutRuleInput struct {
	Name               string
	EventBusName       string
	EventPattern       string
	State              string
	Description        string
	ScheduleExpression string
}

// PutRule creates or replaces a rule and returns its ARN.
func (s *Service) PutRule(ctx context.Context, in PutRuleInput) (string, error) {
	return s.putRule(ctx, in, "")
}

func (s *Service) putRule(ctx context.Context, in PutRuleInput, managedBy string) (string, error) {
	if !ruleNameRE.MatchString(in.Name) {
		return "", validation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", in.Name)
	}
	if in.ScheduleExpression != "" {
		return "", validation("ScheduleExpression is not supported by patternc.")
	}
	if in.EventPattern == "" {
		return "", validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if len(in.Description) > 512 {
		return "", validation("Description must be at most 512 characters.")
	}
	state := in.State
	switch state {
	case "", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS":
		if state == "" {
			state = "ENABLED"
		}
	case "ENABLED", "DISABLED":
	default:
		return "", validation("1 validation error detected: Value '%s' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]", state)
	}
	if len(in.EventPattern) > 4096 {
		return "", apiErr("InvalidEventPatternException", "Event pattern is not valid. Reason: the pattern is longer than 4096 characters")
	}
	p, err := compiler.Compile([]byte(in.EventPattern), compiler.EventBridge, nil)
	if err != nil {
		return "", apiErr("InvalidEventPatternException", "Event pattern is not valid. Reason: %s", reason(err))
	}
	busName := s.busName(in.EventBusName)
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buses[busName]
	if !ok {
		return "", notFound("Event bus %s does not exist.", busName)
	}
	old := b.rules[in.Name]
	if old != nil && old.ManagedBy != managedBy {
		return "", validation("Rule %s is managed by %s and cannot be changed.", in.Name, old.ManagedBy)
	}
	if old == nil && len(b.rules) >= s.cfg.MaxRulesPerBus {
		return "", apiErr("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
	}
	r := &Rule{Name: in.Name, Arn: s.ruleARN(busName, in.Name), EventPattern: in.EventPattern, State: state,
		Description: in.Description, EventBusName: busName, ManagedBy: managedBy, pattern: p}
	if old != nil {
		r.Targets = old.Targets
	}
	// Add replaces the old pattern in one snapshot (and on error keeps it):
	// an event matched meanwhile sees the old rule or the new one.
	if state == "DISABLED" {
		b.patterns.Delete(automaton.ID(in.Name))
	} else if err := b.patterns.Put(automaton.ID(in.Name), p); err != nil {
		return "", apiErr("InvalidEventPatternException", "Event pattern is not valid. Reason: %s", err.Error())
	}
	b.rules[in.Name] = r
	if err := s.saveRule(ctx, b, r); err != nil {
		return "", err
	}
	return r.Arn, nil
}

func reason(err error) string {
	if l, ok := err.(compiler.ErrorList); ok && len(l) > 0 {
		return l[0].Reason
	}
	return err.Error()
}

// rule finds a rule of a bus; the caller holds s.mu.
func (s *Service) rule(busName, name string) (*bus, *Rule, error) {
	b, err := s.bus(busName)
	if err != nil {
		return nil, nil, err
	}
	r, ok := b.rules[name]
	if !ok {
		return nil, nil, notFound("Rule %s does not exist on EventBus %s.", name, b.def.Name)
	}
	return b, r, nil
}

// DescribeRule returns a copy of a rule with its targets.
func (s *Service) DescribeRule(busName, name string) (Rule, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, r, err := s.rule(busName, name)
	if err != nil {
		return Rule{}, err
	}
	return *r, nil
}

// ListRules lists a bus's rules by name.
func (s *Service) ListRules(busName string) ([]Rule, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buses[s.busName(busName)]
	if !ok {
		return nil, notFound("Event bus %s does not exist.", s.busName(busName))
	}
	var out []Rule
	for _, r := range b.rules {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// EnableRule and DisableRule flip a rule's state; events ingested after
// the call returns see the new state.
func (s *Service) EnableRule(ctx context.Context, busName, name string) error {
	return s.setState(ctx, busName, name, "ENABLED")
}

// DisableRule: see EnableRule.
func (s *Service) DisableRule(ctx context.Context, busName, name string) error {
	return s.setState(ctx, busName, name, "DISABLED")
}

func (s *Service) setState(ctx context.Context, busName, name, state string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, r, err := s.rule(busName, name)
	if err != nil {
		return err
	}
	if state == "ENABLED" {
		if err := b.patterns.Put(automaton.ID(name), r.pattern); err != nil { // replaces: never absent meanwhile
			return err
		}
	} else {
		b.patterns.Delete(automaton.ID(name))
	}
	r.State = state
	return s.saveRule(ctx, b, r)
}

// DeleteRule deletes a rule that has no targets; an unknown rule is no error.
func (s *Service) DeleteRule(ctx context.Context, busName, name string) error {
	return s.deleteRule(ctx, busName, name, "")
}

func (s *Service) deleteRule(ctx context.Context, busName, name, managedBy string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bus(busName)
	if err != nil {
		return err
	}
	r, ok := b.rules[name]
	if !ok {
		return nil
	}
	if r.ManagedBy != managedBy {
		return validation("Rule %s is managed by %s and cannot be changed.", name, r.ManagedBy)
	}
	if len(r.Targets) > 0 && managedBy == "" {
		return validation("Rule can't be deleted since it has targets.")
	}
	b.patterns.Delete(automaton.ID(name))
	delete(b.rules, name)
	return s.removeRule(ctx, b, name)
}
