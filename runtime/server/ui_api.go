package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/console"
	"github.com/patternc/patternc/runtime/events"
	"github.com/patternc/patternc/runtime/kernel"
	clientstatus "github.com/patternc/patternc/runtime/status"
)

// api returns the console's API (docs/console.md): small JSON endpoints
// under /ui/api, the WebSocket feed at /ui/api/ws, and the client status
// API under /ui/api/v1 for the page's own session.
func (u *uiState) api(s *Server) http.Handler {
	u.once.Do(func() {
		m := http.NewServeMux()
		m.HandleFunc("GET /ui/api/session", s.uiSessionInfo)
		m.HandleFunc("POST /ui/api/session", s.uiSignIn)
		m.HandleFunc("DELETE /ui/api/session", s.uiSignOut)
		m.HandleFunc("POST /ui/api/sandbox", s.uiAccount(func(w http.ResponseWriter, r *http.Request, _ *account) { s.uiSandbox(w, r) }))
		m.HandleFunc("GET /ui/api/overview", s.uiAccount(s.uiOverview))
		m.HandleFunc("GET /ui/api/queues/{name}/messages", s.uiAccount(s.uiPeek))
		m.HandleFunc("POST /ui/api/queues/{name}/redrive", s.uiAccount(s.uiRedrive))
		m.HandleFunc("POST /ui/api/replays", s.uiAccount(s.uiReplay))
		m.HandleFunc("GET /ui/api/ws", s.uiAccount(func(w http.ResponseWriter, r *http.Request, a *account) {
			s.uiStatus(w, r, a, "/v1/ws")
		}))
		m.HandleFunc("/ui/api/v1/", s.uiAccount(func(w http.ResponseWriter, r *http.Request, a *account) {
			s.uiStatus(w, r, a, strings.TrimPrefix(r.URL.Path, "/ui/api"))
		}))
		m.HandleFunc("/ui/api/", func(w http.ResponseWriter, r *http.Request) {
			writeOwnError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("no %s %s in the console API", r.Method, r.URL.Path))
		})
		u.mux = m
	})
	return u.mux
}

// uiAccount lets in a caller the /v1 rules let in, and refuses a
// state-changing request without the console's header (a page on another
// site cannot send it without a CORS preflight, which is never granted).
func (s *Server) uiAccount(h func(http.ResponseWriter, *http.Request, *account)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !uiSameSite(r) {
			writeOwnError(w, http.StatusForbidden, "AccessDeniedException", "console requests that change something carry X-Patternc-Console: 1")
			return
		}
		id, ok := s.ui.caller(s, r)
		if !ok {
			writeOwnError(w, http.StatusUnauthorized, "AccessDeniedException", "Sign in to the console with a secret access key from --credentials.")
			return
		}
		a, err := s.accts.get(id)
		if err != nil {
			writeOwnError(w, http.StatusNotFound, "NotFound", "No such account "+id)
			return
		}
		h(w, r, a)
	}
}

func uiSameSite(r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	return r.Header.Get("X-Patternc-Console") == "1"
}

func uiJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// uiDecode reads a small JSON body into v.
func uiDecode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 2*console.MaxTrialBytes+4096))
	if err != nil {
		writeOwnError(w, http.StatusBadRequest, "InvalidRequestContentException", "the body must be a JSON object of at most 512 KiB: "+err.Error())
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		// Its fields, not its size: a time that is not RFC 3339, a
		// string where a number goes.
		writeOwnError(w, http.StatusBadRequest, "InvalidRequestContentException", "the body is not the JSON this request takes: "+err.Error())
		return false
	}
	return true
}

func uiError(w http.ResponseWriter, err error) {
	if ke, ok := err.(*kernel.Error); ok {
		status := ke.HTTPStatus
		if status == 0 {
			status = http.StatusBadRequest
		}
		writeOwnError(w, status, ke.Code, ke.Message)
		return
	}
	writeOwnError(w, http.StatusBadRequest, "InvalidParameterValueException", err.Error())
}

func (s *Server) uiSessionInfo(w http.ResponseWriter, r *http.Request) {
	id, ok := s.ui.caller(s, r)
	uiJSON(w, http.StatusOK, map[string]any{"auth": s.cfg.Auth, "signedIn": ok, "account": id})
}

func (s *Server) uiSignIn(w http.ResponseWriter, r *http.Request) {
	if !uiSameSite(r) {
		writeOwnError(w, http.StatusForbidden, "AccessDeniedException", "console requests that change something carry X-Patternc-Console: 1")
		return
	}
	var in struct {
		Token string `json:"token"`
	}
	if !uiDecode(w, r, &in) {
		return
	}
	if s.cfg.Auth != "sigv4" {
		uiJSON(w, http.StatusOK, map[string]any{"auth": s.cfg.Auth, "signedIn": true, "account": s.cfg.Account})
		return
	}
	id, acct, ok := s.ui.signIn(s, in.Token)
	if !ok {
		writeOwnError(w, http.StatusUnauthorized, "AccessDeniedException", "That is not a secret access key from --credentials.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: uiCookie, Value: id, Path: "/ui/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil, MaxAge: int(uiSessionTTL / time.Second)})
	uiJSON(w, http.StatusOK, map[string]any{"auth": s.cfg.Auth, "signedIn": true, "account": acct})
}

func (s *Server) uiSignOut(w http.ResponseWriter, r *http.Request) {
	if !uiSameSite(r) {
		writeOwnError(w, http.StatusForbidden, "AccessDeniedException", "console requests that change something carry X-Patternc-Console: 1")
		return
	}
	if c, err := r.Cookie(uiCookie); err == nil {
		s.ui.signOut(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: uiCookie, Value: "", Path: "/ui/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

// uiSandbox is the pattern sandbox. It reads no account's data, but it
// spends the server's CPU, so like the rest of the API it answers only a
// caller the /v1 rules let in.
func (s *Server) uiSandbox(w http.ResponseWriter, r *http.Request) {
	var t console.Trial
	if !uiDecode(w, r, &t) {
		return
	}
	out, err := console.Try(t)
	if err != nil {
		writeOwnError(w, http.StatusBadRequest, "InvalidParameterValueException", err.Error())
		return
	}
	uiJSON(w, http.StatusOK, out)
}

// uiStatus hands a request to the account's client status API at path.
func (s *Server) uiStatus(w http.ResponseWriter, r *http.Request, a *account, path string) {
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = path, ""
	a.status.ServeHTTP(w, r2)
}

type uiQueue struct {
	Name     string `json:"name"`
	Arn      string `json:"arn"`
	Visible  int    `json:"visible"`
	InFlight int    `json:"inFlight"`
	Delayed  int    `json:"delayed"`
	// DeadLetterOf names the queues whose redrive policy points here, and
	// DeadLetterFor says whose targets or subscriptions name it as a DLQ.
	DeadLetterOf  []string `json:"deadLetterOf"`
	DeadLetterFor []string `json:"deadLetterFor"`
}

// uiOverview is everything the live view lists: buses with rules and
// targets, topics with subscriptions, queues with depths, archives and
// replays, and the functions known.
func (s *Server) uiOverview(w http.ResponseWriter, r *http.Request, a *account) {
	rt := a.rt
	out := map[string]any{"account": a.id, "region": s.cfg.Region}
	dlqFor := map[string][]string{} // queue ARN → who uses it as a DLQ
	var buses []*clientstatus.Bus
	for _, def := range rt.Events.ListEventBuses() {
		b, err := clientstatus.DescribeBus(rt.Events, def.Name)
		if err != nil {
			continue
		}
		for _, rule := range b.Rules {
			for _, t := range rule.Targets {
				if t.DeadLetterArn != "" {
					dlqFor[t.DeadLetterArn] = append(dlqFor[t.DeadLetterArn], "rule "+b.Name+"/"+rule.Name+" target "+t.ID)
				}
			}
		}
		buses = append(buses, b)
	}
	out["buses"] = orEmptySlice(buses)
	var topics []*clientstatus.Topic
	for _, arn := range rt.Topics.ListTopics() {
		t, err := clientstatus.DescribeTopic(rt.Topics, arn)
		if err != nil {
			continue
		}
		for _, sub := range t.Subscriptions {
			if attrs, err := rt.Topics.GetSubscriptionAttributes(sub.Arn); err == nil {
				if rp := attrs["RedrivePolicy"]; rp != "" {
					var p struct{ DeadLetterTargetArn string }
					if json.Unmarshal([]byte(rp), &p) == nil && p.DeadLetterTargetArn != "" {
						dlqFor[p.DeadLetterTargetArn] = append(dlqFor[p.DeadLetterTargetArn], "subscription "+sub.Arn)
					}
				}
			}
		}
		topics = append(topics, t)
	}
	out["topics"] = orEmptySlice(topics)
	redrive := map[string][]string{} // DLQ ARN → source queues
	names := rt.Queues.List()
	attrsOf := map[string]map[string]string{}
	for _, q := range names {
		attrs, err := rt.Queues.Attributes(r.Context(), q)
		if err != nil {
			continue
		}
		attrsOf[q] = attrs
		if rp := attrs["RedrivePolicy"]; rp != "" {
			var p struct{ DeadLetterTargetArn string }
			if json.Unmarshal([]byte(rp), &p) == nil {
				redrive[p.DeadLetterTargetArn] = append(redrive[p.DeadLetterTargetArn], q)
			}
		}
	}
	queues := []uiQueue{}
	for _, q := range names {
		attrs, ok := attrsOf[q]
		if !ok {
			continue
		}
		n := func(k string) int { v, _ := strconv.Atoi(attrs[k]); return v }
		arn := attrs["QueueArn"]
		queues = append(queues, uiQueue{Name: q, Arn: arn, Visible: n("ApproximateNumberOfMessages"), InFlight: n("ApproximateNumberOfMessagesNotVisible"),
			Delayed: n("ApproximateNumberOfMessagesDelayed"), DeadLetterOf: orEmptySlice(redrive[arn]), DeadLetterFor: orEmptySlice(dlqFor[arn])})
	}
	sort.Slice(queues, func(i, j int) bool { return queues[i].Name < queues[j].Name })
	out["queues"] = queues
	out["archives"] = orEmptySlice(rt.Events.ListArchives())
	out["replays"] = orEmptySlice(rt.Events.ListReplays())
	fns := []string{}
	if rt.Functions != nil {
		for _, f := range rt.Functions.List() {
			fns = append(fns, f.Name)
		}
	}
	out["functions"] = fns
	uiJSON(w, http.StatusOK, out)
}

func orEmptySlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// uiPeek lists up to 50 messages of a queue without receiving them (the
// message viewer: nothing is hidden or counted as received).
func (s *Server) uiPeek(w http.ResponseWriter, r *http.Request, a *account) {
	msgs, err := a.rt.Queues.Messages(r.Context(), r.PathValue("name"))
	if err != nil {
		uiError(w, err)
		return
	}
	total := len(msgs)
	if len(msgs) > 50 {
		msgs = msgs[:50]
	}
	type message struct {
		ID           string            `json:"id"`
		Body         string            `json:"body"`
		Attributes   map[string]string `json:"attributes"`
		SentAt       time.Time         `json:"sentAt"`
		ReceiveCount int               `json:"receiveCount"`
	}
	list := []message{}
	for _, m := range msgs {
		attrs := m.Attributes
		if attrs == nil {
			attrs = map[string]string{}
		}
		list = append(list, message{m.ID, m.Body, attrs, m.SentAt, m.ReceiveCount})
	}
	uiJSON(w, http.StatusOK, map[string]any{"total": total, "messages": list})
}

// uiRedrive moves a DLQ's messages back: to the destination named, or to
// the one queue whose redrive policy points at this one. Each message is
// sent before it is deleted, so a crash between the two duplicates
// rather than loses it.
func (s *Server) uiRedrive(w http.ResponseWriter, r *http.Request, a *account) {
	var in struct {
		Destination string `json:"destination"`
		Max         int    `json:"max"`
	}
	if !uiDecode(w, r, &in) {
		return
	}
	q := a.rt.Queues
	name := r.PathValue("name")
	dest := in.Destination
	if dest == "" {
		arn := q.ARN(name)
		for _, other := range q.List() {
			attrs, err := q.Attributes(r.Context(), other)
			if err != nil {
				continue
			}
			var p struct{ DeadLetterTargetArn string }
			if json.Unmarshal([]byte(attrs["RedrivePolicy"]), &p) == nil && p.DeadLetterTargetArn == arn {
				dest = other
				break
			}
		}
		if dest == "" {
			writeOwnError(w, http.StatusBadRequest, "InvalidParameterValueException", "no queue has "+name+" as its dead-letter queue: name a destination")
			return
		}
	}
	if dest == name {
		writeOwnError(w, http.StatusBadRequest, "InvalidParameterValueException", "the destination is the queue itself")
		return
	}
	if in.Max <= 0 || in.Max > 10000 {
		in.Max = 10000
	}
	moved := 0
	for moved < in.Max {
		msgs, err := q.Receive(r.Context(), name, min(10, in.Max-moved), 30*time.Second)
		if err != nil {
			uiError(w, err)
			return
		}
		if len(msgs) == 0 {
			break
		}
		for _, m := range msgs {
			if _, err := q.Send(r.Context(), dest, kernel.Message{Body: []byte(m.Body), Attributes: m.Attributes, GroupID: m.GroupID, DedupID: m.DedupID}); err != nil {
				uiError(w, err)
				return
			}
			if err := q.Delete(r.Context(), name, m.ReceiptHandle); err != nil {
				uiError(w, err)
				return
			}
			moved++
		}
	}
	uiJSON(w, http.StatusOK, map[string]any{"moved": moved, "destination": dest})
}

// uiReplay starts a replay of an archive's window to the archive's bus.
func (s *Server) uiReplay(w http.ResponseWriter, r *http.Request, a *account) {
	var in struct {
		Name    string    `json:"name"`
		Archive string    `json:"archive"`
		Start   time.Time `json:"start"`
		End     time.Time `json:"end"`
	}
	if !uiDecode(w, r, &in) {
		return
	}
	ar, err := a.rt.Events.DescribeArchive(in.Archive)
	if err != nil {
		uiError(w, err)
		return
	}
	if in.Name == "" {
		in.Name = "console-" + strconv.FormatInt(time.Now().UnixMilli(), 10)
	}
	rp, err := a.rt.Events.StartReplay(r.Context(), events.StartReplayInput{ReplayName: in.Name, EventSourceArn: ar.ArchiveArn,
		EventStartTime: in.Start, EventEndTime: in.End, DestinationArn: ar.EventSourceArn})
	if err != nil {
		uiError(w, err)
		return
	}
	uiJSON(w, http.StatusOK, rp)
}
