package status

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/lambda"
)

// hook is a webhook receiver that verifies signatures.
type hook struct {
	t      testing.TB
	secret string
	mu     sync.Mutex
	got    []webhookSeen
	answer func(n int) int // status to answer the n-th request (0-based)
	calls  int
	srv    *httptest.Server
}

type webhookSeen struct {
	status, previous, delivery string
	revision                   int
	hasRecord                  bool
}

func newHook(t testing.TB, secret string) *hook {
	h := &hook{t: t, secret: secret}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get("X-Patternc-Timestamp")
		if want := Sign([]byte(h.secret), ts, body); h.secret != "" && r.Header.Get("X-Patternc-Signature") != want {
			t.Errorf("bad signature %q, want %q", r.Header.Get("X-Patternc-Signature"), want)
		}
		if r.Header.Get("X-Patternc-Event") != "invocation.status" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("headers: %v", r.Header)
		}
		var b struct {
			Type           string
			PreviousStatus *string
			Invocation     lambda.Status
			Record         json.RawMessage
		}
		if err := json.Unmarshal(body, &b); err != nil || b.Type != "invocation.status" {
			t.Errorf("body %s: %v", body, err)
		}
		h.mu.Lock()
		n := h.calls
		h.calls++
		code := 200
		if h.answer != nil {
			code = h.answer(n)
		}
		if code == 200 {
			prev := ""
			if b.PreviousStatus != nil {
				prev = *b.PreviousStatus
			}
			h.got = append(h.got, webhookSeen{b.Invocation.Status, prev, r.Header.Get("X-Patternc-Delivery"), b.Invocation.Revision, len(b.Record) > 0})
		}
		h.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) seen() []webhookSeen {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]webhookSeen(nil), h.got...)
}

// TestTransitionsThreeWays: every transition of an invocation that fails
// once and then succeeds is seen by a long-polling client, a webhook
// receiver (signatures checked) and a WebSocket subscriber, in revision
// order, the WebSocket subscribing after the invoke.
func TestTransitionsThreeWays(t *testing.T) {
	r := newRig(t, func(o *Options) { o.CallbackSecret = "s3cret" })
	gate := make(chan struct{})
	runs := 0
	r.d.Register("order-processor", func(ctx context.Context, p []byte) ([]byte, error) {
		<-gate
		runs++
		if runs == 1 {
			return nil, &lambda.FunctionError{Type: "Exception", Message: "payment service down"}
		}
		return []byte(`{"ok":true}`), nil
	}, lambda.FunctionOptions{})
	h := newHook(t, "s3cret")
	id := r.invoke(t, "order-processor", `{"orderId":"ORD-001"}`, map[string]string{
		"X-Patternc-Callback-Url": h.srv.URL + "/hook", "X-Patternc-Callback-Events": "all"})

	// The WebSocket subscribes after the invoke: it gets a snapshot.
	ws := r.dial(t, "/v1/ws")
	writeMsg(t, ws, `{"op":"subscribe","invocationId":"`+id+`"}`)
	snap := readFrame(t, ws)
	if snap.Op != "snapshot" || snap.Invocation.Status != "queued" || snap.Invocation.Revision != 1 {
		t.Fatalf("snapshot = %+v", snap)
	}

	// The poller follows with If-None-Match and long polls.
	type polled struct {
		status string
		rev    int
	}
	var pollMu sync.Mutex
	var polls []polled
	pollDone := make(chan struct{})
	go func() {
		defer close(pollDone)
		etag := ""
		for {
			hdr := map[string]string{}
			if etag != "" {
				hdr["If-None-Match"] = etag
			}
			path := "/v1/invocations/" + id
			if etag != "" {
				path += "?waitSeconds=5"
			}
			resp, body := r.do(t, "GET", path, "", hdr)
			if resp.StatusCode == 304 {
				continue
			}
			var st lambda.Status
			if resp.StatusCode != 200 || json.Unmarshal(body, &st) != nil {
				t.Errorf("poll: %d %s", resp.StatusCode, body)
				return
			}
			if resp.Header.Get("ETag") != `"`+strconv.Itoa(st.Revision)+`"` {
				t.Errorf("ETag %q for revision %d", resp.Header.Get("ETag"), st.Revision)
			}
			if ra := resp.Header.Get("Retry-After"); terminal(st.Status) != (ra == "") {
				t.Errorf("Retry-After %q on %s", ra, st.Status)
			}
			etag = resp.Header.Get("ETag")
			pollMu.Lock()
			polls = append(polls, polled{st.Status, st.Revision})
			pollMu.Unlock()
			if terminal(st.Status) {
				return
			}
		}
	}()
	waitPolled := func(rev int) {
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			pollMu.Lock()
			n := len(polls)
			last := polled{}
			if n > 0 {
				last = polls[n-1]
			}
			pollMu.Unlock()
			if last.rev >= rev {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("the poller never saw revision %d", rev)
	}
	waitPolled(1)
	r.run()
	waitPolled(2) // running, held by the gate
	gate <- struct{}{}
	waitPolled(3) // retrying for 300 ms
	waitPolled(4) // running again
	gate <- struct{}{}
	<-pollDone

	want := []string{"queued", "running", "retrying", "running", "succeeded"}
	for i, p := range polls {
		if p.rev != i+1 || p.status != want[i] {
			t.Fatalf("polls = %+v", polls)
		}
	}
	if len(polls) != 5 {
		t.Fatalf("polls = %+v", polls)
	}
	for rev := 2; rev <= 5; rev++ {
		f := readFrame(t, ws)
		if f.Op != "status" || f.Invocation.Revision != rev || f.Invocation.Status != want[rev-1] || f.PreviousStatus != want[rev-2] {
			t.Fatalf("frame for revision %d = %+v", rev, f)
		}
		if (rev == 5) != (len(f.Record) > 0) {
			t.Errorf("record on revision %d: %s", rev, f.Record)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(h.seen()) < 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	got := h.seen()
	if len(got) != 5 {
		t.Fatalf("webhooks = %+v", got)
	}
	ids := map[string]bool{}
	for i, g := range got {
		if g.revision != i+1 || g.status != want[i] || (i > 0 && g.previous != want[i-1]) || g.hasRecord != (i == 4) {
			t.Errorf("webhook %d = %+v", i, g)
		}
		ids[g.delivery] = true
	}
	if len(ids) != 5 {
		t.Errorf("delivery ids not distinct: %v", ids)
	}
	// The document shows the callback delivered.
	var st lambda.Status
	var body []byte
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		_, body = r.do(t, "GET", "/v1/invocations/"+id, "", nil)
		json.Unmarshal(body, &st)
		if st.Delivery.Callback != nil && st.Delivery.Callback.State != "pending" {
			break
		}
	}
	if st.Delivery.Callback == nil || st.Delivery.Callback.State != "delivered" || string(st.Result) != `{"ok":true}` {
		t.Errorf("final document: %s", body)
	}

	// A client that reconnects gets a fresh snapshot.
	ws2 := r.dial(t, "/v1/invocations/"+id+"/ws")
	if f := readFrame(t, ws2); f.Op != "snapshot" || f.Invocation.Revision != 5 || f.Invocation.Status != "succeeded" {
		t.Errorf("reconnect snapshot = %+v", f)
	}
}

func TestPollingEdges(t *testing.T) {
	r := newRig(t, nil)
	r.d.Register("f", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, lambda.FunctionOptions{})
	id := r.invoke(t, "f", `{}`, nil)
	resp, _ := r.do(t, "GET", "/v1/invocations/"+id, "", map[string]string{"If-None-Match": `"1"`})
	if resp.StatusCode != 304 || resp.Header.Get("ETag") != `"1"` || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("304: %d %v", resp.StatusCode, resp.Header)
	}
	began := time.Now()
	resp, _ = r.do(t, "GET", "/v1/invocations/"+id+"?waitSeconds=1", "", map[string]string{"If-None-Match": `"1"`})
	if resp.StatusCode != 304 || time.Since(began) < 900*time.Millisecond {
		t.Errorf("long poll without change: %d after %v", resp.StatusCode, time.Since(began))
	}
	for path, want := range map[string]string{
		"/v1/invocations/nope":                      "InvocationNotFound",
		"/v1/invocations/" + id + "?waitSeconds=31": "InvalidParameterValueException",
		"/v1/invocations?limit=101":                 "InvalidParameterValueException",
		"/v1/invocations?status=done":               "InvalidParameterValueException",
		"/v1/nothing":                               "NotFound",
	} {
		_, body := r.do(t, "GET", path, "", nil)
		var e struct{ Code, Message string }
		if json.Unmarshal(body, &e) != nil || e.Code != want || e.Message == "" {
			t.Errorf("%s: %s, want %s", path, body, want)
		}
	}
	for _, c := range []struct {
		fn, body string
		hdr      map[string]string
		status   int
		code     string
	}{
		{"nope", `{}`, nil, 404, "FunctionNotFound"},
		{"f", `{not json`, nil, 400, "InvalidRequestContentException"},
		{"f", strings.Repeat("x", 300<<10), nil, 413, "RequestTooLargeException"},
		{"f", `{}`, map[string]string{"X-Patternc-Callback-Url": "http://198.51.100.7/hook"}, 400, "InvalidParameterValueException"},
		{"f", `{}`, map[string]string{"X-Patternc-Callback-Url": "ftp://127.0.0.1/"}, 400, "InvalidParameterValueException"},
		{"f", `{}`, map[string]string{"X-Patternc-Callback-Events": "some"}, 400, "InvalidParameterValueException"},
		{"f", `{}`, map[string]string{"Idempotency-Key": strings.Repeat("k", 129)}, 400, "InvalidParameterValueException"},
	} {
		resp, body := r.do(t, "POST", "/v1/functions/"+c.fn+"/invocations", c.body, c.hdr)
		var e struct{ Code string }
		json.Unmarshal(body, &e)
		if resp.StatusCode != c.status || e.Code != c.code {
			t.Errorf("%s %.30s %v: %d %s", c.fn, c.body, c.hdr, resp.StatusCode, body)
		}
	}
	if r.s.Stats()["webhook_rejected_urls"] != 2 {
		t.Errorf("stats = %v", r.s.Stats())
	}

	// Idempotency keys.
	hdr := map[string]string{"Idempotency-Key": "k1"}
	id1 := r.invoke(t, "f", `{"n":1}`, hdr)
	resp, body := r.do(t, "POST", "/v1/functions/f/invocations", `{"n":1}`, hdr)
	if resp.StatusCode != 202 || resp.Header.Get("X-Patternc-Idempotent-Replay") != "true" || !strings.Contains(string(body), id1) {
		t.Errorf("replay: %d %s", resp.StatusCode, body)
	}
	if resp, body = r.do(t, "POST", "/v1/functions/f/invocations", `{"n":2}`, hdr); resp.StatusCode != 409 || !strings.Contains(string(body), "IdempotencyKeyConflict") {
		t.Errorf("conflict: %d %s", resp.StatusCode, body)
	}

	// The list: newest first, paged.
	_, body = r.do(t, "GET", "/v1/invocations?function=f&limit=1", "", nil)
	var list struct {
		Invocations []lambda.Status
		NextToken   *string
	}
	json.Unmarshal(body, &list)
	if len(list.Invocations) != 1 || list.Invocations[0].InvocationID != id1 || list.NextToken == nil {
		t.Fatalf("list page 1: %s", body)
	}
	_, body = r.do(t, "GET", "/v1/invocations?function=f&limit=1&nextToken="+*list.NextToken, "", nil)
	list.NextToken = nil
	json.Unmarshal(body, &list)
	if len(list.Invocations) != 1 || list.Invocations[0].InvocationID != id || list.NextToken != nil {
		t.Errorf("list page 2: %s", body)
	}
}

// TestWebhookFailures: a receiver that hangs is timed out and retried
// three times, then the state is failed; 410 Gone stops at once; the
// dialer refuses what is not loopback.
func TestWebhookFailures(t *testing.T) {
	r := newRig(t, func(o *Options) {
		o.WebhookTimeout = 200 * time.Millisecond
		o.WebhookRetryBase = 10 * time.Millisecond
	})
	r.d.Register("f", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, lambda.FunctionOptions{})
	release := make(chan struct{})
	var mu sync.Mutex
	hangCalls := 0
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		hangCalls++
		mu.Unlock()
		select {
		case <-release:
		case <-req.Context().Done():
		}
	}))
	defer func() { close(release); hang.Close() }()
	gone := newHook(t, "")
	gone.answer = func(int) int { return http.StatusGone }
	r.run()
	idHang := r.invoke(t, "f", `{}`, map[string]string{"X-Patternc-Callback-Url": hang.URL})
	idGone := r.invoke(t, "f", `{}`, map[string]string{"X-Patternc-Callback-Url": gone.srv.URL})
	state := func(id string) string {
		_, body := r.do(t, "GET", "/v1/invocations/"+id, "", nil)
		var st lambda.Status
		json.Unmarshal(body, &st)
		if st.Delivery.Callback == nil {
			return ""
		}
		return st.Delivery.Callback.State
	}
	deadline := time.Now().Add(15 * time.Second)
	for (state(idHang) != "failed" || state(idGone) != "failed") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if state(idHang) != "failed" || state(idGone) != "failed" {
		t.Fatalf("states: %s %s", state(idHang), state(idGone))
	}
	mu.Lock()
	if hangCalls != 4 {
		t.Errorf("the hanging receiver got %d calls, want 4 (1 + 3 retries)", hangCalls)
	}
	mu.Unlock()
	if gone.calls != 1 {
		t.Errorf("410 receiver got %d calls, want 1", gone.calls)
	}
	st := r.s.Stats()
	if st["webhook_failures"] != 2 || st["webhook_retries"] != 3 {
		t.Errorf("stats = %v", st)
	}

	// The dialer's own check: a webhooks value without allowed hosts
	// refuses a non-loopback address even if the URL check was bypassed.
	code, err := r.s.hooks.post(notification{url: "http://192.0.2.1:9/x", deliveryID: "d", body: []byte("{}")})
	if err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Errorf("off-loopback post: %d %v", code, err)
	}
}

func TestQueuesEndpoint(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	dlq, _ := r.q.Create(ctx, "dlq")
	r.d.Register("bad", func(ctx context.Context, p []byte) ([]byte, error) {
		return nil, errors.New("always fails")
	}, lambda.FunctionOptions{DeadLetterArn: dlq})
	zero := 0
	if err := r.d.PutEventInvokeConfig("bad", lambda.EventInvokeConfig{MaximumRetryAttempts: &zero}); err != nil {
		t.Fatal(err)
	}
	r.run()
	id := r.invoke(t, "bad", `{"orderId":"ORD-9"}`, nil)
	var got struct {
		Messages []struct {
			MessageID, Receipt, Body string
			Attributes               map[string]string
		}
	}
	_, body := r.do(t, "GET", "/v1/queues/dlq/messages?max=10&waitSeconds=10", "", nil)
	json.Unmarshal(body, &got)
	if len(got.Messages) != 1 || got.Messages[0].Body != `{"orderId":"ORD-9"}` || got.Messages[0].Attributes["RequestID"] != id || got.Messages[0].Receipt == "" {
		t.Fatalf("dlq: %s", body)
	}
	if resp, _ := r.do(t, "DELETE", "/v1/queues/dlq/messages/"+got.Messages[0].Receipt, "", nil); resp.StatusCode != 204 {
		t.Errorf("delete: %d", resp.StatusCode)
	}
	if _, body = r.do(t, "GET", "/v1/queues/dlq/messages", "", nil); string(body) != "{\"messages\":[]}\n" {
		t.Errorf("after delete: %s", body)
	}
	if resp, body := r.do(t, "GET", "/v1/queues/nope/messages", "", nil); resp.StatusCode != 400 || !strings.Contains(string(body), "code") {
		t.Errorf("missing queue: %d %s", resp.StatusCode, body)
	}
	if resp, body := r.do(t, "GET", "/v1/queues/dlq/messages?max=11", "", nil); resp.StatusCode != 400 {
		t.Errorf("max=11: %d %s", resp.StatusCode, body)
	}
}

// TestHTTPFunctionAndConfig: PUT /v1/functions registers an HTTP-backed
// function; event-invoke-config in AWS's field names.
func TestHTTPFunctionAndConfig(t *testing.T) {
	r := newRig(t, nil)
	fn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if strings.Contains(string(body), "fail") {
			w.WriteHeader(500)
			w.Write([]byte(`{"errorType":"Boom","errorMessage":"it failed"}`))
			return
		}
		w.Write([]byte(`{"handled":` + string(body) + `}`))
	}))
	defer fn.Close()
	resp, body := r.do(t, "PUT", "/v1/functions/web", `{"handler":{"url":"`+fn.URL+`","timeoutSeconds":2},"reservedConcurrency":null}`, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("put function: %d %s", resp.StatusCode, body)
	}
	resp, body = r.do(t, "PUT", "/v1/functions/web/event-invoke-config", `{"MaximumRetryAttempts":0}`, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"MaximumRetryAttempts":0`) {
		t.Fatalf("put config: %d %s", resp.StatusCode, body)
	}
	if resp, body = r.do(t, "PUT", "/v1/functions/web/event-invoke-config", `{}`, nil); resp.StatusCode != 400 || !strings.Contains(string(body), "at least one of error handling") {
		t.Errorf("empty config: %d %s", resp.StatusCode, body)
	}
	r.run()
	ok := r.invoke(t, "web", `{"a":1}`, nil)
	bad := r.invoke(t, "web", `{"fail":1}`, nil)
	for id, want := range map[string]string{ok: "succeeded", bad: "failed"} {
		_, body := r.do(t, "GET", "/v1/invocations/"+id+"?waitSeconds=10", "", map[string]string{"If-None-Match": `"1"`})
		var st lambda.Status
		for i := 0; i < 50 && !terminal(st.Status); i++ {
			_, body = r.do(t, "GET", "/v1/invocations/"+id+"?waitSeconds=2", "", nil)
			json.Unmarshal(body, &st)
			if !terminal(st.Status) {
				time.Sleep(20 * time.Millisecond)
			}
		}
		if st.Status != want {
			t.Errorf("%s: %s", id, body)
		}
		if want == "failed" && (st.LastError == nil || st.LastError.ErrorType != "Boom") {
			t.Errorf("failed: %s", body)
		}
		if want == "succeeded" && string(st.Result) != `{"handled":{"a":1}}` {
			t.Errorf("result: %s", body)
		}
	}
	if resp, _ := r.do(t, "DELETE", "/v1/functions/web/event-invoke-config", "", nil); resp.StatusCode != 204 {
		t.Errorf("delete config: %d", resp.StatusCode)
	}
}

// TestWebhookResume: a terminal webhook that a stop interrupted is sent
// again by the next server's Resume (without the record, which is not
// kept), and then recorded so it is not sent a third time.
func TestWebhookResume(t *testing.T) {
	r := newRig(t, func(o *Options) { o.WebhookTimeout, o.WebhookRetryBase = time.Second, time.Hour })
	r.d.Register("f", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, lambda.FunctionOptions{})
	h := newHook(t, "")
	var failing atomic.Bool
	failing.Store(true)
	h.answer = func(int) int {
		if failing.Load() {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	}
	r.run()
	id := r.invoke(t, "f", `{}`, map[string]string{"X-Patternc-Callback-Url": h.srv.URL})
	for deadline := time.Now().Add(10 * time.Second); r.s.Stats()["webhook_retries"] == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	r.s.Close() // the retry, an hour away, is abandoned: as a crash would
	failing.Store(false)
	s2, err := New(r.s.env, Options{Dispatcher: r.d, Queues: r.q})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); s2.hooks.state(id, "") != "delivered" && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	got := h.seen()
	if len(got) != 1 || got[0].status != "succeeded" || got[0].hasRecord {
		t.Fatalf("resumed webhooks: %+v", got)
	}
	if err := s2.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(h.seen()); n != 1 {
		t.Errorf("a delivered webhook was resumed again: %d deliveries", n)
	}
}
