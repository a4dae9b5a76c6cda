package functions

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/patternc/patternc/runtime/internal/mirror"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/store"
)

// Options configure a Service.
type Options struct {
	// Dir holds unpacked code and the embedded runtime clients (required).
	Dir string
	// Logs receives function output; nil drops it.
	Logs LogSink
	// Python and Node are the interpreters of python3.x and nodejs*
	// functions; default "python3" and "node" from PATH.
	Python, Node string
	// DefaultConcurrency bounds the processes of a function without
	// reserved concurrency; default 10 [P].
	DefaultConcurrency int
	// IdleTimeout stops processes idle that long; default 5 min [P].
	IdleTimeout time.Duration
	// OutputLimit bounds the output kept per invocation; default 1 MB.
	OutputLimit int
	// Env is added to every process's environment (AWS_ENDPOINT_URL, say).
	Env map[string]string
	// Dispatcher, when set, runs the asynchronous invocations of every
	// function: each is registered with it as a handler.
	Dispatcher *lambda.Dispatcher
}

// Service owns functions: their definitions, code and processes.
type Service struct {
	env kernel.Env
	cfg Options

	mu    sync.RWMutex
	funcs map[string]*function
	// shared mirrors the definitions other instances write on a shared
	// store (shared.go); its Apply is every definition write.
	shared *mirror.Mirror

	stats counters
	done  chan struct{}

	pythonOnce sync.Once
	pythonPath string
	wg         sync.WaitGroup
}

type counters struct {
	invocations, errors, timeouts, crashes, throttles, starts, stops,
	outputDropped, logFailures, codeRejected atomic.Int64
}

// Stats returns the service's counters.
func (s *Service) Stats() map[string]int64 {
	c := &s.stats
	return map[string]int64{
		"function_invocations":          c.invocations.Load(),
		"function_errors":               c.errors.Load(),
		"function_timeouts":             c.timeouts.Load(),
		"function_crashes":              c.crashes.Load(),
		"function_throttles":            c.throttles.Load(),
		"function_process_starts":       c.starts.Load(),
		"function_process_stops":        c.stops.Load(),
		"function_output_dropped_bytes": c.outputDropped.Load(),
		"function_log_failures":         c.logFailures.Load(),
		"function_code_rejected":        c.codeRejected.Load(),
	}
}

// function is one version of a function's definition and its pool; an
// update makes a new one and retires the old.
type function struct {
	record
	codeDir string
	pool    *pool // shared by versions that differ only in policy
	retired atomic.Bool
}

// record is what the store keeps of a function.
type record struct {
	Spec         Spec        `json:"spec"`
	CodeSha256   string      `json:"codeSha256"`
	CodeSize     int64       `json:"codeSize"`
	CodePath     string      `json:"codePath"` // under Config.Dir
	LastModified string      `json:"lastModified"`
	RevisionID   string      `json:"revisionId"`
	Policy       []Statement `json:"policy,omitempty"`
	// InvokeConfig is the async invoke config last set through this
	// service (the dispatcher holds the live one).
	InvokeConfig *lambda.EventInvokeConfig `json:"invokeConfig,omitempty"`
}

const bucket = "functions"

// New opens the service and the functions kept in env.Store
// (definitions; code lives under cfg.Dir).
func New(env kernel.Env, cfg Options) (*Service, error) {
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("functions: %w", err)
	}
	if cfg.Dir == "" {
		return nil, errors.New("functions: Options.Dir is required")
	}
	// Processes run in their code directory: every path handed to them
	// must be absolute.
	if cfg.Dir, err = filepath.Abs(cfg.Dir); err != nil {
		return nil, fmt.Errorf("functions: %w", err)
	}
	if cfg.Python == "" {
		cfg.Python = "python3"
	}
	if cfg.Node == "" {
		cfg.Node = "node"
	}
	if cfg.DefaultConcurrency <= 0 {
		cfg.DefaultConcurrency = 10
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 5 * time.Minute
	}
	if cfg.OutputLimit <= 0 {
		cfg.OutputLimit = 1 << 20
	}
	s := &Service{env: env, cfg: cfg, funcs: map[string]*function{}, done: make(chan struct{}),
		shared: mirror.New(env.Store, bucket, isDefinition)}
	if err := s.writeClients(); err != nil {
		return nil, err
	}
	var loadErr error
	err = env.Store.Scan(context.Background(), bucket, nil, nil, func(k, v []byte) bool {
		if !isDefinition(k) {
			return true // code kept for other instances (shared.go)
		}
		var r record
		if loadErr = json.Unmarshal(v, &r); loadErr != nil {
			return false
		}
		fn := &function{record: r, codeDir: filepath.Join(cfg.Dir, r.CodePath), pool: &pool{}}
		s.funcs[r.Spec.Name] = fn
		s.shared.Seed(k, v)
		s.register(fn)
		return true
	})
	if err == nil {
		err = loadErr
	}
	if err != nil {
		return nil, fmt.Errorf("functions: loading definitions: %w", err)
	}
	s.wg.Add(1)
	go s.reaper()
	return s, nil
}

// Close stops every process.
func (s *Service) Close() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	close(s.done)
	s.wg.Wait()
	s.mu.Lock()
	fns := make([]*function, 0, len(s.funcs))
	for _, fn := range s.funcs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn.retired.Store(true)
		fn.pool.reap(time.Time{}, true)
	}
	return nil
}

func (s *Service) reaper() {
	defer s.wg.Done()
	every := min(max(s.cfg.IdleTimeout/5, 10*time.Millisecond), 30*time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		cutoff := time.Now().Add(-s.cfg.IdleTimeout)
		s.mu.RLock()
		fns := make([]*function, 0, len(s.funcs))
		for _, fn := range s.funcs {
			fns = append(fns, fn)
		}
		s.mu.RUnlock()
		for _, fn := range fns {
			fn.pool.reap(cutoff, false)
		}
	}
}

// ARN is the unqualified ARN of a function.
func (s *Service) ARN(name string) string {
	return s.env.ARN("lambda", "function:"+name).String()
}

func apiErr(code, msg string, status int) error {
	return kernel.Errorf(code, status, "%s", msg)
}

func (s *Service) notFound(name string) error {
	return apiErr("ResourceNotFoundException", "Function not found: "+s.ARN(name), 404)
}

// Function is a function as the API describes it.
type Function struct {
	Spec
	ARN          string
	CodeSha256   string // base64 of the zip's SHA-256 [AWS]
	CodeSize     int64  // bytes of the zip
	LastModified string // 2006-01-02T15:04:05.000+0000 [AWS]
	RevisionID   string
	State        string // Active
}

func (s *Service) describe(fn *function) Function {
	return Function{Spec: fn.Spec, ARN: s.ARN(fn.Spec.Name), CodeSha256: fn.CodeSha256, CodeSize: fn.CodeSize,
		LastModified: fn.LastModified, RevisionID: fn.RevisionID, State: "Active"}
}

func (s *Service) lookup(nameOrARN string) (*function, error) {
	name := NameOf(nameOrARN)
	s.mu.RLock()
	fn := s.funcs[name]
	s.mu.RUnlock()
	if fn == nil {
		return nil, s.notFound(name)
	}
	return fn, nil
}

// Get describes a function.
func (s *Service) Get(nameOrARN string) (Function, error) {
	fn, err := s.lookup(nameOrARN)
	if err != nil {
		return Function{}, err
	}
	return s.describe(fn), nil
}

// List describes every function, by name.
func (s *Service) List() []Function {
	s.mu.RLock()
	out := make([]Function, 0, len(s.funcs))
	for _, fn := range s.funcs {
		out = append(out, s.describe(fn))
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// unpack extracts zip for a function into a fresh directory.
func (s *Service) unpack(name string, zip []byte) (rel, sha string, err error) {
	sum := sha256.Sum256(zip)
	rel = filepath.Join("functions", name, hex.EncodeToString(sum[:8])+"-"+uuid.NewString()[:8])
	if _, err := Extract(zip, filepath.Join(s.cfg.Dir, rel)); err != nil {
		var ce *CodeError
		if errors.As(err, &ce) {
			s.stats.codeRejected.Add(1)
			if ce.TooLarge {
				return "", "", apiErr("RequestEntityTooLargeException", ce.Message, 413)
			}
			return "", "", apiErr("InvalidParameterValueException", ce.Message, 400)
		}
		return "", "", err
	}
	return rel, base64.StdEncoding.EncodeToString(sum[:]), nil
}

func lastModified() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000+0000") }

// save writes r, after the code ops already in b (nil: none). Callers
// hold s.mu (see syncShared).
func (s *Service) save(ctx context.Context, b *store.Batch, r record) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if b == nil {
		b = &store.Batch{}
	}
	b.Put(bucket, []byte(r.Spec.Name), data)
	return s.shared.Apply(ctx, b)
}

// Create makes a function from a spec and a zip archive of its code.
func (s *Service) Create(ctx context.Context, sp Spec, zip []byte) (Function, error) {
	if err := check(&sp); err != nil {
		return Function{}, err
	}
	s.mu.RLock()
	_, exists := s.funcs[sp.Name]
	s.mu.RUnlock()
	if exists {
		return Function{}, apiErr("ResourceConflictException", "Function already exist: "+sp.Name, 409)
	}
	rel, sha, err := s.unpack(sp.Name, zip)
	if err != nil {
		return Function{}, err
	}
	r := record{Spec: sp, CodeSha256: sha, CodeSize: int64(len(zip)), CodePath: rel, LastModified: lastModified(), RevisionID: uuid.NewString()}
	s.mu.Lock()
	if _, exists := s.funcs[sp.Name]; exists {
		s.mu.Unlock()
		os.RemoveAll(filepath.Join(s.cfg.Dir, rel))
		return Function{}, apiErr("ResourceConflictException", "Function already exist: "+sp.Name, 409)
	}
	var b store.Batch
	s.putCode(&b, rel, zip)
	if err := s.save(ctx, &b, r); err != nil {
		s.mu.Unlock()
		os.RemoveAll(filepath.Join(s.cfg.Dir, rel))
		return Function{}, err
	}
	fn := &function{record: r, codeDir: filepath.Join(s.cfg.Dir, rel), pool: &pool{}}
	s.funcs[sp.Name] = fn
	s.mu.Unlock()
	s.register(fn)
	return s.describe(fn), nil
}

// replace installs next in place of cur (same name) and retires cur: its
// idle processes stop now, busy ones when they finish.
// zip, when non-nil, is next's new code.
func (s *Service) replace(ctx context.Context, cur *function, next record, zip []byte) (Function, error) {
	s.mu.Lock()
	if s.funcs[next.Spec.Name] != cur {
		s.mu.Unlock()
		return Function{}, apiErr("ResourceConflictException", "The function was changed by another request; try again.", 409)
	}
	var b store.Batch
	if zip != nil {
		s.putCode(&b, next.CodePath, zip)
	}
	if cur.CodePath != next.CodePath {
		s.dropCode(&b, cur.record)
	}
	if err := s.save(ctx, &b, next); err != nil {
		s.mu.Unlock()
		return Function{}, err
	}
	fn := &function{record: next, codeDir: filepath.Join(s.cfg.Dir, next.CodePath), pool: &pool{}}
	s.funcs[next.Spec.Name] = fn
	s.mu.Unlock()
	cur.retired.Store(true)
	cur.pool.reap(time.Time{}, true)
	if cur.CodePath != next.CodePath {
		go s.removeCodeWhenIdle(cur)
	}
	s.register(fn)
	return s.describe(fn), nil
}

// removeCodeWhenIdle deletes a retired version's code once its last
// process has stopped.
func (s *Service) removeCodeWhenIdle(fn *function) {
	for i := 0; i < 1000; i++ {
		if _, total := fn.pool.counts(); total == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	os.RemoveAll(fn.codeDir)
}

// UpdateCode replaces a function's code.
func (s *Service) UpdateCode(ctx context.Context, nameOrARN string, zip []byte) (Function, error) {
	cur, err := s.lookup(nameOrARN)
	if err != nil {
		return Function{}, err
	}
	rel, sha, err := s.unpack(cur.Spec.Name, zip)
	if err != nil {
		return Function{}, err
	}
	next := cur.record
	next.CodePath, next.CodeSha256, next.CodeSize = rel, sha, int64(len(zip))
	next.LastModified, next.RevisionID = lastModified(), uuid.NewString()
	out, err := s.replace(ctx, cur, next, zip)
	if err != nil {
		os.RemoveAll(filepath.Join(s.cfg.Dir, rel))
	}
	return out, err
}

// UpdateConfig changes a function's settings: change edits a copy of its
// spec, which is then validated as Create validates.
func (s *Service) UpdateConfig(ctx context.Context, nameOrARN string, change func(*Spec)) (Function, error) {
	cur, err := s.lookup(nameOrARN)
	if err != nil {
		return Function{}, err
	}
	next := cur.record
	next.Spec.Environment = maps(cur.Spec.Environment)
	change(&next.Spec)
	next.Spec.Name = cur.Spec.Name
	if err := check(&next.Spec); err != nil {
		return Function{}, err
	}
	next.LastModified, next.RevisionID = lastModified(), uuid.NewString()
	return s.replace(ctx, cur, next, nil)
}

func maps(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Delete removes a function, stops its processes and deletes its code.
func (s *Service) Delete(ctx context.Context, nameOrARN string) error {
	cur, err := s.lookup(nameOrARN)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.funcs[cur.Spec.Name] != cur {
		s.mu.Unlock()
		return apiErr("ResourceConflictException", "The function was changed by another request; try again.", 409)
	}
	var b store.Batch
	s.dropCode(&b, cur.record)
	b.Delete(bucket, []byte(cur.Spec.Name))
	if err := s.shared.Apply(ctx, &b); err != nil {
		s.mu.Unlock()
		return err
	}
	delete(s.funcs, cur.Spec.Name)
	s.mu.Unlock()
	if d := s.cfg.Dispatcher; d != nil {
		d.Unregister(cur.Spec.Name)
	}
	cur.retired.Store(true)
	cur.pool.reap(time.Time{}, true)
	go s.removeCodeWhenIdle(cur)
	return nil
}

// register hands fn to the dispatcher, so its async invocations run here.
func (s *Service) register(fn *function) {
	d := s.cfg.Dispatcher
	if d == nil {
		return
	}
	name := fn.Spec.Name
	d.Register(name, s.Handler(name), lambda.FunctionOptions{DeadLetterArn: fn.Spec.DeadLetterArn, ReservedConcurrency: fn.Spec.ReservedConcurrency})
}

// Processes reports a function's idle and total processes.
func (s *Service) Processes(nameOrARN string) (idle, total int) {
	fn, err := s.lookup(nameOrARN)
	if err != nil {
		return 0, 0
	}
	return fn.pool.counts()
}

func (s *Service) flush(sb *sandbox) {
	ev := sb.out.take()
	if len(ev) == 0 || s.cfg.Logs == nil {
		return
	}
	if err := s.cfg.Logs.AppendLogs(LogGroup(sb.fn.Spec.Name), sb.stream, ev); err != nil {
		s.stats.logFailures.Add(1)
		s.env.Logf("functions: %s: writing %d log events: %v", sb.fn.Spec.Name, len(ev), err)
	}
}
