package status

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/store/jsstore"
)

// instance is one serve instance's status side: its own JetStream
// connection, dispatcher and status API.
type instance struct {
	st  *jsstore.Store
	d   *lambda.Dispatcher
	s   *Server
	srv *httptest.Server
	r   *rig // for do and dial
}

func startInstance(t *testing.T, cl *testsupport.Cluster, handler lambda.Handler) *instance {
	t.Helper()
	st, err := jsstore.Open(jsstore.Config{URL: cl.URL(), Prefix: "st", Replicas: 3, LeaseTTL: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	env := kernel.Env{Store: st}
	d, err := lambda.New(env, lambda.Options{RetryBaseDelay: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	d.Register("work", handler, lambda.FunctionOptions{})
	s, err := New(env, Options{Dispatcher: d, WebhookRetryBase: 300 * time.Millisecond, WebhookTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	in := &instance{st: st, d: d, s: s, srv: srv, r: &rig{s: s, d: d, srv: srv}}
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		s.Close()
		st.Close()
	})
	return in
}

// run starts the instance's dispatcher until the test ends.
func (in *instance) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// hookCall is one webhook request the receiver answered.
type hookCall struct {
	revision     int
	status, prev string
	delivery     string
	code         int
	hasRecord    bool
	invocationID string
}

// TestClusterStatusAcrossInstances: two instances on a 3-node R3 cluster.
// The invocation is accepted through A, and only B runs invocations, so
// every transition after "queued" is made by B. A client of A, on a
// WebSocket and on a long poll, sees each of B's transitions in revision
// order; the webhook gets one notification per transition cluster-wide
// (not one per instance), in revision order, although the first one,
// sent by A, needs a retry while B is already making the next
// transitions.
func TestClusterStatusAcrossInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	cl := testsupport.StartCluster(t, 3)
	var runsMu sync.Mutex
	runs := map[string]int{}
	release := make(chan struct{})
	handler := func(ctx context.Context, p []byte) ([]byte, error) {
		if string(p) == `{"warm":true}` {
			return nil, nil
		}
		id := lambda.RequestIDFrom(ctx)
		runsMu.Lock()
		runs[id]++
		n := runs[id]
		runsMu.Unlock()
		if n == 1 {
			<-release // until A's client is watching
			return nil, &lambda.FunctionError{Type: "Exception", Message: "first attempt fails"}
		}
		return []byte(`{"ok":true}`), nil
	}
	a, b := startInstance(t, cl, handler), startInstance(t, cl, handler)
	// Only B runs invocations.
	b.run(t)
	// Warm up: an invocation accepted by A, run by B, seen finished by a
	// long poll on A (both instances follow the status bucket now).
	// A fresh cluster may answer 503 (retry) while it places the buckets.
	var warm string
	testsupport.Within(t, 30*time.Second, "the warm-up invocation accepted", func() bool {
		resp, body := a.r.do(t, "POST", "/v1/functions/work/invocations", `{"warm":true}`, nil)
		var out struct{ InvocationID string }
		json.Unmarshal(body, &out)
		warm = out.InvocationID
		return resp.StatusCode == 202
	})
	testsupport.Within(t, 20*time.Second, "the warm-up invocation finished, seen on A", func() bool {
		resp, body := a.r.do(t, "GET", "/v1/invocations/"+warm+"?waitSeconds=5", "", map[string]string{"If-None-Match": `"1"`})
		var st lambda.Status
		return resp.StatusCode == 200 && json.Unmarshal(body, &st) == nil && st.Status == "succeeded"
	})

	// The receiver fails the first two attempts of revision 1 (A's
	// "queued" notification): A retries it 0.3 s and 1.8 s later, while B
	// has made the next transitions.
	var hookMu sync.Mutex
	var calls []hookCall
	attempts := map[string]int{}
	hookSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m struct {
			PreviousStatus *string
			Invocation     lambda.Status
			Record         json.RawMessage
		}
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("webhook body %s: %v", body, err)
		}
		hookMu.Lock()
		defer hookMu.Unlock()
		key := m.Invocation.InvocationID + "/" + strconv.Itoa(m.Invocation.Revision)
		attempts[key]++
		code := http.StatusOK
		if m.Invocation.Revision == 1 && attempts[key] <= 2 {
			code = http.StatusInternalServerError
		}
		prev := ""
		if m.PreviousStatus != nil {
			prev = *m.PreviousStatus
		}
		calls = append(calls, hookCall{revision: m.Invocation.Revision, status: m.Invocation.Status, prev: prev,
			delivery: r.Header.Get("X-Patternc-Delivery"), code: code, hasRecord: len(m.Record) > 0, invocationID: m.Invocation.InvocationID})
		w.WriteHeader(code)
	}))
	defer hookSrv.Close()

	// Accepted through A, for every transition.
	id := a.r.invoke(t, "work", `{"n":1}`, map[string]string{
		"X-Patternc-Callback-Url": hookSrv.URL + "/hook", "X-Patternc-Callback-Events": "all"})
	// A second invocation, terminal notification only.
	id2 := a.r.invoke(t, "work", `{"n":2}`, map[string]string{"X-Patternc-Callback-Url": hookSrv.URL + "/hook"})

	// A's client: a WebSocket on the invocation, and a long poll.
	ws := a.r.dial(t, "/v1/invocations/"+id+"/ws")
	snap := readFrame(t, ws)
	if snap.Op != "snapshot" || snap.Invocation.Revision > 2 {
		t.Fatalf("snapshot on A: %+v", snap)
	}
	type polled struct {
		rev    int
		status string
		waited time.Duration
	}
	var polls []polled
	pollDone := make(chan struct{})
	go func() {
		defer close(pollDone)
		etag := `"` + strconv.Itoa(snap.Invocation.Revision) + `"`
		for {
			start := time.Now()
			resp, body := a.r.do(t, "GET", "/v1/invocations/"+id+"?waitSeconds=20", "", map[string]string{"If-None-Match": etag})
			if resp.StatusCode == http.StatusNotModified {
				continue
			}
			var st lambda.Status
			if resp.StatusCode != 200 || json.Unmarshal(body, &st) != nil {
				t.Errorf("long poll on A: %d %s", resp.StatusCode, body)
				return
			}
			polls = append(polls, polled{st.Revision, st.Status, time.Since(start)})
			etag = resp.Header.Get("ETag")
			if terminal(st.Status) {
				return
			}
		}
	}()

	// B: queued→running→retrying→running→succeeded.
	close(release)
	// Each frame is the document at its revision, from the status that
	// revision left. Frames come in revision order; the status bucket
	// keeps one value per key, so a revision overwritten before A's follow
	// delivered it may be skipped (best effort, runtime.md §7.5), the
	// terminal one never.
	statusAt := map[int]string{2: "running", 3: "retrying", 4: "running", 5: "succeeded"}
	prevAt := map[int]string{2: "queued", 3: "running", 4: "retrying", 5: "running"}
	var frames []int
	var lags []time.Duration // B's transition stamp to the frame on A (B's commit included)
	for last := snap.Invocation.Revision; last < 5; {
		f := readFrame(t, ws)
		r := f.Invocation.Revision
		if f.Op != "status" || r <= last || f.Invocation.Status != statusAt[r] || f.PreviousStatus != prevAt[r] {
			t.Fatalf("frame after revision %d on A's WebSocket: %+v", last, f)
		}
		if (r == 5) != (len(f.Record) > 0) {
			t.Errorf("frame at revision %d: record %s (terminal frames only)", r, f.Record)
		}
		if f.Invocation.Previous != "" {
			t.Errorf("the served document carries the stored previousStatus")
		}
		frames = append(frames, r)
		if at, err := time.Parse(time.RFC3339Nano, f.Invocation.UpdatedAt); err == nil {
			lags = append(lags, time.Since(at).Round(time.Millisecond))
		}
		last = r
	}
	<-pollDone
	if len(polls) == 0 || polls[len(polls)-1].status != "succeeded" || polls[len(polls)-1].rev != 5 {
		t.Fatalf("long polls on A: %+v", polls)
	}
	for i, p := range polls {
		if i > 0 && p.rev <= polls[i-1].rev {
			t.Errorf("long poll went back: %+v", polls)
		}
		if p.waited > 10*time.Second {
			t.Errorf("long poll %d waited %v for a transition made by B", i, p.waited)
		}
	}

	// Webhooks: one delivered notification per transition, in revision
	// order; the retried first one before B's.
	testsupport.Within(t, 20*time.Second, "every webhook delivered", func() bool {
		hookMu.Lock()
		defer hookMu.Unlock()
		ok := 0
		for _, c := range calls {
			if c.code == 200 {
				ok++
			}
		}
		return ok >= 6
	})
	time.Sleep(500 * time.Millisecond) // a duplicate from the other instance would come now
	hookMu.Lock()
	defer hookMu.Unlock()
	var revs []int
	deliveries := map[int]string{}
	for _, c := range calls {
		if c.invocationID != id {
			continue
		}
		if d, ok := deliveries[c.revision]; ok && d != c.delivery {
			t.Errorf("revision %d notified twice (delivery ids %s, %s)", c.revision, d, c.delivery)
		}
		deliveries[c.revision] = c.delivery
		if c.code == 200 {
			revs = append(revs, c.revision)
		}
	}
	if want := []int{1, 2, 3, 4, 5}; !equalInts(revs, want) {
		t.Errorf("delivered webhook revisions %v, want %v", revs, want)
	}
	var terminalOnly []hookCall
	for _, c := range calls {
		if c.invocationID == id2 {
			terminalOnly = append(terminalOnly, c)
		}
	}
	if len(terminalOnly) != 1 || terminalOnly[0].status != "succeeded" || !terminalOnly[0].hasRecord {
		t.Errorf("terminal-only callback: %+v", terminalOnly)
	}
	gated := a.s.Stats()["webhook_gate_waits"] + b.s.Stats()["webhook_gate_waits"]
	if gated == 0 {
		t.Errorf("B's notifications never waited for A's retried one")
	}
	t.Logf("A's WebSocket: snapshot at revision %d, then frames %v (%v after B stamped them); A's long polls %+v; webhook calls %d (revisions delivered %v), gate waits %d", snap.Invocation.Revision, frames, lags, polls, len(calls), revs, gated)
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
