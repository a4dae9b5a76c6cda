package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/patternc/patternc/runtime"
	clientstatus "github.com/patternc/patternc/runtime/status"
	"github.com/patternc/patternc/runtime/store"
	"github.com/patternc/patternc/runtime/store/boltstore"
	"github.com/patternc/patternc/runtime/store/jsstore"
	"github.com/patternc/patternc/runtime/tags"
)

func (a *account) tags() *tags.Tags { return a.tg }

// account is one account's runtime: its own store (a bbolt directory or
// a JetStream bucket prefix), its buses, topics and queues, and the
// goroutine delivering for it. Accounts share nothing but the process, so
// one cannot see another's resources.
type account struct {
	id     string
	rt     *runtime.Runtime
	st     store.Store          // closed after rt
	status *clientstatus.Server // the client status API (/v1)
	tg     *tags.Tags
	cancel context.CancelFunc
	done   chan error
}

type accounts struct {
	s  *Server
	mu sync.Mutex
	m  map[string]*account
}

// get returns the account's runtime, opening (and starting) it on first use.
func (as *accounts) get(id string) (*account, error) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if a, ok := as.m[id]; ok {
		return a, nil
	}
	if as.m == nil {
		as.m = map[string]*account{}
	}
	cfg := runtime.Config{Region: as.s.cfg.Region, Account: id, BaseURL: as.s.accountBaseURL(id), Logger: as.s.cfg.Logger}
	// serve opens each account's store itself, so its commits are timed
	// for /metrics; it closes them in closeAll.
	var st store.Store
	var err error
	switch {
	case as.s.cfg.Store != nil:
		st, err = as.s.cfg.Store(id)
	case as.s.cfg.NATSURL != "":
		st, err = jsstore.Open(jsstore.Config{URL: as.s.cfg.NATSURL, Prefix: "patternc-" + id, Replicas: as.s.cfg.NATSReplicas, LeaseTTL: as.s.cfg.NATSLease})
	default:
		dir := filepath.Join(as.s.cfg.DataDir, id)
		if err = os.MkdirAll(dir, 0o755); err == nil {
			st, err = boltstore.Open(dir)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("account %s: opening its store: %w", id, err)
	}
	cfg.Store = timed(st, as.s.metrics.commits.WithLabelValues(id))
	cfg.Foreign = as.s.foreignResolver(id)
	if cfg.CodeDir == "" {
		cfg.CodeDir = filepath.Join(as.s.cfg.DataDir, id, "code")
	}
	// Function code that calls AWS comes back here.
	cfg.Functions.Env = map[string]string{"AWS_ENDPOINT_URL": as.s.baseURL}
	if as.s.cfg.Auth == "none" {
		cfg.Functions.Env["AWS_ACCESS_KEY_ID"], cfg.Functions.Env["AWS_SECRET_ACCESS_KEY"] = "patternc", "patternc"
	}
	if as.s.cfg.Runtime != nil {
		as.s.cfg.Runtime(&cfg)
	}
	rt, err := runtime.Open(cfg)
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("account %s: %w", id, err)
	}
	cs, err := clientstatus.New(rt.Env, clientstatus.Options{Dispatcher: rt.Lambda, Queues: rt.Queues, Buses: rt.Events, Topics: rt.Topics,
		CallbackSecret: as.s.cfg.CallbackSecret, AllowCallbackHosts: as.s.cfg.AllowCallbackHosts})
	if err != nil {
		rt.Close()
		_ = st.Close()
		return nil, fmt.Errorf("account %s: %w", id, err)
	}
	if err := cs.Resume(context.Background()); err != nil {
		as.s.logf("account %s: resuming webhooks: %v", id, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &account{id: id, rt: rt, st: st, status: cs, tg: tags.New(rt.Store), cancel: cancel, done: make(chan error, 1)}
	go func() { a.done <- rt.Run(ctx) }()
	as.m[id] = a
	return a, nil
}

// lookup returns an account already open, or nil.
func (as *accounts) lookup(id string) *account {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.m[id]
}

// all returns the open accounts in id order.
func (as *accounts) all() []*account {
	as.mu.Lock()
	defer as.mu.Unlock()
	out := make([]*account, 0, len(as.m))
	for _, a := range as.m {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// closeAll stops delivery and closes every account's store.
func (as *accounts) closeAll() error {
	var first error
	for _, a := range as.all() {
		a.status.Close()
		a.cancel()
		<-a.done
		if err := a.rt.Close(); err != nil && first == nil {
			first = err
		}
		if err := a.st.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// existing lists account directories already under the data directory,
// so their pending deliveries resume at start.
func existing(dataDir string) []string {
	ents, err := os.ReadDir(dataDir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && accountRE.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}
