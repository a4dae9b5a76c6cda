package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/patternc/patternc/runtime"
	clientstatus "github.com/patternc/patternc/runtime/status"
	"github.com/patternc/patternc/runtime/store"
)

// Config configures a Server (docs/semantics/serve.md §1, §5, §6).
type Config struct {
	// Listen is host:port (default 127.0.0.1:4590; port 0 picks one).
	Listen string
	// DataDir holds one bbolt directory per account (default
	// ./.patternc-data); NATSURL, when set, uses JetStream instead.
	DataDir string
	NATSURL string
	// NATSReplicas is the replica count of the JetStream buckets serve
	// creates (default 1; 3 on a 3-node cluster: docs/deployment.md).
	NATSReplicas int
	// NATSLease is how long a dead instance's queue claims hold before
	// another instance takes its work over (default 30 s; tests shorten it).
	NATSLease time.Duration
	// Store, when set, opens each account's store (tests); serve closes it.
	Store func(account string) (store.Store, error)
	// Region and Account are the region, and the account of unsigned
	// requests (auth none); defaults us-east-1 and 000000000000.
	Region  string
	Account string
	// Auth is "none" (loopback only unless Insecure) or "sigv4".
	Auth        string
	Credentials []Credential
	Insecure    bool
	// Logger gets one line per request at info level (nil: discard).
	Logger *slog.Logger
	// MaxInFlight bounds requests being served at once (default 256);
	// more get a throttling error.
	MaxInFlight int
	// MaxConns bounds the connections held open at once (default 1024);
	// beyond it new clients wait in the listen backlog.
	MaxConns int
	// Now is the clock SigV4 checks dates against (default time.Now).
	Now func() time.Time
	// Resources are created at start, idempotently (the config file).
	Resources *Resources
	// Runtime, when set, adjusts each account's runtime configuration.
	Runtime func(*runtime.Config)
	// CallbackSecret signs the client status API's webhooks;
	// AllowCallbackHosts lets them go beyond loopback (runtime.md §7.4).
	CallbackSecret     string
	AllowCallbackHosts []string
}

// Server is `patternc serve`: one HTTP port in front of the runtime's
// services, speaking their AWS protocols.
type Server struct {
	cfg      Config
	creds    map[string]Credential // by access key id
	accts    accounts
	services map[string]*service
	metrics  *metrics
	sem      chan struct{}
	http     *http.Server
	ln       net.Listener
	baseURL  string

	ui        uiState // the web console's sessions (ui_session.go)
	serveErr  chan error
	closeOnce sync.Once
	closeErr  error
}

// New checks cfg; Start listens.
func New(cfg Config) (*Server, error) {
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:4590"
	}
	if cfg.DataDir == "" {
		cfg.DataDir = ".patternc-data"
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Account == "" {
		cfg.Account = "000000000000"
	}
	if !accountRE.MatchString(cfg.Account) {
		return nil, fmt.Errorf("serve: account %q is not 12 digits", cfg.Account)
	}
	if cfg.Auth == "" {
		cfg.Auth = "none"
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 256
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = 1024
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, creds: map[string]Credential{}, sem: make(chan struct{}, cfg.MaxInFlight), serveErr: make(chan error, 1)}
	s.accts.s = s
	switch cfg.Auth {
	case "none":
		if !loopback(cfg.Listen) && !cfg.Insecure {
			return nil, fmt.Errorf("serve: --auth none listens only on loopback; %s is not (use --auth sigv4, or --insecure)", cfg.Listen)
		}
	case "sigv4":
		if len(cfg.Credentials) == 0 {
			return nil, errors.New("serve: --auth sigv4 needs --credentials")
		}
	default:
		return nil, fmt.Errorf("serve: --auth %q: want none or sigv4", cfg.Auth)
	}
	for _, c := range cfg.Credentials {
		s.creds[c.AccessKeyID] = c
	}
	var err error
	if s.services, err = newServices(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(s)
	return s, nil
}

// loopback reports whether host:port listens only on a loopback address.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Start listens, opens the accounts found in the data directory, the
// credentials' accounts and the default one (so their pending
// deliveries resume), creates the configured resources, and serves.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln = limitConns(ln, s.cfg.MaxConns)
	s.ln = ln
	s.baseURL = "http://" + ln.Addr().String()
	ids := []string{s.cfg.Account}
	for _, c := range s.cfg.Credentials {
		ids = append(ids, c.Account)
	}
	if s.cfg.NATSURL == "" && s.cfg.Store == nil {
		ids = append(ids, existing(s.cfg.DataDir)...)
	}
	for _, id := range ids {
		if _, err := s.accts.get(id); err != nil {
			ln.Close()
			_ = s.accts.closeAll()
			return err
		}
	}
	if s.cfg.Resources != nil {
		if err := s.apply(context.Background(), s.cfg.Resources); err != nil {
			ln.Close()
			_ = s.accts.closeAll()
			return err
		}
	}
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      90 * time.Second, // a 20 s long poll plus a slow client
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
		ConnContext:       clientstatus.ConnContext,
	}
	go func() { s.serveErr <- s.http.Serve(ln) }()
	return nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is the --endpoint-url clients use.
func (s *Server) URL() string { return s.baseURL }

// accountPath is the path prefix of an account's own endpoints: none
// for the default account, /accounts/{id} for others.
func (s *Server) accountPath(id string) string {
	if id == s.cfg.Account {
		return ""
	}
	return "/accounts/" + id
}

// accountBaseURL is where an account's SNS links point: the default
// account at the root, others under /accounts/{id}.
func (s *Server) accountBaseURL(id string) string {
	if id == s.cfg.Account {
		return s.baseURL
	}
	return s.baseURL + "/accounts/" + id
}

// Runtime returns an account's runtime (opened on first use).
func (s *Server) Runtime(account string) (*runtime.Runtime, error) {
	a, err := s.accts.get(account)
	if err != nil {
		return nil, err
	}
	return a.rt, nil
}

// Shutdown stops accepting, lets requests in flight finish (until ctx is
// done), then stops delivery and closes every store. Everything
// acknowledged was committed before its answer, so nothing is lost.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() {
		var err error
		if s.http != nil {
			err = s.http.Shutdown(ctx)
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				_ = s.http.Close()
			}
		}
		if cerr := s.accts.closeAll(); err == nil {
			err = cerr
		}
		s.closeErr = err
	})
	return s.closeErr
}

func (s *Server) logf(format string, args ...any) {
	s.cfg.Logger.Warn(strings.TrimSpace(fmt.Sprintf(format, args...)))
}

// Warnf writes a start-up warning (the --insecure notice).
func (s *Server) Warnf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "patternc serve: "+format+"\n", args...)
}
