package events

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
)

var t0 = testsupport.T0

// recorder is the shared recording sink and Go handler, with the views
// these tests read.
type recorder struct{ testsupport.Recorder }

func (r *recorder) handle(ctx context.Context, p []byte) error { return r.Handle(ctx, p) }

// all returns the distinct messages received: delivery is at least once,
// so a redelivered duplicate (same body and attributes) counts once.
func (r *recorder) all() []kernel.Message {
	seen := map[string]bool{}
	var out []kernel.Message
	for _, m := range r.Messages() {
		k, _ := json.Marshal(m)
		if !seen[string(k)] {
			seen[string(k)] = true
			out = append(out, m)
		}
	}
	return out
}

// calls counts every call, duplicates included.
func (r *recorder) calls() int { return len(r.Messages()) }

type harness struct {
	svc   *Service
	clk   *clock.Fake
	st    store.Store
	dlq   *recorder
	sinks map[string]*recorder
	stop  func()
}

// each runs f against both store engines.
func each(t *testing.T, f func(t *testing.T, h *harness)) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			st := e.Open(t, t.TempDir())
			h := start(t, st, clock.NewFake(t0))
			f(t, h)
		})
	}
}

func start(t testing.TB, st store.Store, clk *clock.Fake) *harness {
	return startWith(t, st, clk, nil)
}

// startWith is start with setup run on the service before delivery
// begins (handlers a resumed delivery needs at once).
func startWith(t testing.TB, st store.Store, clk *clock.Fake, setup func(*Service)) *harness {
	h := &harness{clk: clk, st: st, dlq: &recorder{}, sinks: map[string]*recorder{}}
	var mu sync.Mutex
	res := kernel.ResolverFunc(func(arn string) (kernel.Sink, error) {
		mu.Lock()
		defer mu.Unlock()
		if arn == "arn:aws:sqs:us-east-1:000000000000:dlq" {
			return h.dlq, nil
		}
		if r, ok := h.sinks[arn]; ok {
			return r, nil
		}
		return nil, kernel.ErrNoResource
	})
	svc, err := New(kernel.Env{Store: st, Clock: clk, Resolver: res, Logger: testsupport.Discard}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.svc = svc
	if setup != nil {
		setup(svc)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = svc.Run(ctx); close(done) }()
	h.stop = func() { cancel(); <-done }
	t.Cleanup(func() {
		h.stop()
		_ = st.Close()
	})
	return h
}

// eventually polls cond, moving the fake clock by step each round.
func eventually(t testing.TB, clk *clock.Fake, step time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in time")
		}
		time.Sleep(2 * time.Millisecond)
		if step > 0 {
			clk.Advance(step)
		}
	}
}

func put(t testing.TB, s *Service, entries ...Entry) *PutEventsOutput {
	t.Helper()
	out, err := s.PutEvents(context.Background(), entries)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustRule(t testing.TB, s *Service, bus, name, pattern string, targets ...Target) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.PutRule(ctx, PutRuleInput{Name: name, EventBusName: bus, EventPattern: pattern}); err != nil {
		t.Fatal(err)
	}
	if len(targets) > 0 {
		if err := s.PutTargets(ctx, bus, name, targets); err != nil {
			t.Fatal(err)
		}
	}
}

func intp(n int) *int { return &n }

func TestPutEventsValidation(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			s, err := New(kernel.Env{Store: e.Open(t, t.TempDir()), Clock: clock.NewFake(t0), Logger: testsupport.Discard}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ok := Entry{Source: "app", DetailType: "t", Detail: `{"a":1}`}
			tests := []struct {
				name string
				e    Entry
				code string
				msg  string
			}{
				{"ok", ok, "", ""},
				{"no source", Entry{DetailType: "t", Detail: "{}"}, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."},
				{"no detail-type", Entry{Source: "s", Detail: "{}"}, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."},
				{"no detail", Entry{Source: "s", DetailType: "t"}, "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."},
				{"not json", Entry{Source: "s", DetailType: "t", Detail: "NotJSON"}, "MalformedDetail", "Detail is malformed."},
				{"array", Entry{Source: "s", DetailType: "t", Detail: "[]"}, "MalformedDetail", "Detail is malformed."},
				{"broken", Entry{Source: "s", DetailType: "t", Detail: "{{}"}, "MalformedDetail", "Detail is malformed."},
				{"string", Entry{Source: "s", DetailType: "t", Detail: `"\"NotJSON\""`}, "MalformedDetail", "Detail is malformed."},
				{"int64 overflow", Entry{Source: "s", DetailType: "t", Detail: `{"n":9223372036854775808}`}, "MalformedDetail", "Detail is malformed."},
				{"invalid UTF-8", Entry{Source: "s", DetailType: "t", Detail: "{\"k\":\"\xff\"}"}, "MalformedDetail", "Detail is malformed."},
				{"int64 max ok", Entry{Source: "s", DetailType: "t", Detail: `{"n":9223372036854775807,"f":1e400}`}, "", ""},
				{"too deep", Entry{Source: "s", DetailType: "t", Detail: "{\"a\":" + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + "}"}, "MalformedDetail", "Detail is malformed."},
				{"deep ok", Entry{Source: "s", DetailType: "t", Detail: "{\"a\":" + strings.Repeat("[", 999) + strings.Repeat("]", 999) + "}"}, "", ""},
				{"long detail-type", Entry{Source: "s", DetailType: strings.Repeat("é", 129), Detail: "{}"}, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is longer than 128 characters."},
				{"aws source", Entry{Source: "aws.ec2", DetailType: "t", Detail: "{}"}, "NotAuthorizedForSourceException", "Not authorized for the source."},
				{"source before detail", Entry{DetailType: "", Detail: "[]"}, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					out := put(t, s, tt.e)
					r := out.Entries[0]
					if r.ErrorCode != tt.code || r.ErrorMessage != tt.msg {
						t.Fatalf("got %s/%q, want %s/%q", r.ErrorCode, r.ErrorMessage, tt.code, tt.msg)
					}
					if (tt.code == "") != (r.EventId != "") || out.FailedEntryCount != map[bool]int{true: 0, false: 1}[tt.code == ""] {
						t.Fatalf("bad result %+v", out)
					}
				})
			}
			// Request-level checks.
			eleven := make([]Entry, 11)
			for i := range eleven {
				eleven[i] = ok
			}
			if _, err := s.PutEvents(context.Background(), eleven); err == nil || !strings.Contains(err.Error(), "Member must have length less than or equal to 10") {
				t.Fatalf("11 entries: %v", err)
			}
			big := strings.Repeat("x", 262144-len("app")-len("t")-len(`{"a":""}`))
			if _, err := s.PutEvents(context.Background(), []Entry{{Source: "app", DetailType: "t", Detail: `{"a":"` + big + `"}`}}); err == nil || err.((*kernel.Error)).Message != "Total size of the entries in the request is over the limit." {
				t.Fatalf("oversize: %v", err)
			}
			if _, err := s.PutEvents(context.Background(), []Entry{{Source: "app", DetailType: "t", Detail: `{"a":"` + big[1:] + `"}`}}); err != nil {
				t.Fatalf("just under the limit: %v", err)
			}
			if _, err := s.PutEvents(context.Background(), []Entry{ok, {Source: "a", DetailType: "t", Detail: "{}", TraceHeader: strings.Repeat("h", 501)}}); err == nil || !strings.Contains(err.Error(), "at 'entries.2.member.traceHeader'") {
				t.Fatalf("trace header: %v", err)
			}
			// Mixed request: results in order.
			out := put(t, s, ok, Entry{Source: "s", DetailType: "t", Detail: "[]"}, ok)
			if out.FailedEntryCount != 1 || out.Entries[0].EventId == "" || out.Entries[1].ErrorCode != "MalformedDetail" || out.Entries[2].EventId == "" {
				t.Fatalf("mixed: %+v", out)
			}
			// Unknown bus: success, dropped and counted; StrictBus: error.
			out = put(t, s, Entry{Source: "s", DetailType: "t", Detail: "{}", EventBusName: "nope"})
			if out.FailedEntryCount != 0 || s.Stats()["events_dropped_unknown_bus"] != 1 {
				t.Fatalf("unknown bus: %+v %v", out, s.Stats())
			}
			s.cfg.StrictBus = true
			out = put(t, s, Entry{Source: "s", DetailType: "t", Detail: "{}", EventBusName: "nope"})
			if out.Entries[0].ErrorCode != "ResourceNotFoundException" || out.Entries[0].ErrorMessage != "Event bus nope does not exist." {
				t.Fatalf("strict: %+v", out)
			}
		})
	}
}

func TestDeliveryToHandler(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		if _, err := h.svc.CreateEventBus(ctx, "orders", ""); err != nil {
			t.Fatal(err)
		}
		got, off := &recorder{}, &recorder{}
		h.svc.RegisterHandler("arn:patternc:go:::handler/got", got.handle)
		h.svc.RegisterHandler("arn:patternc:go:::handler/off", off.handle)
		mustRule(t, h.svc, "orders", "created", `{"detail-type":["Order Created"]}`, Target{ID: "t1", Arn: "arn:patternc:go:::handler/got"})
		mustRule(t, h.svc, "orders", "disabled", `{"source":["shop"]}`, Target{ID: "t1", Arn: "arn:patternc:go:::handler/off"})
		if err := h.svc.DisableRule(ctx, "orders", "disabled"); err != nil {
			t.Fatal(err)
		}
		tm := time.Date(2024, 6, 15, 10, 30, 0, 500, time.UTC)
		out := put(t, h.svc,
			Entry{Source: "shop", DetailType: "Order Created", Detail: "{ \"orderId\" : \"ORD-1\", \"n\": 1.50 }", EventBusName: "orders", Time: &tm},
			Entry{Source: "shop", DetailType: "Other", Detail: `{}`, EventBusName: "orders"})
		eventually(t, h.clk, 0, func() bool { return len(got.all()) == 1 })
		want := `{"version":"0","id":"` + out.Entries[0].EventId + `","detail-type":"Order Created","source":"shop","account":"000000000000","time":"2024-06-15T10:30:00Z","region":"us-east-1","resources":[],"detail":{"orderId":"ORD-1","n":1.50}}`
		if b := string(got.all()[0].Body); b != want {
			t.Fatalf("delivered\n%s\nwant\n%s", b, want)
		}
		eventually(t, h.clk, 0, func() bool { return h.svc.Stats()["events_routed"] == 2 })
		if len(off.all()) != 0 || len(got.all()) != 1 {
			t.Fatalf("disabled rule or non-matching event delivered")
		}
	})
}

func TestRetryAndDLQ(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		flaky := &recorder{testsupport.Recorder{Fail: func(n int) error {
			if n < 2 {
				return kernel.ErrThrottled
			}
			return nil
		}}}
		broken := &recorder{testsupport.Recorder{Fail: func(int) error { return errors.New("boom") }}}
		h.svc.RegisterHandler("arn:x:go:::flaky", flaky.handle)
		h.svc.RegisterHandler("arn:x:go:::broken", broken.handle)
		mustRule(t, h.svc, "", "r", `{"source":["app"]}`,
			Target{ID: "flaky", Arn: "arn:x:go:::flaky"},
			Target{ID: "broken", Arn: "arn:x:go:::broken", RetryPolicy: &RetryPolicy{MaximumRetryAttempts: intp(3)}, DeadLetterArn: "arn:aws:sqs:us-east-1:000000000000:dlq"},
			Target{ID: "missing", Arn: "arn:aws:sns:us-east-1:000000000000:nope", DeadLetterArn: "arn:aws:sqs:us-east-1:000000000000:dlq"},
			Target{ID: "aged", Arn: "arn:x:go:::broken", RetryPolicy: &RetryPolicy{MaximumEventAgeInSeconds: intp(60)}, DeadLetterArn: "arn:aws:sqs:us-east-1:000000000000:dlq"},
		)
		put(t, h.svc, Entry{Source: "app", DetailType: "t", Detail: `{}`})
		eventually(t, h.clk, 5*time.Second, func() bool { return flaky.calls() >= 3 && len(h.dlq.all()) == 3 })
		byCode := map[string]map[string]string{}
		for _, m := range h.dlq.all() {
			byCode[m.Attributes["ERROR_CODE"]+"/"+m.Attributes["EXHAUSTED_RETRY_CONDITION"]] = m.Attributes
		}
		if a := byCode["TARGET_SERVER_ERROR/MaximumRetryAttempts"]; a == nil || a["RETRY_ATTEMPTS"] != "3" || a["ERROR_MESSAGE"] != "boom" || a["RULE_ARN"] != "arn:aws:events:us-east-1:000000000000:rule/r" || a["TARGET_ARN"] != "arn:x:go:::broken" {
			t.Fatalf("retry-exhausted DLQ message: %v", byCode)
		}
		if a := byCode["NO_RESOURCE/"]; a == nil || a["RETRY_ATTEMPTS"] != "0" {
			t.Fatalf("no-resource DLQ message: %v", byCode)
		}
		if a := byCode["TARGET_SERVER_ERROR/MaximumEventAgeInSeconds"]; a == nil {
			t.Fatalf("age-exhausted DLQ message: %v", byCode)
		}
		if st := h.svc.Stats(); st["dlq_sent"] < 3 || st["deliveries_ok"] < 1 {
			t.Fatalf("stats %v", st)
		}
	})
}

func TestBackoffBounds(t *testing.T) {
	s := &Service{cfg: Options{RetryBase: time.Second}}
	for n := 1; n < 30; n++ {
		c := time.Duration(300) * time.Second
		if n < 10 {
			c = min(c, time.Second<<(n-1))
		}
		for range 20 {
			d := s.backoff(n)
			if d < c/2 || d > c {
				t.Fatalf("retry %d: %v outside [%v, %v]", n, d, c/2, c)
			}
		}
	}
}

func TestHTTPTarget(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		var mu sync.Mutex
		var bodies []string
		calls := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if r.URL.Path == "/deny" {
				w.WriteHeader(403)
				return
			}
			if calls == 1 {
				w.WriteHeader(503)
				return
			}
			if r.Header.Get("Content-Type") != "application/json" {
				w.WriteHeader(400)
				return
			}
			var b strings.Builder
			buf := make([]byte, 1024)
			n, _ := r.Body.Read(buf)
			b.Write(buf[:n])
			bodies = append(bodies, b.String())
		}))
		defer srv.Close()
		ctx := context.Background()
		ok, err := h.svc.CreateAPIDestination(ctx, "ok", "POST", srv.URL+"/ok")
		if err != nil {
			t.Fatal(err)
		}
		deny, _ := h.svc.CreateAPIDestination(ctx, "deny", "POST", srv.URL+"/deny")
		mustRule(t, h.svc, "", "r", `{"source":["app"]}`,
			Target{ID: "ok", Arn: ok, InputPath: "$.detail"},
			Target{ID: "deny", Arn: deny, DeadLetterArn: "arn:aws:sqs:us-east-1:000000000000:dlq"})
		put(t, h.svc, Entry{Source: "app", DetailType: "t", Detail: `{"k":"v"}`})
		eventually(t, h.clk, time.Second, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(bodies) == 1 && len(h.dlq.all()) == 1
		})
		if bodies[0] != `{"k":"v"}` {
			t.Fatalf("body %q", bodies[0])
		}
		if a := h.dlq.all()[0].Attributes; a["ERROR_CODE"] != "NO_PERMISSIONS" || a["EXHAUSTED_RETRY_CONDITION"] != "" {
			t.Fatalf("deny DLQ attributes %v", a)
		}
	})
}

func TestBusToBusAndSinks(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		arn, _ := h.svc.CreateEventBus(ctx, "second", "")
		topic := &recorder{}
		h.sinks["arn:aws:sns:us-east-1:000000000000:topic"] = topic
		got := &recorder{}
		h.svc.RegisterHandler("arn:x:go:::got", got.handle)
		mustRule(t, h.svc, "", "fwd", `{"source":["app"]}`, Target{ID: "bus", Arn: arn}, Target{ID: "topic", Arn: "arn:aws:sns:us-east-1:000000000000:topic", Input: `{"const":true}`})
		mustRule(t, h.svc, "second", "recv", `{"source":["app"]}`, Target{ID: "h", Arn: "arn:x:go:::got"})
		out := put(t, h.svc, Entry{Source: "app", DetailType: "t", Detail: `{}`})
		eventually(t, h.clk, 0, func() bool { return len(got.all()) == 1 && len(topic.all()) == 1 })
		var ev map[string]any
		_ = json.Unmarshal(got.all()[0].Body, &ev)
		if ev["id"] != out.Entries[0].EventId {
			t.Fatalf("forwarded event lost its id: %v", ev)
		}
		if string(topic.all()[0].Body) != `{"const":true}` {
			t.Fatalf("topic got %s", topic.all()[0].Body)
		}
	})
}

func TestArchiveAndReplay(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		got, other := &recorder{}, &recorder{}
		h.svc.RegisterHandler("arn:x:go:::got", got.handle)
		h.svc.RegisterHandler("arn:x:go:::other", other.handle)
		mustRule(t, h.svc, "", "r", `{"source":["app"]}`, Target{ID: "h", Arn: "arn:x:go:::got"})
		mustRule(t, h.svc, "", "r2", `{"source":["app"]}`, Target{ID: "h", Arn: "arn:x:go:::other"})
		a, err := h.svc.CreateArchive(ctx, Archive{ArchiveName: "all", EventSourceArn: h.svc.BusARN("default"), EventPattern: `{"detail-type":["keep"]}`})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.svc.CreateArchive(ctx, Archive{ArchiveName: "all", EventSourceArn: h.svc.BusARN("default")}); err == nil || err.((*kernel.Error)).Message != "Archive all already exists." {
			t.Fatalf("duplicate archive: %v", err)
		}
		t1 := t0.Add(time.Minute)
		t2 := t0.Add(3 * time.Minute)
		put(t, h.svc,
			Entry{Source: "app", DetailType: "keep", Detail: `{"n":1}`, Time: &t1},
			Entry{Source: "app", DetailType: "skip", Detail: `{"n":2}`, Time: &t1},
			Entry{Source: "app", DetailType: "keep", Detail: `{"n":3}`, Time: &t2})
		eventually(t, h.clk, 0, func() bool { d, _ := h.svc.DescribeArchive("all"); return d.EventCount == 2 })
		eventually(t, h.clk, 0, func() bool { return len(got.all()) == 3 && len(other.all()) == 3 })
		// Errors.
		if _, err := h.svc.StartReplay(ctx, StartReplayInput{ReplayName: "x", EventSourceArn: a.ArchiveArn, EventStartTime: t2, EventEndTime: t1, DestinationArn: h.svc.BusARN("default")}); err == nil || !strings.Contains(err.Error(), "EventStartTime must be before EventEndTime") {
			t.Fatalf("bad window: %v", err)
		}
		// Replay [t1, t2) to rule r only: one event, with replay-name.
		rp, err := h.svc.StartReplay(ctx, StartReplayInput{ReplayName: "rp", EventSourceArn: a.ArchiveArn, EventStartTime: t1, EventEndTime: t2,
			DestinationArn: h.svc.BusARN("default"), FilterArns: []string{"arn:aws:events:us-east-1:000000000000:rule/r"}})
		if err != nil || rp.State != "STARTING" {
			t.Fatalf("start replay: %v %+v", err, rp)
		}
		if _, err := h.svc.StartReplay(ctx, StartReplayInput{ReplayName: "rp", EventSourceArn: a.ArchiveArn, EventStartTime: t1, EventEndTime: t2, DestinationArn: h.svc.BusARN("default")}); err == nil || err.((*kernel.Error)).Message != "Replay rp already exists." {
			t.Fatalf("duplicate replay: %v", err)
		}
		eventually(t, h.clk, 0, func() bool { d, _ := h.svc.DescribeReplay("rp"); return d.State == "COMPLETED" })
		eventually(t, h.clk, 0, func() bool { return len(got.all()) == 4 })
		var ev map[string]any
		_ = json.Unmarshal(got.all()[3].Body, &ev)
		if ev["replay-name"] != "rp" || ev["time"] != "2024-06-15T10:31:00Z" {
			t.Fatalf("replayed event %s", got.all()[3].Body)
		}
		if !strings.Contains(string(got.all()[3].Body), `"region":"us-east-1","replay-name":"rp","resources"`) {
			t.Fatalf("replay-name position: %s", got.all()[3].Body)
		}
		if d, _ := h.svc.DescribeReplay("rp"); !d.EventLastReplayedTime.Equal(t1) {
			t.Fatalf("EventLastReplayedTime %v", d.EventLastReplayedTime)
		}
		time.Sleep(20 * time.Millisecond)
		if len(other.all()) != 3 {
			t.Fatalf("filtered rule saw the replay")
		}
		if d, _ := h.svc.DescribeArchive("all"); d.EventCount != 2 {
			t.Fatalf("replayed event archived again: %d", d.EventCount)
		}
		if _, err := h.svc.CancelReplay(ctx, "rp"); err == nil || err.((*kernel.Error)).Code != "IllegalStatusException" {
			t.Fatalf("cancel completed: %v", err)
		}
		// Retention sweep.
		if err := h.svc.UpdateArchive(ctx, "all", nil, intp(1), nil); err != nil {
			t.Fatal(err)
		}
		h.clk.Advance(49 * time.Hour)
		if err := h.svc.SweepArchives(ctx); err != nil {
			t.Fatal(err)
		}
		if d, _ := h.svc.DescribeArchive("all"); d.EventCount != 0 {
			t.Fatalf("expired events kept: %d %v", d.EventCount, h.svc.Stats())
		}
	})
}

func TestResumeAfterRestart(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			st := e.Open(t, dir)
			clk := clock.NewFake(t0)
			s, err := New(kernel.Env{Store: st, Clock: clk, Logger: testsupport.Discard}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			mustRule(t, s, "", "r", `{"source":["app"]}`, Target{ID: "h", Arn: "arn:x:go:::h"})
			out := put(t, s, Entry{Source: "app", DetailType: "t", Detail: `{}`})
			_ = st.Close() // "crash" before any delivery ran
			got := &recorder{}
			// The handler is there before delivery resumes: an unknown
			// target would be NO_RESOURCE, never retried.
			startWith(t, e.Open(t, dir), clk, func(s *Service) { s.RegisterHandler("arn:x:go:::h", got.handle) })
			eventually(t, clk, time.Second, func() bool { return len(got.all()) >= 1 })
			if !strings.Contains(string(got.all()[0].Body), out.Entries[0].EventId) {
				t.Fatalf("resumed delivery is another event: %s", got.all()[0].Body)
			}
		})
	}
}

func TestRulesAndTargetsAPI(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			s, err := New(kernel.Env{Store: e.Open(t, t.TempDir()), Logger: testsupport.Discard}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			code := func(err error) string {
				var e (*kernel.Error)
				if errors.As(err, &e) {
					return e.Code + ": " + e.Message
				}
				return ""
			}
			if err := s.DeleteEventBus(ctx, "default"); code(err) != "ValidationException: Cannot delete event bus default." {
				t.Fatal(err)
			}
			s.CreateEventBus(ctx, "b", "")
			if _, err := s.CreateEventBus(ctx, "b", ""); code(err) != "ResourceAlreadyExistsException: Event bus b already exists." {
				t.Fatal(err)
			}
			if _, err := s.PutRule(ctx, PutRuleInput{Name: "r"}); code(err) != "ValidationException: Parameter(s) EventPattern or ScheduleExpression must be specified." {
				t.Fatal(err)
			}
			if _, err := s.PutRule(ctx, PutRuleInput{Name: "r", EventPattern: `{"a":1}`}); !strings.HasPrefix(code(err), "InvalidEventPatternException: Event pattern is not valid. Reason: ") {
				t.Fatal(err)
			}
			if _, err := s.DescribeRule("b", "nope"); code(err) != "ResourceNotFoundException: Rule nope does not exist on EventBus b." {
				t.Fatal(err)
			}
			mustRule(t, s, "b", "r", `{"source":["a"]}`, Target{ID: "1", Arn: "arn:x:1"})
			tests := []struct {
				t    Target
				want string
			}{
				{Target{ID: "bad id", Arn: "arn:x"}, "ValidationException: 1 validation error detected: Value 'bad id' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"},
				{Target{ID: strings.Repeat("a", 65), Arn: "arn:x"}, "ValidationException: 1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'targets.1.member.id' failed to satisfy constraint: Member must have length less than or equal to 64"},
				{Target{ID: "x", Arn: "arn:x", Input: "{}", InputPath: "$"}, "ValidationException: Only one of Input, InputPath, or InputTransformer must be provided for target x."},
				{Target{ID: "x", Arn: "arn:x", InputTransformer: &InputTransformer{InputTemplate: "<nope>"}}, "ValidationException: InputTemplate for target x contains invalid placeholder nope."},
				{Target{ID: "x", Arn: "arn:x", InputPath: "$..a"}, "ValidationException: Invalid InputPath for target x: $..a"},
				{Target{ID: "x", Arn: "arn:x", RetryPolicy: &RetryPolicy{MaximumRetryAttempts: intp(186)}}, "ValidationException: 1 validation error detected: Value '186' at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value between 0 and 185"},
			}
			for _, tt := range tests {
				if err := s.PutTargets(ctx, "b", "r", []Target{tt.t}); code(err) != tt.want {
					t.Errorf("got %v\nwant %s", err, tt.want)
				}
			}
			for i := 2; i <= 5; i++ {
				if err := s.PutTargets(ctx, "b", "r", []Target{{ID: string(rune('0' + i)), Arn: "arn:x"}}); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.PutTargets(ctx, "b", "r", []Target{{ID: "1", Arn: "arn:y"}}); err != nil {
				t.Fatalf("replacing an Id: %v", err)
			}
			if err := s.PutTargets(ctx, "b", "r", []Target{{ID: "6", Arn: "arn:x"}}); code(err) != "LimitExceededException: The requested resource exceeds the maximum number allowed." {
				t.Fatal(err)
			}
			if err := s.DeleteRule(ctx, "b", "r"); code(err) != "ValidationException: Rule can't be deleted since it has targets." {
				t.Fatal(err)
			}
			failed, _ := s.RemoveTargets(ctx, "b", "r", []string{"1", "2", "3", "4", "5", "zz"})
			if len(failed) != 1 || failed[0].ErrorMessage != "Rule 'r' does not have a target with the Id 'zz'." {
				t.Fatalf("%+v", failed)
			}
			if err := s.DeleteRule(ctx, "b", "r"); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteRule(ctx, "b", "r"); err != nil {
				t.Fatalf("idempotent delete: %v", err)
			}
		})
	}
}

// TestReplayCancelAndRestart: archive counts survive a restart, and a
// cancelled replay ends CANCELLED.
func TestReplayCancelAndRestart(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			clk := clock.NewFake(t0)
			h := start(t, e.Open(t, dir), clk)
			ctx := context.Background()
			a, err := h.svc.CreateArchive(ctx, Archive{ArchiveName: "a", EventSourceArn: h.svc.BusARN("default")})
			if err != nil {
				t.Fatal(err)
			}
			put(t, h.svc, Entry{Source: "app", DetailType: "t", Detail: `{"x":1}`}, Entry{Source: "app", DetailType: "t", Detail: `{"x":2}`})
			eventually(t, clk, 0, func() bool { d, _ := h.svc.DescribeArchive("a"); return d.EventCount == 2 })
			before, _ := h.svc.DescribeArchive("a")
			h.stop()
			_ = h.st.Close()

			h2 := start(t, e.Open(t, dir), clk)
			after, err := h2.svc.DescribeArchive("a")
			if err != nil || after.EventCount != 2 || after.SizeBytes != before.SizeBytes || after.SizeBytes != 2*int64(len("app")+len("t")+len(`{"x":1}`)+14) {
				t.Fatalf("after restart %+v (before %+v) %v", after, before, err)
			}
			// Hold the replay worker so the cancel lands while STARTING.
			h2.svc.mu.Lock()
			h2.svc.replays["held"] = &Replay{ReplayName: "held", State: "RUNNING", EventSourceArn: a.ArchiveArn, DestinationArn: h2.svc.BusARN("default"), EventStartTime: t0, EventEndTime: t0.Add(time.Hour)}
			h2.svc.mu.Unlock()
			if r, err := h2.svc.CancelReplay(ctx, "held"); err != nil || r.State != "CANCELLING" {
				t.Fatalf("cancel: %+v %v", r, err)
			}
			h2.svc.kickReplays()
			eventually(t, clk, 0, func() bool { r, _ := h2.svc.DescribeReplay("held"); return r.State == "CANCELLED" })
			if _, err := h2.svc.DescribeReplay("nope"); err == nil || err.((*kernel.Error)).Message != "Replay nope does not exist." {
				t.Fatal(err)
			}
		})
	}
}

// TestTransformationFailed: a target whose shaping produces nothing is not
// retried; its DLQ message carries the original event (docs/semantics/runtime.md §2.4, §2.6).
func TestTransformationFailed(t *testing.T) {
	each(t, func(t *testing.T, h *harness) {
		got := &recorder{}
		h.svc.RegisterHandler("arn:x:go:::h", got.handle)
		mustRule(t, h.svc, "", "r", `{"source":["app"]}`,
			Target{ID: "path", Arn: "arn:x:go:::h", InputPath: "$.detail.none", DeadLetterArn: "arn:aws:sqs:us-east-1:000000000000:dlq"},
			Target{ID: "tpl", Arn: "arn:x:go:::h", DeadLetterArn: "arn:aws:sqs:us-east-1:000000000000:dlq",
				InputTransformer: &InputTransformer{InputPathsMap: map[string]string{"q": "$.detail.q"}, InputTemplate: `{"a":"<q>"}`}})
		out := put(t, h.svc, Entry{Source: "app", DetailType: "t", Detail: `{"q":"say \"hi\""}`})
		eventually(t, h.clk, time.Second, func() bool { return len(h.dlq.all()) == 2 })
		for _, m := range h.dlq.all() {
			if m.Attributes["ERROR_CODE"] != "TRANSFORMATION_FAILED" || m.Attributes["RETRY_ATTEMPTS"] != "0" || m.Attributes["EXHAUSTED_RETRY_CONDITION"] != "" {
				t.Fatalf("attributes %v", m.Attributes)
			}
			if !strings.Contains(string(m.Body), out.Entries[0].EventId) {
				t.Fatalf("DLQ body is not the original event: %s", m.Body)
			}
		}
		if len(got.all()) != 0 {
			t.Fatal("a failed transformation was delivered")
		}
	})
}
