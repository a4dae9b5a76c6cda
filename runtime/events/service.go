package events

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/runtime/internal/mirror"
	"github.com/patternc/patternc/runtime/internal/watch"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
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
	watchers   watch.List[Activity]

	shared *mirror.Mirror // the config bucket as watched, on shared stores (shared.go)
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
	s.startShared()
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

// configSnapshot is the configuration read from the store.
type configSnapshot struct {
	buses    map[string]*bus
	dests    map[string]*APIDestination
	archives map[string]*Archive
	replays  map[string]*Replay
}

func (s *Service) load(ctx context.Context) error {
	c, err := s.scanConfig(ctx)
	if err != nil {
		return err
	}
	s.buses, s.dests, s.archives, s.replays = c.buses, c.dests, c.archives, c.replays
	return nil
}

// scanConfig reads buses, rules, destinations, archives and replays into
// fresh maps, compiling each enabled rule into its bus's machine.
func (s *Service) scanConfig(ctx context.Context) (*configSnapshot, error) {
	return s.readConfig(func(fn func(k, v []byte) bool) error {
		return s.env.Store.Scan(ctx, configBucket, nil, nil, fn)
	})
}

// readConfig builds a snapshot from scan, which visits the config records
// in ascending key order (buses before their rules).
func (s *Service) readConfig(scan func(fn func(k, v []byte) bool) error) (*configSnapshot, error) {
	c := &configSnapshot{buses: map[string]*bus{}, dests: map[string]*APIDestination{}, archives: map[string]*Archive{}, replays: map[string]*Replay{}}
	// Each bus's enabled rules are loaded at once, after the scan (AddAll
	// plans a set it loads; one Add per rule left a machine that matched
	// a bus of 10 000 rules some 20 % slower: automaton.Rules).
	type batch struct {
		ids []automaton.ID
		ps  []*compiler.Pattern
	}
	batches := map[*bus]*batch{}
	var loadErr error
	err := scan(func(k, v []byte) bool {
		key := string(k)
		switch {
		case strings.HasPrefix(key, "bus/"):
			var d BusDef
			if loadErr = json.Unmarshal(v, &d); loadErr != nil {
				return false
			}
			c.buses[d.Name] = s.newBus(d)
		case strings.HasPrefix(key, "rule/"):
			var r Rule
			if loadErr = json.Unmarshal(v, &r); loadErr != nil {
				return false
			}
			b := c.buses[r.EventBusName]
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
				bt := batches[b]
				if bt == nil {
					bt = &batch{}
					batches[b] = bt
				}
				bt.ids, bt.ps = append(bt.ids, automaton.ID(r.Name)), append(bt.ps, p)
			}
		case strings.HasPrefix(key, "archive/"):
			var a Archive
			if loadErr = json.Unmarshal(v, &a); loadErr != nil {
				return false
			}
			c.archives[a.ArchiveName] = &a
		case strings.HasPrefix(key, "replay/"):
			var r Replay
			if loadErr = json.Unmarshal(v, &r); loadErr != nil {
				return false
			}
			c.replays[r.ReplayName] = &r
		case strings.HasPrefix(key, "dest/"):
			var d APIDestination
			if loadErr = json.Unmarshal(v, &d); loadErr != nil {
				return false
			}
			c.dests[d.Name] = &d
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if loadErr != nil {
		return c, loadErr
	}
	for b, bt := range batches {
		if err := b.patterns.Load(bt.ids, bt.ps); err != nil {
			return c, fmt.Errorf("events: stored rules of bus %s: %w", b.def.Name, err)
		}
	}
	return c, nil
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
	// taken from a dead instance's lapsed lease (shared stores)
	out["deliveries_taken_over"] = s.deliver.Stats().TakenOver.Load()
	return out
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
