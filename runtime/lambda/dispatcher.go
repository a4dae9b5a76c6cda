package lambda

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
	"github.com/patternc/patternc/runtime/store"
)

// Handler is a function's code.
type Handler func(ctx context.Context, payload []byte) ([]byte, error)

// Options tune a Dispatcher.
type Options struct {
	// RetryBaseDelay is the delay before the second attempt (the third
	// waits twice as long); default 60 s, as AWS.
	RetryBaseDelay time.Duration
	// PayloadLimit caps payloads, in bytes; default 256 KB.
	PayloadLimit int
	// Workers run handlers concurrently; default 8.
	Workers int
	// StatusRetention is how long a status document is kept after its
	// invocation ended (docs/semantics/runtime.md §7.1); default 24 h. Older ones read as not found
	// and are deleted when met.
	StatusRetention time.Duration
}

// unknownGrace is how long, on a shared store, an invocation of a
// function this instance has never known waits for its definition to
// arrive before it fails as deleted (one deleted here fails at once).
const unknownGrace = 30 * time.Second

type function struct {
	running atomic.Int64 // handler runs in progress
	name    string
	handler Handler
	opts    FunctionOptions
	cfg     EventInvokeConfig
	hasCfg  bool
}

// Dispatcher runs asynchronous invocations.
type Dispatcher struct {
	env  kernel.Env // Resolver finds destinations and DLQs by ARN
	opts Options
	q    *queue.Queue

	mu    sync.RWMutex
	funcs map[string]*function
	gone  map[string]bool // unregistered here: deleted, not on its way

	stats counters

	// shared: the store is shared with other instances (they accept
	// invocations this one may claim).
	shared bool

	observers atomic.Pointer[[]func(Change)]
	// follower is the store as a Follower when several processes share it
	// (follow.go); nil on bbolt.
	follower store.Follower
	idemMu   sync.Mutex // one keyed invoke at a time: check and record are one step
}

// counters are the dispatcher's named counters (docs/semantics/runtime.md §8.7), since start.
type counters struct {
	accepted, succeeded, failed, expired, retries, throttles,
	destinationFailures, dlqFailures atomic.Int64
}

// Stats returns the dispatcher's counters since it was made, by the names
// GET /v1/metrics shows.
func (d *Dispatcher) Stats() map[string]int64 {
	c := &d.stats
	return map[string]int64{
		"invocations_accepted":          c.accepted.Load(),
		"invocations_succeeded":         c.succeeded.Load(),
		"invocations_failed":            c.failed.Load(),
		"invocations_expired":           c.expired.Load(),
		"invocation_retries":            c.retries.Load(),
		"invocation_throttles":          c.throttles.Load(),
		"destination_delivery_failures": c.destinationFailures.Load(),
		"invocations_failed_to_dlq":     c.dlqFailures.Load(),
		// taken from a dead instance's lapsed lease (shared stores)
		"invocations_taken_over": d.q.Stats().TakenOver.Load(),
	}
}

// New makes a dispatcher on env.Store; call Run to process invocations.
func New(env kernel.Env, cfg Options) (*Dispatcher, error) {
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("lambda: %w", err)
	}
	if cfg.RetryBaseDelay <= 0 {
		cfg.RetryBaseDelay = 60 * time.Second
	}
	if cfg.PayloadLimit <= 0 {
		cfg.PayloadLimit = 256 << 10
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.StatusRetention <= 0 {
		cfg.StatusRetention = 24 * time.Hour
	}
	q, err := queue.Open(env, "lambda-async")
	if err != nil {
		return nil, err
	}
	_, shared := env.Store.(store.Watcher)
	d := &Dispatcher{env: env, opts: cfg, q: q, funcs: map[string]*function{}, shared: shared}
	d.follower, _ = env.Store.(store.Follower)
	return d, nil
}

// FunctionARN is the qualified ARN of a function.
func (d *Dispatcher) FunctionARN(name string) string {
	return d.env.ARN("lambda", "function:"+name+":$LATEST").String()
}

// Register adds (or replaces) a function.
func (d *Dispatcher) Register(name string, h Handler, opts FunctionOptions) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := &function{name: name, handler: h, opts: opts}
	if old, ok := d.funcs[name]; ok {
		f.cfg, f.hasCfg = old.cfg, old.hasCfg
	}
	d.funcs[name] = f
	delete(d.gone, name)
}

// Unregister deletes a function; its queued events fail.
func (d *Dispatcher) Unregister(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.funcs, name)
	if d.gone == nil {
		d.gone = map[string]bool{}
	}
	d.gone[name] = true
}

// removed reports whether name was unregistered here (and not since
// registered again).
func (d *Dispatcher) removed(name string) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.gone[name]
}

func (d *Dispatcher) function(name string) *function {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.funcs[name]
}
