package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patternc/patternc/runtime/events"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/sns"
	"github.com/patternc/patternc/runtime/sqs"
)

// Options configure a Server.
type Options struct {
	Dispatcher *lambda.Dispatcher // required
	Queues     *sqs.Service       // serves /v1/queues; nil: 404
	// Buses and Topics feed the bus and topic subscriptions of the
	// WebSocket (§7.5); nil: those subscriptions answer an error.
	Buses  *events.Service
	Topics *sns.Service
	// CallbackSecret signs webhooks (X-Patternc-Signature); empty: unsigned.
	CallbackSecret string
	// AllowCallbackHosts widens webhook targets beyond loopback: host
	// names or IPs, or "*" for any (--allow-callback-host).
	AllowCallbackHosts []string
	// WebhookTimeout bounds one webhook attempt; default 10 s.
	WebhookTimeout time.Duration
	// WebhookRetryBase scales the retry delays 1 s, 5 s, 25 s; default 1 s.
	WebhookRetryBase time.Duration
	// PingInterval and PongTimeout: a WebSocket is pinged every
	// PingInterval (default 30 s) and closed when no pong came within
	// PongTimeout (default 90 s).
	PingInterval, PongTimeout time.Duration
	// MaxQueuedFrames is how many frames a WebSocket may have waiting
	// before it is closed as a slow consumer (1008); default 1000.
	MaxQueuedFrames int
	// SocketBuffer is the kernel send buffer of a WebSocket connection
	// (SO_SNDBUF, where the server's http.Server has ConnContext set);
	// default 64 KB.
	SocketBuffer int
}

// Server is patternc's client status API (runtime.md §7) as an
// http.Handler: status documents, polling, webhooks and WebSockets over
// the dispatcher's invocations, and the runtime-local queues.
type Server struct {
	env  kernel.Env
	opts Options
	d    *lambda.Dispatcher
	mux  *http.ServeMux

	hub   hub
	hooks *webhooks
	stats counters
	// busStop and topicStop stop the bus and topic watchers, which run
	// only while a WebSocket subscribes to a bus or a topic (under
	// hub.mu): with nobody watching, routing and fan-out do no extra work.
	busStop, topicStop func()
	// followStop stops following the shared status bucket (follow.go).
	followStop func()
}

type counters struct {
	webhookDelivered, webhookFailed, webhookRetries, webhookRejected, webhookGated,
	wsOpen, wsSlowClosed, wsBadMessages, wsFrames, longPolls atomic.Int64
}

// Stats returns the server's counters.
func (s *Server) Stats() map[string]int64 {
	c := &s.stats
	return map[string]int64{
		"webhook_deliveries":           c.webhookDelivered.Load(),
		"webhook_failures":             c.webhookFailed.Load(),
		"webhook_retries":              c.webhookRetries.Load(),
		"webhook_rejected_urls":        c.webhookRejected.Load(),
		"webhook_gate_waits":           c.webhookGated.Load(),
		"websocket_connections":        c.wsOpen.Load(),
		"websocket_slow_consumer_kick": c.wsSlowClosed.Load(),
		"websocket_bad_messages":       c.wsBadMessages.Load(),
		"websocket_frames_sent":        c.wsFrames.Load(),
		"long_polls":                   c.longPolls.Load(),
	}
}

// New makes the status API over opts.Dispatcher and starts observing it.
func New(env kernel.Env, opts Options) (*Server, error) {
	env, err := env.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	if opts.Dispatcher == nil {
		return nil, errors.New("status: Options.Dispatcher is required")
	}
	if opts.WebhookTimeout <= 0 {
		opts.WebhookTimeout = 10 * time.Second
	}
	if opts.WebhookRetryBase <= 0 {
		opts.WebhookRetryBase = time.Second
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = 30 * time.Second
	}
	if opts.PongTimeout <= 0 {
		opts.PongTimeout = 90 * time.Second
	}
	if opts.MaxQueuedFrames <= 0 {
		opts.MaxQueuedFrames = 1000
	}
	if opts.SocketBuffer <= 0 {
		opts.SocketBuffer = 64 << 10
	}
	s := &Server{env: env, opts: opts, d: opts.Dispatcher}
	s.hub.init()
	s.hooks = newWebhooks(s)
	if err := s.loadHTTPFunctions(context.Background()); err != nil {
		return nil, err
	}
	if s.d.Shared() {
		// Another instance may run an invocation a client of this one
		// waits on: transitions reach long polls and sockets through the
		// shared status bucket (follow.go), each instance's own included;
		// webhooks go from the instance that made the transition.
		s.d.Observe(s.notify)
		s.startFollow()
	} else {
		s.d.Observe(s.observe)
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST /v1/functions/{name}/invocations", s.postInvocation)
	m.HandleFunc("PUT /v1/functions/{name}", s.putFunction)
	m.HandleFunc("PUT /v1/functions/{name}/event-invoke-config", s.putConfig)
	m.HandleFunc("POST /v1/functions/{name}/event-invoke-config", s.updateConfig)
	m.HandleFunc("GET /v1/functions/{name}/event-invoke-config", s.getConfig)
	m.HandleFunc("DELETE /v1/functions/{name}/event-invoke-config", s.deleteConfig)
	m.HandleFunc("GET /v1/invocations/{id}", s.getInvocation)
	m.HandleFunc("GET /v1/invocations", s.listInvocations)
	m.HandleFunc("GET /v1/ws", func(w http.ResponseWriter, r *http.Request) { s.serveWS(w, r, "") })
	m.HandleFunc("GET /v1/invocations/{id}/ws", func(w http.ResponseWriter, r *http.Request) { s.serveWS(w, r, r.PathValue("id")) })
	m.HandleFunc("GET /v1/queues/{name}/messages", s.getMessages)
	m.HandleFunc("DELETE /v1/queues/{name}/messages/{receipt}", s.deleteMessage)
	m.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("no %s %s in the status API", r.Method, r.URL.Path))
	})
	s.mux = m
}

// ServeHTTP serves the /v1 paths.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			s.env.Logf("status: panic serving %s %s: %v", r.Method, r.URL.Path, p)
			writeError(w, http.StatusInternalServerError, "InternalFailure", "internal error")
		}
	}()
	s.mux.ServeHTTP(w, r)
}

// Close stops webhook deliveries in progress.
func (s *Server) Close() error {
	s.hub.mu.Lock()
	for _, stop := range []func(){s.busStop, s.topicStop} {
		if stop != nil {
			stop()
		}
	}
	s.busStop, s.topicStop = nil, nil
	s.hub.mu.Unlock()
	if s.followStop != nil {
		s.followStop()
	}
	s.hooks.close()
	s.hub.closeAll()
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes the /v1 error shape {"code","message"} (§7.6).
func writeError(w http.ResponseWriter, status int, code, msg string) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, status, map[string]string{"code": code, "message": msg})
}

// writeErr renders a service error in the /v1 shape, with the /v1 names
// of the codes §7.6 lists.
func writeErr(w http.ResponseWriter, err error) {
	var ke *kernel.Error
	if !errors.As(err, &ke) {
		writeError(w, http.StatusInternalServerError, "InternalFailure", err.Error())
		return
	}
	code, status := ke.Code, ke.HTTPStatus
	switch {
	case code == "ResourceNotFoundException" && strings.HasPrefix(ke.Message, "Function not found"):
		code, status = "FunctionNotFound", http.StatusNotFound
	case code == "ServiceException":
		code, status = "ServiceUnavailable", http.StatusServiceUnavailable
	}
	if status == 0 {
		status = http.StatusBadRequest
	}
	writeError(w, status, code, ke.Message)
}

// functionName is the function of a qualified function ARN.
func functionName(arn string) string {
	a, err := kernel.ParseARN(arn)
	if err != nil {
		return ""
	}
	rest, ok := strings.CutPrefix(a.Resource, "function:")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, ":")
	return name
}

// hub routes transitions to long polls and WebSocket subscribers.
type hub struct {
	mu      sync.Mutex
	waiters map[string]chan struct{} // invocation → closed at its next transition
	byInv   map[string]map[*wsConn]bool
	byFn    map[string]map[*wsConn]bool
	byBus   map[string]map[*wsConn]bool // bus name → subscribers
	byTopic map[string]map[*wsConn]bool // topic ARN → subscribers
	conns   map[*wsConn]bool
}

func (h *hub) init() {
	h.waiters = map[string]chan struct{}{}
	h.byInv = map[string]map[*wsConn]bool{}
	h.byFn = map[string]map[*wsConn]bool{}
	h.byBus = map[string]map[*wsConn]bool{}
	h.byTopic = map[string]map[*wsConn]bool{}
	h.conns = map[*wsConn]bool{}
}

// changed returns a channel closed at the invocation's next transition.
func (h *hub) changed(id string) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch, ok := h.waiters[id]
	if !ok {
		ch = make(chan struct{})
		h.waiters[id] = ch
	}
	return ch
}

// forget drops the channel of an invocation that will not change again.
func (h *hub) forget(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ch, ok := h.waiters[id]; ok {
		close(ch)
		delete(h.waiters, id)
	}
}

func (h *hub) closeAll() {
	h.mu.Lock()
	conns := make([]*wsConn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.shut(1001, "the server is going away")
	}
}

// observe is the dispatcher's observer on a store of one process: it
// wakes long polls, pushes the transition to subscribers and queues
// webhooks. It never blocks.
func (s *Server) observe(c lambda.Change) {
	s.route(c)
	s.notify(c)
}

// route wakes the long polls of the invocation and pushes the change to
// its WebSocket subscribers (who drop a revision they already have).
func (s *Server) route(c lambda.Change) {
	id, fn := c.Status.InvocationID, functionName(c.Status.FunctionARN)
	h := &s.hub
	h.mu.Lock()
	_, waited := h.waiters[id]
	watched := waited || len(h.byInv[id]) > 0 || len(h.byFn[fn]) > 0 || len(h.byFn["*"]) > 0
	h.mu.Unlock()
	if !watched {
		return // nobody here waits on it (on a shared store, most of what the follow brings)
	}
	doc := s.document(&c.Status)
	frame, _ := json.Marshal(statusFrame{Op: "status", PreviousStatus: c.Previous, Invocation: doc, Record: c.Record})
	h.mu.Lock()
	if ch, ok := h.waiters[id]; ok {
		close(ch)
		delete(h.waiters, id)
	}
	var targets []*wsConn
	for conn := range h.byInv[id] {
		targets = append(targets, conn)
	}
	for conn := range h.byFn[fn] {
		if !h.byInv[id][conn] {
			targets = append(targets, conn)
		}
	}
	for conn := range h.byFn["*"] { // every function's invocations
		if !h.byInv[id][conn] && !h.byFn[fn][conn] {
			targets = append(targets, conn)
		}
	}
	h.mu.Unlock()
	for _, conn := range targets {
		conn.push(id, c.Status.Revision, frame)
	}
}

// notify queues the webhook of a transition this process made, when the
// invocation's callback selects it.
func (s *Server) notify(c lambda.Change) {
	if cb := c.Status.Delivery.Callback; cb != nil && (cb.Events == "all" || terminal(c.Status.Status)) {
		s.hooks.enqueue(c.Status.InvocationID, cb.URL, c.Previous, s.document(&c.Status), c.Record, c.Status.Revision, cb.Events == "all", terminal(c.Status.Status))
	}
}

func terminal(status string) bool {
	return status == lambda.StatusSucceeded || status == lambda.StatusFailed || status == lambda.StatusExpired
}

type statusFrame struct {
	Op             string          `json:"op"`
	PreviousStatus string          `json:"previousStatus,omitempty"`
	Invocation     json.RawMessage `json:"invocation"`
	Record         json.RawMessage `json:"record,omitempty"`
}

// document is the status document as served: the dispatcher's, with the
// webhook's delivery state this server keeps.
func (s *Server) document(st *lambda.Status) json.RawMessage {
	cp := *st
	cp.Previous, cp.Record = "", nil // stored for other instances, not served
	if cb := cp.Delivery.Callback; cb != nil {
		c := *cb
		c.State = s.hooks.state(cp.InvocationID, cb.State)
		cp.Delivery.Callback = &c
	}
	b, _ := json.Marshal(&cp)
	return b
}
