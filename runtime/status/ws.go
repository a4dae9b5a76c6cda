package status

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/patternc/patternc/runtime/lambda"
)

type connKey struct{}

// ConnContext is meant for http.Server.ConnContext: it lets the status
// API bound the kernel send buffer of its WebSocket connections
// (Options.SocketBuffer), so that a client that stops reading is seen as
// slow after MaxQueuedFrames frames rather than after megabytes.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// wsConn is one WebSocket client: its subscriptions, the last revision it
// was sent of each invocation, and a bounded queue of frames its writer
// drains.
type wsConn struct {
	s      *Server
	c      *websocket.Conn
	out    chan []byte
	closed atomic.Bool
	done   chan struct{}

	mu      sync.Mutex // orders snapshots and updates per invocation
	lastRev map[string]int
	invs    map[string]bool
	fns     map[string]bool
	buses   map[string]bool
	topics  map[string]bool
}

// serveWS upgrades to a WebSocket (§7.5); pre names an invocation to
// subscribe to at once (GET /v1/invocations/{id}/ws).
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request, pre string) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept wrote the error
	}
	c.SetReadLimit(MaxMessageBytes)
	if nc, ok := r.Context().Value(connKey{}).(net.Conn); ok {
		// The http.Server's request deadlines would cut a long-lived
		// WebSocket; pings watch it instead.
		nc.SetDeadline(time.Time{})
		if tc, ok := nc.(*net.TCPConn); ok && s.opts.SocketBuffer > 0 {
			// A bounded kernel send buffer keeps the backlog of a client
			// that stops reading in out, where it is counted, instead of
			// in megabytes of autotuned socket buffer.
			tc.SetWriteBuffer(s.opts.SocketBuffer)
		}
	}
	conn := &wsConn{s: s, c: c, out: make(chan []byte, s.opts.MaxQueuedFrames), done: make(chan struct{}),
		lastRev: map[string]int{}, invs: map[string]bool{}, fns: map[string]bool{}, buses: map[string]bool{}, topics: map[string]bool{}}
	s.stats.wsOpen.Add(1)
	s.hub.mu.Lock()
	s.hub.conns[conn] = true
	s.hub.mu.Unlock()
	defer conn.leave()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go conn.write(ctx)
	go conn.ping(ctx)
	if pre != "" {
		conn.subscribe(r.Context(), Message{Op: "subscribe", InvocationID: pre})
	}
	for {
		typ, data, err := c.Read(ctx)
		if err != nil {
			if strings.Contains(err.Error(), "read limited") {
				s.stats.wsBadMessages.Add(1) // a frame over MaxMessageBytes: closed with 1009
			}
			conn.shut(websocket.StatusNormalClosure, "")
			return
		}
		if typ != websocket.MessageText {
			s.stats.wsBadMessages.Add(1)
			conn.sendError("InvalidMessage", "messages are JSON text frames")
			continue
		}
		m, err := DecodeMessage(data)
		if err != nil {
			s.stats.wsBadMessages.Add(1)
			conn.sendError("InvalidMessage", err.Error())
			continue
		}
		switch m.Op {
		case "ping":
			conn.send([]byte(`{"op":"pong"}`))
		case "subscribe":
			if m.Bus != "" || m.Topic != "" {
				conn.subscribeFeed(ctx, m)
			} else {
				conn.subscribe(ctx, m)
			}
		case "unsubscribe":
			if m.Bus != "" || m.Topic != "" {
				conn.unsubscribeFeed(m)
			} else {
				conn.unsubscribe(m)
			}
		}
	}
}

func (c *wsConn) leave() {
	h := &c.s.hub
	c.mu.Lock() // c.mu before h.mu, as subscribe takes them
	h.mu.Lock()
	delete(h.conns, c)
	for id := range c.invs {
		delete(h.byInv[id], c)
		if len(h.byInv[id]) == 0 {
			delete(h.byInv, id)
		}
	}
	for fn := range c.fns {
		delete(h.byFn[fn], c)
		if len(h.byFn[fn]) == 0 {
			delete(h.byFn, fn)
		}
	}
	c.leaveFeeds(h)
	h.mu.Unlock()
	c.mu.Unlock()
	c.s.stats.wsOpen.Add(-1)
}

// shut closes the connection once, with code and reason.
func (c *wsConn) shut(code websocket.StatusCode, reason string) {
	if c.closed.Swap(true) {
		return
	}
	close(c.done)
	go c.c.Close(code, reason)
}

// send queues a frame; a client with MaxQueuedFrames frames waiting is a
// slow consumer and is closed with 1008 rather than slowing anyone else.
func (c *wsConn) send(frame []byte) {
	if c.closed.Load() {
		return
	}
	select {
	case c.out <- frame:
	default:
		c.s.stats.wsSlowClosed.Add(1)
		c.shut(websocket.StatusPolicyViolation, "slow consumer: too many frames queued")
	}
}

func (c *wsConn) sendError(code, msg string) {
	b, _ := json.Marshal(map[string]string{"op": "error", "code": code, "message": msg})
	c.send(b)
}

// push sends an update unless the client already has that revision or a
// later one (a snapshot taken after the transition).
func (c *wsConn) push(id string, rev int, frame []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rev <= c.lastRev[id] {
		return
	}
	c.lastRev[id] = rev
	c.send(frame)
}

func (c *wsConn) snapshot(st *lambda.Status) {
	if st.Revision <= c.lastRev[st.InvocationID] {
		return
	}
	c.lastRev[st.InvocationID] = st.Revision
	frame, _ := json.Marshal(statusFrame{Op: "snapshot", Invocation: c.s.document(st)})
	c.send(frame)
}

// subscribe registers the subscription first and reads the documents
// after, under the connection's lock that push takes: a transition either
// reaches the hub after the registration (and is sent, or dropped as
// older than the snapshot) or was committed before the read (and is in
// the snapshot). Nothing falls between invoke and subscribe.
func (c *wsConn) subscribe(ctx context.Context, m Message) {
	h := &c.s.hub
	c.mu.Lock()
	defer c.mu.Unlock()
	h.mu.Lock()
	if m.InvocationID != "" {
		if h.byInv[m.InvocationID] == nil {
			h.byInv[m.InvocationID] = map[*wsConn]bool{}
		}
		h.byInv[m.InvocationID][c] = true
		c.invs[m.InvocationID] = true
	} else {
		if h.byFn[m.Function] == nil {
			h.byFn[m.Function] = map[*wsConn]bool{}
		}
		h.byFn[m.Function][c] = true
		c.fns[m.Function] = true
	}
	h.mu.Unlock()
	if m.InvocationID != "" {
		st, err := c.s.d.Status(ctx, m.InvocationID)
		if err != nil {
			h.mu.Lock()
			delete(h.byInv[m.InvocationID], c)
			h.mu.Unlock()
			delete(c.invs, m.InvocationID)
			c.sendError("InvocationNotFound", "no invocation "+m.InvocationID+" (unknown or expired)")
			return
		}
		c.snapshot(st)
		return
	}
	// A function subscription: a snapshot of each unfinished invocation.
	all, err := c.s.d.List(ctx)
	if err != nil {
		c.sendError("ServiceUnavailable", err.Error())
		return
	}
	for _, st := range all {
		if (m.Function == "*" || functionName(st.FunctionARN) == m.Function) && !terminal(st.Status) {
			c.snapshot(st)
		}
	}
}

func (c *wsConn) unsubscribe(m Message) {
	h := &c.s.hub
	c.mu.Lock()
	defer c.mu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.InvocationID != "" {
		delete(h.byInv[m.InvocationID], c)
		delete(c.invs, m.InvocationID)
	} else {
		delete(h.byFn[m.Function], c)
		delete(c.fns, m.Function)
	}
}

func (c *wsConn) write(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.done:
			return
		case frame := <-c.out:
			if c.closed.Load() {
				return
			}
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := c.c.Write(wctx, websocket.MessageText, frame)
			cancel()
			if err != nil {
				c.shut(websocket.StatusGoingAway, "write failed")
				return
			}
			c.s.stats.wsFrames.Add(1)
		}
	}
}

// ping pings every PingInterval and closes the connection when a pong
// does not come within PongTimeout.
func (c *wsConn) ping(ctx context.Context) {
	t := time.NewTicker(c.s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.done:
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, c.s.opts.PongTimeout)
		err := c.c.Ping(pctx)
		cancel()
		if err != nil && !errors.Is(err, context.Canceled) {
			// The peer does not answer: no close handshake to wait for.
			if !c.closed.Swap(true) {
				close(c.done)
				c.c.CloseNow()
			}
			return
		}
	}
}
