package status

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/patternc/patternc/runtime/store"
)

// webhookDelays are the waits before the retries of a notification
// [runtime.md §7.4: 1 s, 5 s, 25 s, scaled by WebhookRetryBase].
var webhookDelays = []time.Duration{1, 5, 25}

const callbackBucket = "status-callbacks"

// notification is one webhook POST: its body and delivery id are fixed
// across retries.
type notification struct {
	url, deliveryID string
	body            []byte
	rev             int
	// all: the callback selects every transition, so each revision before
	// rev had its notification (runtime.md §7.4), which on a shared store
	// another instance may still be sending (gate).
	all, terminal bool
}

// webhooks sends notifications, one invocation's in revision order (a
// queue and one sender goroutine per invocation with work pending).
type webhooks struct {
	s      *Server
	client *http.Client
	secret []byte
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	queues map[string][]notification // invocation → pending, in order
	states map[string]string         // invocation → pending | delivered | failed
	wg     sync.WaitGroup
}

func newWebhooks(s *Server) *webhooks {
	ctx, cancel := context.WithCancel(context.Background())
	h := &webhooks{s: s, secret: []byte(s.opts.CallbackSecret), ctx: ctx, cancel: cancel,
		queues: map[string][]notification{}, states: map[string]string{}}
	dialer := &net.Dialer{Timeout: s.opts.WebhookTimeout}
	if len(s.opts.AllowCallbackHosts) == 0 {
		// Checked again at dial time, on the address actually dialled: a
		// name that resolves off loopback is refused (DNS rebinding).
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, _ := net.SplitHostPort(address)
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("webhook address %s is not loopback", address)
			}
			return nil
		}
	}
	h.client = &http.Client{Timeout: s.opts.WebhookTimeout, Transport: &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return h
}

func (h *webhooks) close() {
	h.cancel()
	h.wg.Wait()
}

// known reports whether this server has notifications of id queued or a
// state for it not yet in the store.
func (h *webhooks) known(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, queued := h.queues[id]
	_, stated := h.states[id]
	return queued || stated
}

// state is the callback's delivery state as the document shows it.
func (h *webhooks) state(id, dflt string) string {
	h.mu.Lock()
	st, ok := h.states[id]
	h.mu.Unlock()
	if ok {
		return st
	}
	if data, err := h.s.env.Store.Get(context.Background(), callbackBucket, []byte(id)); err == nil {
		st, _ := parseCursor(data)
		return st
	}
	return dflt
}

// The callback record of an invocation (callbackBucket) is its webhook
// cursor: the state of the last notification settled and its revision,
// "delivered 4". Records written before revisions were kept hold the state
// alone (revision 0, read as "the terminal one").
func cursor(state string, rev int) []byte { return []byte(state + " " + strconv.Itoa(rev)) }

func parseCursor(v []byte) (state string, rev int) {
	st, r, _ := strings.Cut(string(v), " ")
	rev, _ = strconv.Atoi(r)
	return st, rev
}

// settledThrough is the revision of the invocation's last settled
// notification, from its cursor (0 when there is none).
func (h *webhooks) settledThrough(ctx context.Context, id string) int {
	data, err := h.s.env.Store.Get(ctx, callbackBucket, []byte(id))
	if err != nil {
		return 0
	}
	_, rev := parseCursor(data)
	return rev
}

// longest is the longest a notification can take: every attempt timing
// out, and the retry delays between them (and a second to spare).
func (h *webhooks) longest() time.Duration {
	d := time.Duration(len(webhookDelays)+1)*h.s.opts.WebhookTimeout + time.Second
	for _, w := range webhookDelays {
		d += w * h.s.opts.WebhookRetryBase
	}
	return d
}

// gate holds n until the notification of the revision before it is
// settled, on a shared store where another instance may have made that
// transition and be retrying its webhook: notifications of one invocation
// go in revision order whichever instance sends them. The wait is bounded
// by the longest a notification can take (every attempt timing out, and
// the retry delays): past it, the earlier sender is gone (an instance
// killed before it settled) and n goes.
func (h *webhooks) gate(n notification, id string) {
	if !n.all || n.rev <= 1 || !h.s.d.Shared() {
		return
	}
	deadline := time.Now().Add(h.longest())
	for h.settledThrough(h.ctx, id) < n.rev-1 && time.Now().Before(deadline) {
		h.s.stats.webhookGated.Add(1)
		select {
		case <-time.After(50 * time.Millisecond):
		case <-h.ctx.Done():
			return
		}
	}
}

type webhookBody struct {
	Type           string          `json:"type"`
	PreviousStatus *string         `json:"previousStatus"`
	Invocation     json.RawMessage `json:"invocation"`
	Record         json.RawMessage `json:"record,omitempty"`
}

// enqueue adds a notification for a transition; the invocation's sender
// starts when none runs.
func (h *webhooks) enqueue(id, url, prev string, doc, record json.RawMessage, rev int, all, terminal bool) {
	b := webhookBody{Type: "invocation.status", Invocation: doc}
	if prev != "" {
		b.PreviousStatus = &prev
	}
	if terminal {
		b.Record = record
	}
	body, _ := json.Marshal(b)
	n := notification{url: url, deliveryID: uuid.NewString(), body: body, rev: rev, all: all, terminal: terminal}
	h.mu.Lock()
	q, running := h.queues[id]
	h.queues[id] = append(q, n)
	h.states[id] = "pending"
	h.mu.Unlock()
	if !running {
		h.wg.Add(1)
		go h.drain(id)
	}
}

func (h *webhooks) drain(id string) {
	defer h.wg.Done()
	for {
		h.mu.Lock()
		q := h.queues[id]
		if len(q) == 0 {
			delete(h.queues, id)
			h.mu.Unlock()
			return
		}
		n := q[0]
		h.mu.Unlock()
		h.gate(n, id)
		state := "failed"
		if h.send(n) {
			state = "delivered"
		} else if h.ctx.Err() != nil {
			return // stopped: nothing is recorded, so Resume sends it again
		}
		h.mu.Lock()
		h.queues[id] = h.queues[id][1:]
		if len(h.queues[id]) == 0 {
			h.states[id] = state
		}
		h.mu.Unlock()
		// The terminal state is recorded for the document and Resume; on a
		// shared store every settled notification moves the cursor that
		// gates the next one, which another instance may send.
		if n.terminal || (n.all && h.s.d.Shared()) {
			var b store.Batch
			b.Put(callbackBucket, []byte(id), cursor(state, n.rev))
			if err := h.s.env.Store.Apply(context.Background(), &b); err != nil {
				h.s.env.Logf("status: recording the webhook state of %s: %v", id, err)
			} else {
				h.mu.Lock()
				if len(h.queues[id]) == 0 {
					delete(h.states, id) // the store has it now
				}
				h.mu.Unlock()
			}
		}
	}
}

// send posts n, retrying 3 times; 410 Gone stops the retries.
func (h *webhooks) send(n notification) bool {
	for attempt := 0; ; attempt++ {
		code, err := h.post(n)
		if err == nil && code >= 200 && code < 300 {
			h.s.stats.webhookDelivered.Add(1)
			return true
		}
		if code == http.StatusGone || attempt == len(webhookDelays) {
			h.s.stats.webhookFailed.Add(1)
			h.s.env.Logf("status: webhook %s to %s failed: status %d, %v", n.deliveryID, n.url, code, err)
			return false
		}
		h.s.stats.webhookRetries.Add(1)
		select {
		case <-h.s.env.Clock.After(webhookDelays[attempt] * h.s.opts.WebhookRetryBase):
		case <-h.ctx.Done():
			return false
		}
	}
}

// Sign is the X-Patternc-Signature value for a body sent at ts (Unix
// seconds): "sha256=" and the hex HMAC-SHA256 of "ts.body" [§7.4].
func Sign(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (h *webhooks) post(n notification) (int, error) {
	req, err := http.NewRequestWithContext(h.ctx, http.MethodPost, n.url, bytes.NewReader(n.body))
	if err != nil {
		return 0, err
	}
	ts := strconv.FormatInt(h.s.env.Clock.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Patternc-Event", "invocation.status")
	req.Header.Set("X-Patternc-Delivery", n.deliveryID)
	req.Header.Set("X-Patternc-Timestamp", ts)
	if len(h.secret) > 0 {
		req.Header.Set("X-Patternc-Signature", Sign(h.secret, ts, n.body))
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Resume resends the terminal webhook of every finished invocation whose
// delivery was not recorded as done — what a restart interrupted. (The
// invocation record is kept only on a shared store, up to 256 KB; other
// bodies carry no "record".) On a shared store an invocation that ended
// less than a notification's longest span ago is left to the instance
// that ended it, which may be sending it still.
func (s *Server) Resume(ctx context.Context) error {
	all, err := s.d.List(ctx)
	if err != nil {
		return err
	}
	for _, st := range all {
		cb := st.Delivery.Callback
		if cb == nil || !terminal(st.Status) {
			continue
		}
		data, err := s.env.Store.Get(ctx, callbackBucket, []byte(st.InvocationID))
		if err == nil {
			if _, rev := parseCursor(data); rev == 0 || rev >= st.Revision {
				continue // the terminal notification was settled
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			continue
		}
		if s.hooks.known(st.InvocationID) {
			continue // this server is sending or has just sent it
		}
		if ended, err := time.Parse(time.RFC3339Nano, st.UpdatedAt); err == nil && s.d.Shared() &&
			s.env.Clock.Now().Sub(ended) < s.hooks.longest() {
			continue // the instance that finished it may be sending it still
		}
		s.hooks.enqueue(st.InvocationID, cb.URL, st.Previous, s.document(st), st.Record, st.Revision, cb.Events == "all", true)
	}
	return nil
}
