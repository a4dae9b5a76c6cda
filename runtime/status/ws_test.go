package status

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/patternc/patternc/runtime/lambda"
)

func TestWebSocketMessages(t *testing.T) {
	r := newRig(t, nil)
	r.d.Register("f", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, lambda.FunctionOptions{})
	ws := r.dial(t, "/v1/ws")
	for _, c := range []struct{ send, op, code string }{
		{`{"op":"ping"}`, "pong", ""},
		{`garbage`, "error", "InvalidMessage"},
		{`{"op":"subscribe"}`, "error", "InvalidMessage"},
		{`{"op":"subscribe","invocationId":"nope"}`, "error", "InvocationNotFound"},
		{"\xff\xfe", "error", "InvalidMessage"},
	} {
		writeMsg(t, ws, c.send)
		if f := readFrame(t, ws); f.Op != c.op || f.Code != c.code {
			t.Errorf("%q: %+v", c.send, f)
		}
	}
	if err := ws.Write(context.Background(), websocket.MessageBinary, []byte{1, 2}); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, ws); f.Code != "InvalidMessage" {
		t.Errorf("binary frame: %+v", f)
	}
	// A function subscription gets a snapshot of each unfinished
	// invocation, then its transitions.
	id := r.invoke(t, "f", `{}`, nil)
	writeMsg(t, ws, `{"op":"subscribe","function":"f"}`)
	if f := readFrame(t, ws); f.Op != "snapshot" || f.Invocation.InvocationID != id {
		t.Fatalf("function snapshot: %+v", f)
	}
	r.run()
	for _, want := range []string{"running", "succeeded"} {
		if f := readFrame(t, ws); f.Op != "status" || f.Invocation.Status != want || f.Invocation.InvocationID != id {
			t.Fatalf("function update %s: %+v", want, f)
		}
	}
	writeMsg(t, ws, `{"op":"unsubscribe","function":"f"}`)
	r.invoke(t, "f", `{}`, nil)
	writeMsg(t, ws, `{"op":"ping"}`)
	if f := readFrame(t, ws); f.Op != "pong" {
		t.Errorf("after unsubscribe: %+v", f)
	}
	// A frame over the limit closes the connection with 1009.
	if err := ws.Write(context.Background(), websocket.MessageText, []byte(`{"op":"ping","x":"`+strings.Repeat("a", 8192)+`"}`)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _, err := ws.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("huge frame: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := r.s.Stats()["websocket_bad_messages"]; n != 5 {
		t.Errorf("bad messages counted: %d", n)
	}
}

// TestPongTimeout: a client that never answers pings is closed.
func TestPongTimeout(t *testing.T) {
	r := newRig(t, func(o *Options) { o.PingInterval, o.PongTimeout = 50*time.Millisecond, 200*time.Millisecond })
	r.dial(t, "/v1/ws") // never reads, so never pongs
	deadline := time.Now().Add(5 * time.Second)
	for r.s.Stats()["websocket_connections"] != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	for r.s.Stats()["websocket_connections"] != 0 {
		if time.Now().After(deadline) {
			t.Fatal("a client without pongs stayed connected")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// dialSlow opens a WebSocket whose socket receive buffer is tiny, so the
// server's writes block as soon as the client stops reading.
func (r *rig) dialSlow(t testing.TB, path string) *websocket.Conn {
	d := &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		var serr error
		c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024) })
		return serr
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(r.srv.URL, "http")+path, &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// subscribeFn subscribes c to a function and waits for the pong that
// says the subscription is registered.
func subscribeFn(t testing.TB, c *websocket.Conn, fn string) {
	writeMsg(t, c, `{"op":"subscribe","function":"`+fn+`"}`)
	writeMsg(t, c, `{"op":"ping"}`)
	if f := readFrame(t, c); f.Op != "pong" {
		t.Fatalf("subscribe: %+v", f)
	}
}

// fanOut subscribes n fast clients and one slow one (it stops reading)
// to a function and pushes updates transitions through the server's
// observer, paced as a real publisher is: it runs ahead of the fast
// clients by at most half the frame budget. Every fast client must get
// every update, and the slow one be closed with 1008. It returns the time
// from the first push to the last frame read.
func fanOut(t testing.TB, r *rig, n, updates, budget int) time.Duration {
	fast := make([]*websocket.Conn, n)
	var wg sync.WaitGroup
	for i := range fast {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := r.dial(t, "/v1/ws")
			subscribeFn(t, c, "fan")
			fast[i] = c
		}()
		if i%50 == 49 {
			wg.Wait()
		}
	}
	wg.Wait()
	slow := r.dialSlow(t, "/v1/ws")
	subscribeFn(t, slow, "fan")

	arn := r.d.FunctionARN("fan")
	got := make([]atomic.Int64, n)
	errs := make(chan error, n)
	began := time.Now()
	for i, c := range fast {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
			defer cancel()
			for got[i].Load() < int64(updates) {
				_, _, err := c.Read(ctx)
				if err != nil {
					errs <- fmt.Errorf("client %d after %d frames: %w", i, got[i].Load(), err)
					return
				}
				got[i].Add(1)
			}
		}()
	}
	behind := func(k int) bool {
		for i := range got {
			if int64(k)-got[i].Load() > int64(budget/2) {
				return true
			}
		}
		return false
	}
	// The slow consumer starts reading once the server has given up on
	// it: it must then find what was buffered and the 1008 close (the
	// close handshake waits only 5 s for a peer to read).
	slowDone := make(chan struct{})
	frames := 0
	var slowErr error
	go func() {
		defer close(slowDone)
		for r.s.Stats()["websocket_slow_consumer_kick"] == 0 {
			time.Sleep(time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for {
			if _, _, slowErr = slow.Read(ctx); slowErr != nil {
				return
			}
			frames++
		}
	}()
	var slowest time.Duration
	for k := 1; k <= updates; k++ {
		for behind(k) {
			time.Sleep(time.Millisecond)
		}
		t0 := time.Now()
		r.s.observe(lambda.Change{Previous: "queued", Status: lambda.Status{InvocationID: fmt.Sprintf("inv-%d", k), FunctionARN: arn, Status: "running", Revision: 2}})
		slowest = max(slowest, time.Since(t0))
	}
	wg.Wait()
	took := time.Since(began)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	<-slowDone
	if websocket.CloseStatus(slowErr) != websocket.StatusPolicyViolation {
		t.Errorf("the slow consumer ended with %v after %d frames, want close 1008", slowErr, frames)
	}
	if frames >= updates {
		t.Errorf("the slow consumer got all %d frames", frames)
	}
	t.Logf("%d subscribers × %d updates: %v (%.0f updates/s delivered), slowest observe call %v, slow consumer got %d frames then 1008",
		n, updates, took, float64(n*updates)/took.Seconds(), slowest, frames)
	if slowest > 5*time.Second {
		t.Errorf("an observe call took %v: the slow consumer delayed the publisher", slowest)
	}
	if k := r.s.Stats()["websocket_slow_consumer_kick"]; k != 1 {
		t.Errorf("%d connections closed as slow, want 1", k)
	}
	return took
}

// TestFanOut1000: 1 000 subscribers on one function, one of them slow.
// The frame budget is lowered to 100 (from 1 000) so that the slow one
// overflows within 300 updates rather than 1 300 (the default is tested
// below with two clients).
func TestFanOut1000(t *testing.T) {
	if testing.Short() {
		t.Skip("1 000 WebSockets: skipped with -short")
	}
	r := newRig(t, func(o *Options) { o.MaxQueuedFrames, o.SocketBuffer = 100, 8<<10 })
	subscribers := 999
	if raceEnabled {
		subscribers = 99
	}
	fanOut(t, r, subscribers, 300, 100)
}

func TestSlowConsumerDefaultLimit(t *testing.T) {
	r := newRig(t, func(o *Options) { o.SocketBuffer = 8 << 10 })
	fanOut(t, r, 2, 3000, 1000)
}

func BenchmarkFanOut1000(b *testing.B) {
	r := newRig(b, func(o *Options) { o.MaxQueuedFrames, o.SocketBuffer = 100, 8<<10 })
	took := fanOut(b, r, 999, 300, 100)
	b.ReportMetric(float64(999*300)/took.Seconds(), "updates/s")
}
