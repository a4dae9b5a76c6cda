package events

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
	"github.com/patternc/patternc/runtime/store"
)

// Options tune a Service.
type Options struct {
	// StrictBus turns PutEvents to an unknown bus into an entry error.
	StrictBus bool
	// MaxBuses and MaxRulesPerBus are quotas (defaults 100 and 300).
	MaxBuses, MaxRulesPerBus int
	// RetryBase scales the backoff: delay before retry n is
	// c/2 + rand[0,c/2], c = min(300×RetryBase, RetryBase×2^(n-1)).
	RetryBase time.Duration
	// Workers deliver in parallel (default 8).
	Workers int
	// HTTPClient sends API-destination requests (default: 5 s connect,
	// 10 s response).
	HTTPClient *http.Client
	// Schemas, when set, checks events on buses bound to schemas (docs/semantics/runtime.md §4.3).
	Schemas SchemaChecker
	// Observe, when set, sees every routed event (schema discovery).
	Observe func(bus string, event []byte)
}

// SchemaChecker validates an event against a registered schema; the error
// text is the "{json-pointer}: {reason}" of the first failure.
type SchemaChecker interface {
	Validate(registry, schema, version string, event []byte) (usedVersion string, err error)
}

// Handler is a Go function target (library only).
type Handler func(ctx context.Context, payload []byte) error

// Service is the event buses of one account and region.
type Service struct {
	env     kernel.Env // Resolver reaches topics, functions, queues by ARN
	cfg     Options
	deliver *queue.Queue

	mu       sync.RWMutex
	buses    map[string]*bus
	handlers map[string]Handler
	dests    map[string]*APIDestination
	archives map[string]*Archive
	replays  map[string]*Replay

	counters   sync.Map // name → *atomic.Int64
	replayKick chan struct{}
	observed   chan observed
	sweepMu    sync.Mutex // one archive sweep at a time
}

type bus struct {
	def     BusDef
	rules   map[string]*Rule
	machine *automaton.Machine
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

// Target is one target of a rule.
type Target struct {
	ID               string            `json:"Id"`
	Arn              string            `json:"Arn"`
	Input            string            `json:"Input,omitempty"`
	InputPath        string            `json:"InputPath,omitempty"`
	InputTransformer *InputTransformer `json:"InputTransformer,omitempty"`
	RetryPolicy      *RetryPolicy      `json:"RetryPolicy,omitempty"`
	DeadLetterArn    string            `json:"DeadLetterArn,omitempty"`
}

// RetryPolicy bounds a target's retries (docs/semantics/runtime.md §2.5); nil fields take defaults.
type RetryPolicy struct {
	MaximumRetryAttempts     *int `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int `json:"MaximumEventAgeInSeconds,omitempty"`
}

const (
	configBucket = "events-config"
	archiveRule  = "Events-Archive-"
)

var (
	busNameRE  = regexp.MustCompile(`^[/\.\-_A-Za-z0-9]{1,256}$`)
	ruleNameRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)
)

// New opens the buses, rules, archives and pending deliveries kept in
// env.Store. Call Run to start delivering.
func New(env kernel.Env, cfg Options) (*Service, error) {
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	if cfg.MaxBuses <= 0 {
		cfg.MaxBuses = 100
	}
	if cfg.MaxRulesPerBus <= 0 {
		cfg.MaxRulesPerBus = 300
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = defaultHTTPClient()
	}
	s := &Service{env: env, cfg: cfg, buses: map[string]*bus{}, handlers: map[string]Handler{},
		dests: map[string]*APIDestination{}, archives: map[string]*Archive{}, replays: map[string]*Replay{}, replayKick: make(chan struct{}, 1), observed: make(chan observed, 64)}
	if s.deliver, err = queue.Open(env, "events-deliver"); err != nil {
		return nil, err
	}
	if err := s.load(context.Background()); err != nil {
		return nil, err
	}
	if err := s.recountArchives(context.Background()); err != nil {
		return nil, err
	}
	if _, ok := s.buses["default"]; !ok {
		s.buses["default"] = s.newBus(BusDef{Name: "default", Arn: s.BusARN("default")})
		if err := s.saveBus(context.Background(), s.buses["default"]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Service) newBus(d BusDef) *bus {
	return &bus{def: d, rules: map[string]*Rule{}, machine: automaton.New(automaton.Config{})}
}

func (s *Service) load(ctx context.Context) error {
	var loadErr error
	err := s.env.Store.Scan(ctx, configBucket, nil, nil, func(k, v []byte) bool {
		key := string(k)
		switch {
		case strings.HasPrefix(key, "bus/"):
			var d BusDef
			if loadErr = json.Unmarshal(v, &d); loadErr != nil {
				return false
			}
			s.buses[d.Name] = s.newBus(d)
		case strings.HasPrefix(key, "rule/"):
			var r Rule
			if loadErr = json.Unmarshal(v, &r); loadErr != nil {
				return false
			}
			b := s.buses[r.EventBusName]
			if b == nil {
				return true // its bus was deleted
			}
			p, err := compiler.Compile([]byte(r.EventPattern), compiler.EventBridge, nil)
			if err != nil {
				loadErr = fmt.Errorf("events: stored rule %s: %w", r.Name, err)
				return false
			}
			r.pattern = p
			b.rules[r.Name] = &r
			if r.State != "DISABLED" {
				if loadErr = b.machine.Add(automaton.ID(r.Name), p); loadErr != nil {
					return false
				}
			}
		case strings.HasPrefix(key, "archive/"):
			var a Archive
			if loadErr = json.Unmarshal(v, &a); loadErr != nil {
				return false
			}
			s.archives[a.ArchiveName] = &a
		case strings.HasPrefix(key, "replay/"):
			var r Replay
			if loadErr = json.Unmarshal(v, &r); loadErr != nil {
				return false
			}
			s.replays[r.ReplayName] = &r
		case strings.HasPrefix(key, "dest/"):
			var d APIDestination
			if loadErr = json.Unmarshal(v, &d); loadErr != nil {
				return false
			}
			s.dests[d.Name] = &d
		}
		return true
	})
	if err != nil {
		return err
	}
	return loadErr
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
	return s.env.Store.Apply(ctx, &bt)
}

func ruleKey(busName, rule string) []byte { return []byte("rule/" + busName + "/" + rule) }

func (s *Service) saveRule(ctx context.Context, b *bus, r *Rule) error {
	val, err := json.Marshal(r)
	if err != nil {
		return err
	}
	var bt store.Batch
	bt.Put(configBucket, ruleKey(b.def.Name, r.Name), val)
	return s.env.Store.Apply(ctx, &bt)
}

func (s *Service) removeRule(ctx context.Context, b *bus, name string) error {
	var bt store.Batch
	bt.Delete(configBucket, ruleKey(b.def.Name, name))
	return s.env.Store.Apply(ctx, &bt)
}

func (s *Service) count(name string, n int64) {
	c, _ := s.counters.LoadOrStore(name, new(atomic.Int64))
	c.(*atomic.Int64).Add(n)
}

// Stats returns the service's counters (events_put, events_dropped_unknown_bus,
// deliveries_ok, deliveries_retried, deliveries_failed, dlq_sent,
// invocations_failed_to_dlq, events_archived, …).
func (s *Service) Stats() map[string]int64 {
	out := map[string]int64{}
	s.counters.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

// BusARN is the ARN of the bus name.
func (s *Service) BusARN(name string) string {
	return s.env.ARN("events", "event-bus/"+name).String()
}

func (s *Service) ruleARN(busName, rule string) string {
	if busName == "default" {
		return s.env.ARN("events", "rule/"+rule).String()
	}
	return s.env.ARN("events", "rule/"+busName+"/"+rule).String()
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
	if err := s.env.Store.Apply(ctx, &bt); err != nil {
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
		b.machine.Delete(automaton.ID(in.Name))
	} else if err := b.machine.Add(automaton.ID(in.Name), p); err != nil {
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

// bus finds a bus by name or ARN; the caller holds s.mu.
func (s *Service) bus(nameOrArn string) (*bus, error) {
	name := s.busName(nameOrArn)
	b, ok := s.buses[name]
	if !ok {
		return nil, notFound("Event bus %s does not exist.", name)
	}
	return b, nil
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
		if err := b.machine.Add(automaton.ID(name), r.pattern); err != nil { // replaces: never absent meanwhile
			return err
		}
	} else {
		b.machine.Delete(automaton.ID(name))
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
	b.machine.Delete(automaton.ID(name))
	delete(b.rules, name)
	return s.removeRule(ctx, b, name)
}

var targetIDRE = regexp.MustCompile(`^[\.\-_A-Za-z0-9]+$`)

// PutTargets adds or replaces targets of a rule (all or nothing).
func (s *Service) PutTargets(ctx context.Context, busName, ruleName string, targets []Target) error {
	for i := range targets {
		t := &targets[i]
		if len(t.ID) > 64 {
			return validation("1 validation error detected: Value '%s' at 'targets.%d.member.id' failed to satisfy constraint: Member must have length less than or equal to 64", t.ID, i+1)
		}
		if !targetIDRE.MatchString(t.ID) {
			return validation("1 validation error detected: Value '%s' at 'targets.%d.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", t.ID, i+1)
		}
		if t.Arn == "" || len(t.Arn) > 1600 || !strings.HasPrefix(t.Arn, "arn:") {
			return validation("1 validation error detected: Value '%s' at 'targets.%d.member.arn' failed to satisfy constraint: Member must be a valid ARN", t.Arn, i+1)
		}
		if e := checkShaping(t); e != nil {
			return e
		}
		if rp := t.RetryPolicy; rp != nil {
			if v := rp.MaximumRetryAttempts; v != nil && (*v < 0 || *v > 185) {
				return validation("1 validation error detected: Value '%d' at 'targets.%d.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value between 0 and 185", *v, i+1)
			}
			if v := rp.MaximumEventAgeInSeconds; v != nil && (*v < 60 || *v > 86400) {
				return validation("1 validation error detected: Value '%d' at 'targets.%d.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value between 60 and 86400", *v, i+1)
			}
		}
		if t.DeadLetterArn != "" && strings.HasSuffix(t.DeadLetterArn, ".fifo") {
			return validation("Dead-letter queue %s must be a standard queue, not FIFO.", t.DeadLetterArn)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, r, err := s.rule(busName, ruleName)
	if err != nil {
		return err
	}
	if r.ManagedBy != "" {
		return validation("Rule %s is managed by %s and cannot be changed.", ruleName, r.ManagedBy)
	}
	next := append([]*Target(nil), r.Targets...)
	for i := range targets {
		t := targets[i]
		replaced := false
		for j, old := range next {
			if old.ID == t.ID {
				next[j] = &t
				replaced = true
			}
		}
		if !replaced {
			next = append(next, &t)
		}
	}
	if len(next) > 5 {
		return apiErr("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
	}
	r.Targets = next
	return s.saveRule(ctx, b, r)
}

// FailedTarget is one RemoveTargets failure.
type FailedTarget struct {
	TargetID, ErrorCode, ErrorMessage string
}

// RemoveTargets removes targets by Id; unknown Ids are reported.
func (s *Service) RemoveTargets(ctx context.Context, busName, ruleName string, ids []string) ([]FailedTarget, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, r, err := s.rule(busName, ruleName)
	if err != nil {
		return nil, err
	}
	var failed []FailedTarget
	for _, id := range ids {
		found := false
		for j, t := range r.Targets {
			if t.ID == id {
				r.Targets = append(r.Targets[:j:j], r.Targets[j+1:]...)
				found = true
				break
			}
		}
		if !found {
			failed = append(failed, FailedTarget{id, "ResourceNotFoundException",
				fmt.Sprintf("Rule '%s' does not have a target with the Id '%s'.", ruleName, id)})
		}
	}
	return failed, s.saveRule(ctx, b, r)
}

// RegisterHandler makes fn the target behind arn (any ARN the caller
// chooses, e.g. arn:aws:lambda:…:function:local or a made-up
// arn:patternc:go:…:handler/name). Errors wrapping kernel.ErrThrottled are
// retried as THROTTLING, kernel.ErrPermanent goes straight to the DLQ, others
// are retried as TARGET_SERVER_ERROR.
func (s *Service) RegisterHandler(arn string, fn Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[arn] = fn
}
