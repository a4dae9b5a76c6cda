package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/events"
	"github.com/patternc/patternc/runtime/functions"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/logs"
	"github.com/patternc/patternc/runtime/pipes"
	"github.com/patternc/patternc/runtime/schemas"
	"github.com/patternc/patternc/runtime/sns"
	"github.com/patternc/patternc/runtime/sqs"
	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/boltstore"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// Config opens a Runtime. Exactly one of Store, NATSURL or Dir picks the
// store: a store the caller opened, JetStream at NATSURL, or bbolt in Dir.
type Config struct {
	Dir        string // bbolt data directory
	NATSURL    string // JetStream server (buckets prefixed with NATSPrefix)
	NATSPrefix string
	Store      store.Store // already open (the caller closes it)

	Clock   clock.Clock // default: the wall clock
	Region  string      // default us-east-1
	Account string      // default 000000000000
	// StrictBus rejects PutEvents entries naming an unknown bus.
	StrictBus bool
	// RetryBase scales bus target backoff (default 1 s).
	RetryBase time.Duration
	// MaxRulesPerBus is the rule quota of a bus (default 300, AWS's).
	MaxRulesPerBus int
	// Discovery infers schemas of every routed event into
	// discovered-schemas.
	Discovery bool
	// BaseURL is where `patternc serve` answers (SNS confirmation links).
	BaseURL string
	Logger  *slog.Logger // default slog.Default()
	// Foreign, when set, resolves ARNs that name another account (a
	// bus target in another account); it decides whether that account's
	// policy lets this one deliver. Without it such ARNs resolve to
	// nothing (NO_RESOURCE).
	Foreign kernel.Resolver
	// CodeDir is where function code is unpacked and the runtime clients
	// live; default Dir/code. With neither, Functions is nil: only Go and
	// HTTP handlers run.
	CodeDir string
	// Functions tunes the function processes (Dir and Dispatcher are set
	// by Open).
	Functions functions.Options
	// LambdaRetryBase scales the async dispatcher's retry delays (default
	// 60 s, as AWS).
	LambdaRetryBase time.Duration
}

// The runtime's sentinels (kernel's, re-exported): ErrThrottled and
// ErrPermanent classify errors of Go handler targets (throttled deliveries
// are retried, permanent ones go to the DLQ at once); ErrNoResource is an
// ARN that names nothing.
var (
	ErrThrottled  = kernel.ErrThrottled
	ErrPermanent  = kernel.ErrPermanent
	ErrNoResource = kernel.ErrNoResource
)

// Runtime owns the store, the clock and the services: event buses, topics,
// local queues, the async dispatcher and the schema registry. It resolves
// ARNs to sinks so services hand messages to each other.
type Runtime struct {
	// Env is the environment every service was opened with (its Resolver
	// is the Runtime).
	Env     kernel.Env
	Store   store.Store
	Clock   clock.Clock
	Events  *events.Service
	Queues  *sqs.Service
	Lambda  *lambda.Dispatcher
	Topics  *sns.Service
	Schemas *schemas.Registry
	// Functions runs function code as processes (nil without a CodeDir);
	// Logs holds log groups: function output and rule-target events.
	Functions *functions.Service
	Logs      *logs.Service
	// Pipes move records from local queues through a filter, an
	// enrichment and a template to a target.
	Pipes *pipes.Service

	ownStore bool
	foreign  kernel.Resolver
	runMu    sync.Mutex
	closed   bool
	stops    []context.CancelFunc // of the Runs in progress
	runs     sync.WaitGroup
}

// ErrClosed is returned by Run after Close.
var ErrClosed = errors.New("runtime: closed")

// Open opens the store and the services on it.
func Open(cfg Config) (*Runtime, error) {
	r := &Runtime{foreign: cfg.Foreign}
	switch {
	case cfg.Store != nil:
		r.Store = cfg.Store
	case cfg.NATSURL != "":
		st, err := jsstore.Open(jsstore.Config{URL: cfg.NATSURL, Prefix: cfg.NATSPrefix})
		if err != nil {
			return nil, fmt.Errorf("runtime: open JetStream store: %w", err)
		}
		r.Store, r.ownStore = st, true
	case cfg.Dir != "":
		st, err := boltstore.Open(cfg.Dir)
		if err != nil {
			return nil, fmt.Errorf("runtime: open store in %s: %w", cfg.Dir, err)
		}
		r.Store, r.ownStore = st, true
	default:
		return nil, errors.New("runtime: Config needs Dir, NATSURL or Store")
	}
	fail := func(err error) (*Runtime, error) {
		if r.ownStore {
			_ = r.Store.Close()
		}
		return nil, err
	}
	env, err := kernel.Env{Store: r.Store, Clock: cfg.Clock, Resolver: r, Region: cfg.Region, Account: cfg.Account, Logger: cfg.Logger}.WithDefaults()
	if err != nil {
		return fail(err)
	}
	r.Env, r.Clock = env, env.Clock
	if r.Queues, err = sqs.New(env, sqs.Options{}); err != nil {
		return fail(err)
	}
	if r.Lambda, err = lambda.New(env, lambda.Options{RetryBaseDelay: cfg.LambdaRetryBase}); err != nil {
		return fail(err)
	}
	if r.Logs, err = logs.New(env, logs.Options{}); err != nil {
		return fail(err)
	}
	if cfg.CodeDir == "" && cfg.Dir != "" {
		cfg.CodeDir = filepath.Join(cfg.Dir, "code")
	}
	if cfg.CodeDir != "" {
		fo := cfg.Functions
		fo.Dir, fo.Dispatcher = cfg.CodeDir, r.Lambda
		if fo.Logs == nil {
			fo.Logs = r.Logs
		}
		if r.Functions, err = functions.New(env, fo); err != nil {
			return fail(err)
		}
	}
	if r.Topics, err = sns.New(env, sns.Options{BaseURL: cfg.BaseURL}); err != nil {
		return fail(err)
	}
	eopts := events.Options{StrictBus: cfg.StrictBus, RetryBase: cfg.RetryBase, MaxRulesPerBus: cfg.MaxRulesPerBus}
	r.Schemas, err = schemas.New(env, schemas.Options{Notify: func(detailType string, s schemas.Schema) {
		if r.Events == nil {
			return
		}
		detail, _ := json.Marshal(map[string]string{"SchemaName": s.SchemaName, "SchemaType": s.Type,
			"RegistryName": s.RegistryName, "CreationDate": s.CreationDate.Format(time.RFC3339), "Version": s.Version})
		if err := r.Events.PutSystemEvent(context.Background(), "aws.schemas", detailType, detail); err != nil {
			env.Logf("runtime: emitting %s: %v", detailType, err)
		}
	}})
	if err != nil {
		return fail(err)
	}
	eopts.Schemas = r.Schemas
	// Discovery infers every bus's events (Config.Discovery) or those of
	// the buses a STARTED discoverer watches (CreateDiscoverer).
	eopts.Observe = func(bus string, event []byte) {
		if !cfg.Discovery && !r.Schemas.Discovering(r.Events.BusARN(bus)) {
			return
		}
		if err := r.Schemas.Observe(context.Background(), event); err != nil {
			env.Logf("runtime: schema discovery: %v", err)
		}
	}
	if r.Events, err = events.New(env, eopts); err != nil {
		return fail(err)
	}
	if r.Pipes, err = pipes.New(env, pipes.Options{Queues: pipeQueues{r}, Enrich: pipeEnricher{r}, Feeds: pipeFeeds{r}}); err != nil {
		return fail(err)
	}
	if r.Functions != nil {
		// Destinations resolve now that every service is open.
		r.Functions.RestoreInvokeConfigs()
	}
	return r, nil
}

// Resolve implements kernel.Resolver by the ARN's service: event buses,
// topics, local queues and functions.
func (r *Runtime) Resolve(arn string) (kernel.Sink, error) {
	a, err := kernel.ParseARN(arn)
	if err != nil {
		return nil, fmt.Errorf("runtime: %v: %w", err, kernel.ErrNoResource)
	}
	if r.foreign != nil && a.Account != "" && a.Account != r.Env.Account {
		return r.foreign.Resolve(arn)
	}
	switch a.Service {
	case "events":
		return r.Events.Resolve(arn)
	case "sqs":
		return r.Queues.Resolve(arn)
	case "lambda":
		return r.Lambda.Resolve(arn)
	case "sns":
		return r.Topics.Resolve(arn)
	case "logs":
		return r.Logs.Resolve(arn)
	}
	return nil, fmt.Errorf("runtime: no service for %s: %w", arn, kernel.ErrNoResource)
}

// Run delivers: bus routing and targets, topic subscriptions and async
// invocations, until ctx is done. Pending work from before a restart
// resumes.
func (r *Runtime) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.runMu.Lock()
	if r.closed {
		r.runMu.Unlock()
		return ErrClosed
	}
	r.stops = append(r.stops, cancel)
	r.runs.Add(1)
	r.runMu.Unlock()
	defer r.runs.Done()
	runs := []func(context.Context) error{r.Events.Run, r.Lambda.Run, r.Topics.Run, r.Pipes.Run, r.Schemas.Run, r.Queues.Run}
	if r.Functions != nil {
		runs = append(runs, r.Functions.Run)
	}
	errc := make(chan error, len(runs))
	for _, run := range runs {
		go func() { errc <- run(ctx) }()
	}
	err := <-errc
	cancel()
	for range runs[1:] {
		<-errc
	}
	return err
}

// Stats returns the runtime's named counters (docs/semantics/runtime.md
// §8.7): the buses' (events.Service Stats), the topics' (prefixed "sns_"),
// the async dispatcher's (lambda.Dispatcher Stats: invocations_*,
// destination_delivery_failures, …), the logs' and the functions'.
func (r *Runtime) Stats() map[string]int64 {
	out := r.Events.Stats()
	for k, v := range r.Lambda.Stats() {
		out[k] = v
	}
	t := r.Topics.Stats()
	out["sns_delivered"] = t.Delivered
	out["sns_delivered_rejected"] = t.DeliveredRejected
	out["sns_retries"] = t.Retries
	out["sns_dlq_writes"] = t.DLQWrites
	out["sns_dropped"] = t.Dropped
	out["sns_filtered"] = t.Filtered
	out["sns_duplicates"] = t.Duplicates
	out["sns_taken_over"] = t.TakenOver
	for k, v := range r.Logs.Stats() {
		out[k] = v
	}
	for k, v := range r.Pipes.Stats() {
		out[k] = v
	}
	if r.Functions != nil {
		for k, v := range r.Functions.Stats() {
			out[k] = v
		}
	}
	return out
}

// Close stops any Run in progress and waits for it to return (deliveries
// in flight finish or are handed out again after a restart), stops
// function processes, then closes the store if Open opened it. So
// `defer rt.Close()` after `go rt.Run(ctx)` never closes the store under
// running deliveries.
func (r *Runtime) Close() error {
	r.runMu.Lock()
	r.closed = true
	for _, stop := range r.stops {
		stop()
	}
	r.stops = nil
	r.runMu.Unlock()
	r.runs.Wait()
	if r.Functions != nil {
		r.Functions.Close() // function processes stop after delivery
	}
	if r.ownStore {
		return r.Store.Close()
	}
	return nil
}
