package pipes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patternc/patternc/runtime/internal/mirror"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
)

// Queues is the queue service a pipe reads from (the runtime's local
// queues, SQS semantics): messages handed out stay hidden for the queue's
// visibility timeout until deleted, and the queue's redrive policy moves
// a message received too often to its DLQ.
type Queues interface {
	// Exists reports whether queueARN names a queue.
	Exists(queueARN string) bool
	// Receive hands out up to max visible messages, waiting up to wait
	// for the first.
	Receive(ctx context.Context, queueARN string, max int, wait time.Duration) ([]Message, error)
	// Delete removes messages handed out with receiptHandles, in one
	// commit.
	Delete(ctx context.Context, queueARN string, receiptHandles []string) error
}

// Invoker calls an enrichment synchronously (a function, an API
// destination) and returns its answer; an error (a function error
// included) fails the batch.
type Invoker interface {
	Invoke(ctx context.Context, arn string, payload []byte) ([]byte, error)
}

// Feeds connect a source that is not a queue — a topic or a bus — to
// an internal queue the pipe reads (a raw subscription, a managed rule),
// so that such a pipe has SQS semantics too.
type Feeds interface {
	// Attach makes what reaches sourceARN arrive on a queue of pipe's
	// own, and returns that queue's ARN and a handle for Detach.
	Attach(ctx context.Context, pipe, sourceARN string) (queueARN, handle string, err error)
	// Detach undoes Attach and deletes the queue.
	Detach(ctx context.Context, sourceARN, queueARN, handle string) error
}

// Options wire a Service to the runtime.
type Options struct {
	Queues Queues  // required to run pipes
	Enrich Invoker // required for pipes with an enrichment
	Feeds  Feeds   // required for pipes from a topic or a bus
	// Poll is how long one receive waits for a message (default 1 s):
	// how soon a stopped pipe notices, not a delay on delivery.
	Poll time.Duration
}

// Service keeps pipes in a store and, in Run, moves records through the
// running ones.
type Service struct {
	env  kernel.Env
	opts Options

	mu    sync.Mutex
	pipes map[string]*Pipe
	tags  map[string]map[string]string // by pipe name
	wake  chan struct{}
	// shared mirrors the pipes other instances write on a shared store
	// (shared.go); its Apply is every pipe write. Callers of save hold mu.
	shared *mirror.Mirror

	stats counters
}

type counters struct {
	received, filtered, delivered, failed, batches atomic.Int64
}

const bucket = "pipes"

type stored struct {
	Pipe Pipe
	Tags map[string]string `json:",omitempty"`
}

// New opens the pipes kept in env.Store.
func New(env kernel.Env, opts Options) (*Service, error) {
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("pipes: %w", err)
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	s := &Service{env: env, opts: opts, pipes: map[string]*Pipe{}, tags: map[string]map[string]string{}, wake: make(chan struct{}, 1),
		shared: mirror.New(env.Store, bucket, nil)}
	var bad error
	err = env.Store.Scan(context.Background(), bucket, nil, nil, func(k, v []byte) bool {
		var st stored
		if bad = json.Unmarshal(v, &st); bad != nil {
			return false
		}
		p := st.Pipe
		s.pipes[p.Name] = &p
		s.tags[p.Name] = st.Tags
		s.shared.Seed(k, v)
		return true
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, fmt.Errorf("pipes: loading: %w", err)
	}
	return s, nil
}

// Stats returns the pipes' counters: records received, filtered out,
// delivered, batches that failed.
func (s *Service) Stats() map[string]int64 {
	return map[string]int64{"pipes_received": s.stats.received.Load(), "pipes_filtered": s.stats.filtered.Load(),
		"pipes_delivered": s.stats.delivered.Load(), "pipes_failed_batches": s.stats.failed.Load(), "pipes_batches": s.stats.batches.Load()}
}

// ARN is the ARN of pipe name.
func (s *Service) ARN(name string) string { return s.env.ARN("pipes", "pipe/"+name).String() }

func notFound(name string) *kernel.Error {
	return kernel.Errorf("NotFoundException", 404, "Pipe %s does not exist.", name)
}

func conflict(format string, args ...any) *kernel.Error {
	return kernel.Errorf("ConflictException", 409, format, args...)
}

// save writes a pipe (nil: removes it) and signals Run.
func (s *Service) save(ctx context.Context, name string, p *Pipe, tags map[string]string) error {
	var b store.Batch
	if p == nil {
		b.Delete(bucket, []byte(name))
	} else {
		val, err := json.Marshal(stored{Pipe: *p, Tags: tags})
		if err != nil {
			return err
		}
		b.Put(bucket, []byte(name), val)
	}
	if err := s.shared.Apply(ctx, &b); err != nil {
		return err
	}
	s.signal()
	return nil
}

func (s *Service) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// checkEnds validates what a pipe connects: its source is a queue that
// exists, its target resolves.
func (s *Service) checkEnds(sp *Spec) error {
	a, _ := kernel.ParseARN(sp.Source)
	switch {
	case isFeed(a):
		if _, err := s.env.Resolver.Resolve(sp.Source); err != nil || s.opts.Feeds == nil {
			return validation("Source %s does not exist.", sp.Source)
		}
	case a.Service != "sqs" || s.opts.Queues == nil || !s.opts.Queues.Exists(sp.Source):
		return validation("Source %s is not a queue, topic or bus of this runtime.", sp.Source)
	}
	if _, err := s.env.Resolver.Resolve(sp.Target); err != nil {
		return validation("Target %s does not exist.", sp.Target)
	}
	if sp.Enrichment != "" && s.opts.Enrich == nil {
		return validation("Enrichment %s cannot be called: this runtime has no enrichment invoker.", sp.Enrichment)
	}
	return nil
}

// isFeed reports whether a source is read through an internal queue.
func isFeed(a kernel.ARN) bool {
	return a.Service == "sns" || a.Service == "events" && strings.HasPrefix(a.Resource, "event-bus/")
}

// Create creates a pipe in state CREATING (Run settles it to RUNNING or
// STOPPED, as DesiredState asks; default RUNNING).
func (s *Service) Create(ctx context.Context, sp Spec) (Pipe, error) {
	if sp.DesiredState == "" {
		sp.DesiredState = Running
	}
	if err := sp.check(); err != nil {
		return Pipe{}, err
	}
	if err := s.checkEnds(&sp); err != nil {
		return Pipe{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pipes[sp.Name]; ok {
		return Pipe{}, conflict("Pipe %s already exists.", sp.Name)
	}
	now := s.env.Clock.Now().UTC().Truncate(time.Second)
	tags := sp.Tags
	sp.Tags = nil
	p := &Pipe{Spec: sp, Arn: s.ARN(sp.Name), CurrentState: Creating, CreationTime: now, LastModifiedTime: now}
	if a, _ := kernel.ParseARN(sp.Source); isFeed(a) {
		q, h, err := s.opts.Feeds.Attach(ctx, sp.Name, sp.Source)
		if err != nil {
			return Pipe{}, err
		}
		p.FeedQueue, p.FeedHandle = q, h
	}
	if err := s.save(ctx, sp.Name, p, tags); err != nil {
		if p.FeedQueue != "" {
			_ = s.opts.Feeds.Detach(ctx, sp.Source, p.FeedQueue, p.FeedHandle)
		}
		return Pipe{}, err
	}
	s.pipes[sp.Name], s.tags[sp.Name] = p, tags
	return s.view(p), nil
}

// view is a copy of p for callers, with its tags.
func (s *Service) view(p *Pipe) Pipe {
	out := *p
	if t := s.tags[p.Name]; len(t) > 0 {
		out.Tags = map[string]string{}
		for k, v := range t {
			out.Tags[k] = v
		}
	}
	return out
}

// Describe returns a pipe.
func (s *Service) Describe(name string) (Pipe, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pipes[name]
	if !ok {
		return Pipe{}, notFound(name)
	}
	return s.view(p), nil
}

// List returns the pipes, sorted by name.
func (s *Service) List() []Pipe {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Pipe, 0, len(s.pipes))
	for _, p := range s.pipes {
		out = append(out, s.view(p))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Update changes a pipe: the members sp sets replace the pipe's (its
// source cannot change); the pipe goes to UPDATING until Run restarts it.
func (s *Service) Update(ctx context.Context, sp Spec) (Pipe, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pipes[sp.Name]
	if !ok {
		return Pipe{}, notFound(sp.Name)
	}
	if p.CurrentState == Deleting {
		return Pipe{}, conflict("Pipe %s is being deleted.", sp.Name)
	}
	next := p.Spec
	if sp.Source != "" && sp.Source != next.Source {
		return Pipe{}, validation("The source of a pipe cannot be changed.")
	}
	if sp.Description != "" {
		next.Description = sp.Description
	}
	if sp.DesiredState != "" {
		next.DesiredState = sp.DesiredState
	}
	if sp.SourceParameters != nil {
		next.SourceParameters = sp.SourceParameters
	}
	if sp.Enrichment != "" {
		next.Enrichment = sp.Enrichment
	}
	if sp.EnrichmentParameters != nil {
		next.EnrichmentParameters = sp.EnrichmentParameters
	}
	if sp.Target != "" {
		next.Target = sp.Target
	}
	if sp.TargetParameters != nil {
		next.TargetParameters = sp.TargetParameters
	}
	if sp.RoleArn != "" {
		next.RoleArn = sp.RoleArn
	}
	if err := next.check(); err != nil {
		return Pipe{}, err
	}
	if err := s.checkEnds(&next); err != nil {
		return Pipe{}, err
	}
	np := *p
	np.Spec = next
	np.CurrentState = Updating
	np.LastModifiedTime = s.env.Clock.Now().UTC()
	if err := s.save(ctx, sp.Name, &np, s.tags[sp.Name]); err != nil {
		return Pipe{}, err
	}
	s.pipes[sp.Name] = &np
	return s.view(&np), nil
}

// setDesired is StartPipe and StopPipe.
func (s *Service) setDesired(ctx context.Context, name, desired, transition string) (Pipe, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pipes[name]
	if !ok {
		return Pipe{}, notFound(name)
	}
	if p.CurrentState == Deleting {
		return Pipe{}, conflict("Pipe %s is being deleted.", name)
	}
	np := *p
	np.DesiredState = desired
	if np.CurrentState != desired {
		np.CurrentState = transition
	}
	np.LastModifiedTime = s.env.Clock.Now().UTC()
	if err := s.save(ctx, name, &np, s.tags[name]); err != nil {
		return Pipe{}, err
	}
	s.pipes[name] = &np
	return s.view(&np), nil
}

// Start asks a pipe to run (STARTING, then RUNNING).
func (s *Service) Start(ctx context.Context, name string) (Pipe, error) {
	return s.setDesired(ctx, name, Running, Starting)
}

// Stop asks a pipe to stop (STOPPING, then STOPPED): a batch in progress
// finishes first.
func (s *Service) Stop(ctx context.Context, name string) (Pipe, error) {
	return s.setDesired(ctx, name, Stopped, Stopping)
}

// Delete puts a pipe in DELETING; Run stops it and removes it (at once
// when Run is not running).
func (s *Service) Delete(ctx context.Context, name string) (Pipe, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pipes[name]
	if !ok {
		return Pipe{}, notFound(name)
	}
	np := *p
	np.CurrentState = Deleting
	np.LastModifiedTime = s.env.Clock.Now().UTC()
	if err := s.save(ctx, name, &np, s.tags[name]); err != nil {
		return Pipe{}, err
	}
	s.pipes[name] = &np
	return s.view(&np), nil
}

// nameOfARN returns the pipe an ARN names, or a NotFoundException.
func (s *Service) nameOfARN(arn string) (string, error) {
	a, err := kernel.ParseARN(arn)
	name, ok := strings.CutPrefix(a.Resource, "pipe/")
	if err != nil || !ok || !s.env.Owns("pipes", a) {
		return "", kernel.Errorf("NotFoundException", 404, "Resource %s does not exist.", arn)
	}
	if _, exists := s.pipes[name]; !exists {
		return "", kernel.Errorf("NotFoundException", 404, "Resource %s does not exist.", arn)
	}
	return name, nil
}

// Tags returns the tags of the pipe arn names.
func (s *Service) Tags(arn string) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, err := s.nameOfARN(arn)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range s.tags[name] {
		out[k] = v
	}
	return out, nil
}

// Tag adds or replaces tags on the pipe arn names (at most 50 [AWS]).
func (s *Service) Tag(ctx context.Context, arn string, kv map[string]string) error {
	return s.retag(ctx, arn, func(t map[string]string) {
		for k, v := range kv {
			t[k] = v
		}
	})
}

// Untag removes tag keys from the pipe arn names.
func (s *Service) Untag(ctx context.Context, arn string, keys []string) error {
	return s.retag(ctx, arn, func(t map[string]string) {
		for _, k := range keys {
			delete(t, k)
		}
	})
}

func (s *Service) retag(ctx context.Context, arn string, edit func(map[string]string)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, err := s.nameOfARN(arn)
	if err != nil {
		return err
	}
	t := map[string]string{}
	for k, v := range s.tags[name] {
		t[k] = v
	}
	edit(t)
	if len(t) > 50 {
		return validation("A pipe can have at most 50 tags.")
	}
	if err := s.save(ctx, name, s.pipes[name], t); err != nil {
		return err
	}
	s.tags[name] = t
	return nil
}

// settle records a pipe's new current state (Run's side of a
// transition); a pipe changed meanwhile keeps the caller's newer state.
func (s *Service) settle(ctx context.Context, name string, seen time.Time, seenState, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pipes[name]
	if !ok || p.CurrentState != seenState || !p.LastModifiedTime.Equal(seen) {
		return
	}
	if state == "" { // deleted
		if p.FeedQueue != "" {
			if err := s.opts.Feeds.Detach(ctx, p.Source, p.FeedQueue, p.FeedHandle); err != nil {
				s.env.Logf("pipes: detaching %s from %s: %v", name, p.Source, err)
			}
		}
		if err := s.save(ctx, name, nil, nil); err != nil {
			s.env.Logf("pipes: deleting %s: %v", name, err)
			return
		}
		delete(s.pipes, name)
		delete(s.tags, name)
		return
	}
	np := *p
	np.CurrentState = state
	if err := s.save(ctx, name, &np, s.tags[name]); err != nil && !errors.Is(err, context.Canceled) {
		s.env.Logf("pipes: settling %s to %s: %v", name, state, err)
		return
	}
	s.pipes[name] = &np
}
