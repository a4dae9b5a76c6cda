package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/coder/websocket"

	"github.com/patternc/patternc/runtime/events"
)

// feedFrame is any frame of the WebSocket feed, loosely.
type feedFrame struct {
	Op    string           `json:"op"`
	Bus   *json.RawMessage `json:"bus"`
	Topic json.RawMessage  `json:"topic"`
	Event struct {
		ID string `json:"id"`
	} `json:"event"`
	Rules []struct {
		Rule    string   `json:"rule"`
		Targets []string `json:"targets"`
	} `json:"rules"`
	EventID   string   `json:"eventId"`
	Rule      string   `json:"rule"`
	Target    string   `json:"target"`
	State     string   `json:"state"`
	MessageID string   `json:"messageId"`
	Receivers []string `json:"receivers"`
	Filtered  []string `json:"filtered"`
	Code      string   `json:"code"`
}

func readFeed(t *testing.T, ws *websocket.Conn) feedFrame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, data, err := ws.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var f feedFrame
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	return f
}

func sendFeed(t *testing.T, ws *websocket.Conn, msg string) {
	t.Helper()
	if err := ws.Write(context.Background(), websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

// TestFeedBusAndTopic: bus and topic subscriptions of the WebSocket
// (runtime.md §7.5) answer with a snapshot, then send each event with the
// rules it matched before its deliveries, and each message with the
// subscriptions that got it and those whose filter policy did not.
func TestFeedBusAndTopic(t *testing.T) {
	s := startServer(t, "none", nil)
	c := alice(s)
	setUpShop(t, c)
	ws, _, err := websocket.Dial(context.Background(), strings.Replace(s.URL(), "http", "ws", 1)+"/v1/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	acct, err := s.accts.get("000000000000")
	if err != nil {
		t.Fatal(err)
	}
	if b, tp := acct.status.Watching(); b || tp {
		t.Fatalf("watching buses %v, topics %v before any subscription", b, tp)
	}
	sendFeed(t, ws, `{"op":"subscribe","bus":"nope"}`)
	if f := readFeed(t, ws); f.Op != "error" || f.Code != "BusNotFound" {
		t.Fatalf("unknown bus: %+v", f)
	}
	sendFeed(t, ws, `{"op":"subscribe","bus":"default"}`)
	if f := readFeed(t, ws); f.Op != "snapshot" || f.Bus == nil || !strings.Contains(string(*f.Bus), "big-orders") {
		t.Fatalf("bus snapshot: %+v", f)
	}
	id := putShop(t, c, "shop", 250)
	f := readFeed(t, ws)
	if f.Op != "event" || f.Event.ID != id || len(f.Rules) != 2 {
		t.Fatalf("event frame: %+v", f)
	}
	delivered := map[string]bool{}
	for len(delivered) < 2 {
		f := readFeed(t, ws)
		if f.Op != "delivery" || f.EventID != id || f.Target != "orders-queue" || f.State != "delivered" {
			t.Fatalf("delivery frame: %+v", f)
		}
		delivered[f.Rule] = true
	}
	// A target that cannot be reached ends in its DLQ, and the feed says so.
	ctx := context.Background()
	must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("dead")}))
	must[*eventbridge.PutRuleOutput](t)(c.ev.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("to-nowhere"), EventPattern: aws.String(`{"source":["lost"]}`)}))
	must[*eventbridge.PutTargetsOutput](t)(c.ev.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("to-nowhere"), Targets: []ebtypes.Target{{
		Id: aws.String("gone"), Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:no-such-queue"),
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String("arn:aws:sqs:us-east-1:000000000000:dead")}}}}))
	lost := putShop(t, c, "lost", 1)
	if f := readFeed(t, ws); f.Op != "event" || f.Event.ID != lost || len(f.Rules) != 1 || f.Rules[0].Rule != "to-nowhere" {
		t.Fatalf("lost event frame: %+v", f)
	}
	if f := readFeed(t, ws); f.Op != "delivery" || f.EventID != lost || f.Target != "gone" || f.State != "dead-lettered" {
		t.Fatalf("lost delivery frame: %+v", f)
	}
	if b, _ := acct.status.Watching(); !b {
		t.Error("not watching buses with a bus subscribed")
	}
	sendFeed(t, ws, `{"op":"unsubscribe","bus":"default"}`)

	sendFeed(t, ws, `{"op":"subscribe","topic":"shipments"}`)
	if f := readFeed(t, ws); f.Op != "snapshot" || !strings.Contains(string(f.Topic), `carrier`) {
		t.Fatalf("topic snapshot: %+v %s", f, f.Topic)
	}
	topic := "arn:aws:sns:us-east-1:000000000000:shipments"
	for _, carrier := range []string{"dhl", "ups"} {
		out := must[*sns.PublishOutput](t)(c.sns.Publish(context.Background(), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x"),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"carrier": {DataType: aws.String("String"), StringValue: aws.String(carrier)}}}))
		f := readFeed(t, ws)
		if f.Op != "message" || f.MessageID != *out.MessageId {
			t.Fatalf("message frame: %+v", f)
		}
		if carrier == "dhl" && (len(f.Filtered) != 1 || len(f.Receivers) != 0) {
			t.Errorf("dhl: receivers %v filtered %v, want the subscription filtered out", f.Receivers, f.Filtered)
		}
		if carrier == "ups" {
			if len(f.Receivers) != 1 {
				t.Fatalf("ups: receivers %v", f.Receivers)
			}
			if d := readFeed(t, ws); d.Op != "delivery" || d.State != "delivered" || d.MessageID != *out.MessageId {
				t.Fatalf("topic delivery: %+v", d)
			}
		}
	}
	if b, tp := acct.status.Watching(); b || !tp {
		t.Errorf("watching buses %v, topics %v: want topics only after the bus unsubscribe", b, tp)
	}
	// Nobody left: the watchers stop, so routing does no work for them.
	ws.Close(websocket.StatusNormalClosure, "")
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, tp := acct.status.Watching()
		if !b && !tp {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still watching buses %v, topics %v after the socket closed", b, tp)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestConsoleAPIAuth: under --auth sigv4 the console's API needs a
// session (an HttpOnly, SameSite=Strict cookie made from a secret access
// key) or the /v1 bearer token; changes need X-Patternc-Console; the
// page itself needs nothing.
func TestConsoleAPIAuth(t *testing.T) {
	s := startServer(t, "sigv4", nil)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	call := func(method, path, body string, hdr map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	console := map[string]string{"X-Patternc-Console": "1"}
	if r := call("GET", "/ui/", "", nil); r.StatusCode != 200 || !strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("page: %d %q", r.StatusCode, r.Header.Get("Content-Security-Policy"))
	}
	if r := call("GET", "/ui/api/overview", "", nil); r.StatusCode != 401 {
		t.Errorf("overview without a session: %d, want 401", r.StatusCode)
	}
	if r := call("POST", "/ui/api/sandbox", `{"pattern":"{}"}`, console); r.StatusCode != 401 {
		t.Errorf("sandbox without a session: %d, want 401", r.StatusCode)
	}
	if r := call("POST", "/ui/api/session", `{"token":"alice-secret"}`, nil); r.StatusCode != 403 {
		t.Errorf("sign-in without the console header: %d, want 403", r.StatusCode)
	}
	if r := call("POST", "/ui/api/session", `{"token":"wrong"}`, console); r.StatusCode != 401 {
		t.Errorf("sign-in with a wrong key: %d, want 401", r.StatusCode)
	}
	r := call("POST", "/ui/api/session", `{"token":"alice-secret"}`, console)
	if r.StatusCode != 200 {
		t.Fatalf("sign-in: %d", r.StatusCode)
	}
	ck := r.Header.Get("Set-Cookie")
	if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Strict") || strings.Contains(ck, "alice-secret") {
		t.Errorf("session cookie %q: want HttpOnly, SameSite=Strict and no secret", ck)
	}
	if r := call("GET", "/ui/api/overview", "", nil); r.StatusCode != 200 {
		t.Errorf("overview with a session: %d", r.StatusCode)
	}
	if r := call("GET", "/ui/api/v1/invocations", "", nil); r.StatusCode != 200 {
		t.Errorf("status API through the console: %d", r.StatusCode)
	}
	if r := call("POST", "/ui/api/sandbox", `{"pattern":"{\"a\":[1]}"}`, console); r.StatusCode != 200 {
		t.Errorf("sandbox with a session: %d", r.StatusCode)
	}
	if r := call("POST", "/ui/api/replays", `{}`, nil); r.StatusCode != 403 {
		t.Errorf("a change without the console header: %d, want 403", r.StatusCode)
	}
	if r := call("DELETE", "/ui/api/session", "", console); r.StatusCode != 204 {
		t.Errorf("sign-out: %d", r.StatusCode)
	}
	if r := call("GET", "/ui/api/overview", "", nil); r.StatusCode != 401 {
		t.Errorf("overview after sign-out: %d, want 401", r.StatusCode)
	}
	if r := call("GET", "/ui/api/overview", "", map[string]string{"Authorization": "Bearer bob-secret"}); r.StatusCode != 200 {
		t.Errorf("overview with a bearer token: %d", r.StatusCode)
	}
}

// TestConsoleRedriveAndReplay: a DLQ's messages go back to the queue
// whose redrive policy names it, and a replay of an archive's window
// starts.
func TestConsoleRedriveAndReplay(t *testing.T) {
	s := startServer(t, "none", nil)
	c := alice(s)
	ctx := context.Background()
	must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("dlq")}))
	must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("work"), Attributes: map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"1"}`}}))
	for range 3 {
		must[*sqs.SendMessageOutput](t)(c.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.URL() + "/000000000000/dlq"), MessageBody: aws.String("again")}))
	}
	post := func(path, body string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", s.URL()+path, strings.NewReader(body))
		req.Header.Set("X-Patternc-Console", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	code, out := post("/ui/api/queues/dlq/redrive", `{}`)
	if code != 200 || out["moved"] != 3.0 || out["destination"] != "work" {
		t.Fatalf("redrive: %d %v", code, out)
	}
	rt, _ := s.Runtime("000000000000")
	if msgs, _ := rt.Queues.Messages(ctx, "work"); len(msgs) != 3 {
		t.Errorf("work holds %d messages after the redrive, want 3", len(msgs))
	}
	if msgs, _ := rt.Queues.Messages(ctx, "dlq"); len(msgs) != 0 {
		t.Errorf("dlq holds %d messages after the redrive, want 0", len(msgs))
	}
	if code, out := post("/ui/api/replays", `{"archive":"nope","start":"2026-01-01T00:00:00Z","end":"2026-01-02T00:00:00Z"}`); code/100 != 4 {
		t.Errorf("replay of an unknown archive: %d %v", code, out)
	}
	// A time without its seconds is not RFC 3339: said as such, not as a
	// body too large.
	if code, out := post("/ui/api/replays", `{"archive":"all","start":"2026-01-01T00:00Z","end":"2026-01-02T00:00:00Z"}`); code != 400 ||
		!strings.Contains(fmt.Sprint(out["message"]), "not the JSON this request takes") || strings.Contains(fmt.Sprint(out["message"]), "512 KiB") {
		t.Errorf("replay from a time without seconds: %d %v", code, out)
	}
	if err := createArchive(ctx, s); err != nil {
		t.Fatal(err)
	}
	code, out = post("/ui/api/replays", `{"name":"r1","archive":"all","start":"2026-01-01T00:00:00Z","end":"2026-01-02T00:00:00Z"}`)
	if code != 200 || out["ReplayName"] != "r1" {
		t.Fatalf("replay: %d %v", code, out)
	}
	if code, out := post("/ui/api/sandbox", `{"dialect":"sns-body","pattern":"{\"a\":[1]}","input":"{\"Message\":\"{\\\"a\\\":1}\"}"}`); code != 200 || out["matched"] != true {
		t.Errorf("sandbox: %d %v", code, out)
	}
}

// createArchive archives everything on the default bus as "all".
func createArchive(ctx context.Context, s *Server) error {
	rt, err := s.Runtime("000000000000")
	if err != nil {
		return err
	}
	_, err = rt.Events.CreateArchive(ctx, events.Archive{ArchiveName: "all", EventSourceArn: rt.Events.BusARN("default")})
	return err
}
