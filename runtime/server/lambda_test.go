package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/events"
)

// lambdaRig is a server on a fake clock with two Python functions, "pay"
// (always raises) and "ok" (returns), and the queues, topic and bus that
// serve as destinations.
type lambdaRig struct {
	t   *testing.T
	s   *Server
	clk *clock.Fake
	rt  *runtime.Runtime
}

func (r *lambdaRig) do(method, path, body string, hdr map[string]string) (*http.Response, string) {
	r.t.Helper()
	req, _ := http.NewRequest(method, r.s.URL()+path, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func newLambdaRig(t *testing.T) *lambdaRig {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH: this test needs it")
	}
	clk := clock.NewFake(time.Date(2024, 6, 15, 10, 30, 0, 0, time.UTC))
	s := startServer(t, "none", func(c *Config) { c.Runtime = func(rc *runtime.Config) { rc.Clock = clk } })
	rt, err := s.Runtime("000000000000")
	if err != nil {
		t.Fatal(err)
	}
	r := &lambdaRig{t: t, s: s, clk: clk, rt: rt}
	for name, code := range map[string]string{
		"pay": "def handler(event, context):\n    raise Exception('payment service down')\n",
		"ok":  "def handler(event, context):\n    return {'paid': event['orderId']}\n",
		"log": "def handler(event, context):\n    return event\n",
	} {
		body, _ := json.Marshal(map[string]any{"FunctionName": name, "Runtime": "python3.12", "Handler": "h.handler",
			"Role": "arn:aws:iam::000000000000:role/r", "Code": map[string]any{"ZipFile": zipOf(map[string]string{"h.py": code})}})
		if resp, out := r.do("POST", "/2015-03-31/functions", string(body), nil); resp.StatusCode != 201 {
			t.Fatalf("create %s: %d %s", name, resp.StatusCode, out)
		}
	}
	ctx := context.Background()
	for _, q := range []string{"failed", "succeeded", "dlq", "from-topic", "from-bus"} {
		if _, err := rt.Queues.Create(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	topic, err := rt.Topics.CreateTopic(ctx, "outcomes", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Topics.Subscribe(ctx, topic, "sqs", rt.Queues.ARN("from-topic"), map[string]string{"RawMessageDelivery": "true"}); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Events.CreateEventBus(ctx, "outcomes", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Events.PutRule(ctx, events.PutRuleInput{Name: "all", EventBusName: "outcomes", EventPattern: `{"source":["lambda"]}`}); err != nil {
		t.Fatal(err)
	}
	if err := rt.Events.PutTargets(ctx, "outcomes", "all", []events.Target{{ID: "q", Arn: rt.Queues.ARN("from-bus")}}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *lambdaRig) config(fn, cfg string) {
	r.t.Helper()
	if resp, out := r.do("PUT", "/2019-09-25/functions/"+fn+"/event-invoke-config", cfg, nil); resp.StatusCode != 200 {
		r.t.Fatalf("config %s: %d %s", fn, resp.StatusCode, out)
	}
}

// invoke sends an Event invoke over HTTP and returns the invocation id
// from Location.
func (r *lambdaRig) invoke(fn, payload string) string {
	r.t.Helper()
	resp, out := r.do("POST", "/2015-03-31/functions/"+fn+"/invocations", payload, map[string]string{"X-Amz-Invocation-Type": "Event"})
	id, ok := strings.CutPrefix(resp.Header.Get("Location"), "/v1/invocations/")
	if resp.StatusCode != 202 || !ok || resp.Header.Get("X-Amzn-Requestid") != id {
		r.t.Fatalf("invoke %s: %d %s %v", fn, resp.StatusCode, out, resp.Header)
	}
	return id
}

type statusDoc struct {
	Status    string
	Attempts  int
	Condition *string
	Revision  int
}

// settle advances the fake clock to each pending timer until the
// invocation's status document (read over HTTP) is terminal.
func (r *lambdaRig) settle(id string) statusDoc {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		_, out := r.do("GET", "/v1/invocations/"+id, "", nil)
		var d statusDoc
		json.Unmarshal([]byte(out), &d)
		switch d.Status {
		case "succeeded", "failed", "expired":
			return d
		case "queued", "retrying":
			// Only the dispatcher's own waits (retries 60 s, 120 s;
			// throttles ≤ 5 min): other services' long timers would age
			// the invocation past its limit.
			if next, ok := r.clk.NextWait(); ok && next.Sub(r.clk.Now()) <= 5*time.Minute {
				r.clk.Advance(next.Sub(r.clk.Now()))
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	r.t.Fatalf("invocation %s never finished", id)
	return statusDoc{}
}

// message reads the one message of a queue over /v1/queues (waiting for
// it on the fake clock) and deletes it.
func (r *lambdaRig) message(queue string) (body string, attrs map[string]string) {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		_, out := r.do("GET", "/v1/queues/"+queue+"/messages", "", nil)
		var got struct {
			Messages []struct {
				Body, Receipt string
				Attributes    map[string]string
			}
		}
		json.Unmarshal([]byte(out), &got)
		if len(got.Messages) > 0 {
			m := got.Messages[0]
			r.do("DELETE", "/v1/queues/"+queue+"/messages/"+m.Receipt, "", nil)
			return m.Body, m.Attributes
		}
		if next, ok := r.clk.NextWait(); ok && next.Sub(r.clk.Now()) < 10*time.Second {
			r.clk.Advance(next.Sub(r.clk.Now()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.t.Fatalf("no message on %s", queue)
	return "", nil
}

var stampRE = regexp.MustCompile(`"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"`)

// record normalises an invocation record's timestamp, checking its form.
func record(t *testing.T, body string) string {
	t.Helper()
	if !stampRE.MatchString(body) {
		t.Errorf("record without an ISO-8601 ms timestamp: %s", body)
	}
	return stampRE.ReplaceAllString(body, `"timestamp":"T"`)
}

func failureRecord(id, fn string, count int, condition string) string {
	return `{"version":"1.0","timestamp":"T","requestContext":{"requestId":"` + id + `","functionArn":"arn:aws:lambda:us-east-1:000000000000:function:` + fn +
		`:$LATEST","condition":"` + condition + `","approximateInvokeCount":` + fmt.Sprint(count) + `},"requestPayload":{"orderId":"ORD-001"},` +
		`"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},` +
		`"responsePayload":{"errorMessage":"payment service down","errorType":"Exception","requestId":"` + id + `","stackTrace":[]}}`
}

// TestAsyncOutcomesOverHTTP: retries 0, 1 and 2, the age limit, every
// destination kind and the DLQ, driven over HTTP on a fake clock, with
// the invocation records byte-exact (runtime.md §6.4).
func TestAsyncOutcomesOverHTTP(t *testing.T) {
	r := newLambdaRig(t)
	for retries := 0; retries <= 2; retries++ {
		r.config("pay", fmt.Sprintf(`{"MaximumRetryAttempts":%d,"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:failed"}}}`, retries))
		id := r.invoke("pay", `{"orderId":"ORD-001"}`)
		d := r.settle(id)
		if d.Status != "failed" || d.Attempts != retries+1 || *d.Condition != "RetriesExhausted" {
			t.Errorf("%d retries: %+v", retries, d)
		}
		body, _ := r.message("failed")
		if got, want := record(t, body), failureRecord(id, "pay", retries+1, "RetriesExhausted"); got != want {
			t.Errorf("%d retries: record\n got %s\nwant %s", retries, got, want)
		}
	}

	// Max age 60 s: the retry 60 s later would pass it, so no retry.
	r.config("pay", `{"MaximumRetryAttempts":2,"MaximumEventAgeInSeconds":60,"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:failed"}}}`)
	id := r.invoke("pay", `{"orderId":"ORD-001"}`)
	if d := r.settle(id); d.Status != "expired" || d.Attempts != 1 || *d.Condition != "EventAgeExceeded" {
		t.Errorf("max age: %+v", d)
	}
	body, _ := r.message("failed")
	if got, want := record(t, body), failureRecord(id, "pay", 1, "EventAgeExceeded"); got != want {
		t.Errorf("max age: record\n got %s\nwant %s", got, want)
	}

	// DLQ: the original payload, AWS's attributes.
	resp, out := r.do("PUT", "/2015-03-31/functions/pay/configuration", `{"DeadLetterConfig":{"TargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"}}`, nil)
	if resp.StatusCode != 200 || !strings.Contains(out, `"DeadLetterConfig":{"TargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"}`) {
		t.Fatalf("set DLQ: %d %s", resp.StatusCode, out)
	}
	r.config("pay", `{"MaximumRetryAttempts":0}`)
	id = r.invoke("pay", `{"orderId":"ORD-001"}`)
	r.settle(id)
	body, attrs := r.message("dlq")
	if body != `{"orderId":"ORD-001"}` || attrs["RequestID"] != id || attrs["ErrorCode"] != "200" || attrs["ErrorMessage"] != "payment service down" {
		t.Errorf("dlq: %s %v", body, attrs)
	}

	// OnSuccess to each kind of destination.
	success := func(id string) string {
		return `{"version":"1.0","timestamp":"T","requestContext":{"requestId":"` + id + `","functionArn":"arn:aws:lambda:us-east-1:000000000000:function:ok:$LATEST","condition":"Success","approximateInvokeCount":1},` +
			`"requestPayload":{"orderId":"ORD-7"},"responseContext":{"statusCode":200,"executedVersion":"$LATEST"},"responsePayload":{"paid": "ORD-7"}}`
	}
	for _, dest := range []struct{ arn, queue string }{
		{"arn:aws:sqs:us-east-1:000000000000:succeeded", "succeeded"},
		{"arn:aws:sns:us-east-1:000000000000:outcomes", "from-topic"},
		{"arn:aws:events:us-east-1:000000000000:event-bus/outcomes", "from-bus"},
	} {
		r.config("ok", `{"DestinationConfig":{"OnSuccess":{"Destination":"`+dest.arn+`"}}}`)
		id := r.invoke("ok", `{"orderId":"ORD-7"}`)
		if d := r.settle(id); d.Status != "succeeded" {
			t.Fatalf("ok: %+v", d)
		}
		body, _ := r.message(dest.queue)
		if dest.queue == "from-bus" {
			var ev struct {
				Source     string          `json:"source"`
				DetailType string          `json:"detail-type"`
				Resources  []string        `json:"resources"`
				Detail     json.RawMessage `json:"detail"`
			}
			if err := json.Unmarshal([]byte(body), &ev); err != nil || ev.Source != "lambda" || ev.DetailType != "Lambda Function Invocation Result - Success" ||
				len(ev.Resources) != 2 || ev.Resources[0] != dest.arn || ev.Resources[1] != "arn:aws:lambda:us-east-1:000000000000:function:ok:$LATEST" {
				t.Errorf("bus event: %s", body)
			}
			body = string(ev.Detail)
		}
		want := success(id)
		if dest.queue == "from-bus" { // an event's detail is re-emitted minified (runtime.md §0)
			want = strings.Replace(want, `{"paid": "ORD-7"}`, `{"paid":"ORD-7"}`, 1)
		}
		if got := record(t, body); got != want {
			t.Errorf("%s: record\n got %s\nwant %s", dest.queue, got, want)
		}
	}
	// A function as the destination: it is invoked with the record.
	r.config("pay", `{"MaximumRetryAttempts":0,"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:lambda:us-east-1:000000000000:function:log"}}}`)
	id = r.invoke("pay", `{"orderId":"ORD-001"}`)
	r.settle(id)
	_, out = r.do("GET", "/v1/invocations?function=log&limit=1", "", nil)
	var list struct {
		Invocations []struct {
			InvocationID string
		}
	}
	json.Unmarshal([]byte(out), &list)
	if len(list.Invocations) != 1 {
		t.Fatalf("no invocation of the destination function: %s", out)
	}
	r.settle(list.Invocations[0].InvocationID)
	_, out = r.do("GET", "/v1/invocations/"+list.Invocations[0].InvocationID, "", nil)
	var doc struct{ Result json.RawMessage }
	json.Unmarshal([]byte(out), &doc)
	var rec map[string]any
	if json.Unmarshal(doc.Result, &rec) != nil || rec["requestContext"].(map[string]any)["requestId"] != id {
		t.Errorf("the destination function's result is not the record: %s", out)
	}
}

// TestSNSLambdaSubscription: a topic's lambda subscription invokes the
// function through the async pipeline (a status document appears).
func TestSNSLambdaSubscription(t *testing.T) {
	r := newLambdaRig(t)
	ctx := context.Background()
	topic, _ := r.rt.Topics.CreateTopic(ctx, "orders", nil)
	if _, err := r.rt.Topics.Subscribe(ctx, topic, "lambda", "arn:aws:lambda:us-east-1:000000000000:function:log", nil); err != nil {
		t.Fatal(err)
	}
	if resp, out := r.do("POST", "/", "Action=Publish&Version=2010-03-31&TopicArn="+topic+"&Message=hello", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}); resp.StatusCode != 200 {
		t.Fatalf("publish: %d %s", resp.StatusCode, out)
	}
	var list struct {
		Invocations []struct{ InvocationID string }
	}
	for deadline := time.Now().Add(20 * time.Second); len(list.Invocations) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		_, out := r.do("GET", "/v1/invocations?function=log", "", nil)
		json.Unmarshal([]byte(out), &list)
		if next, ok := r.clk.NextWait(); ok && next.Sub(r.clk.Now()) < time.Minute {
			r.clk.Advance(next.Sub(r.clk.Now()))
		}
	}
	if len(list.Invocations) != 1 {
		t.Fatal("the subscription did not invoke the function")
	}
	if d := r.settle(list.Invocations[0].InvocationID); d.Status != "succeeded" {
		t.Errorf("status %+v", d)
	}
	_, out := r.do("GET", "/v1/invocations/"+list.Invocations[0].InvocationID, "", nil)
	if !strings.Contains(out, `"Type":"Notification"`) || !strings.Contains(out, `"Message":"hello"`) {
		t.Errorf("the function did not get the SNS event: %s", out)
	}
}

func TestLambdaAPIErrors(t *testing.T) {
	r := newLambdaRig(t)
	for _, c := range []struct {
		method, path, body string
		hdr                map[string]string
		status             int
		code               string
	}{
		{"GET", "/2015-03-31/functions/nope", "", nil, 404, "ResourceNotFoundException"},
		{"POST", "/2015-03-31/functions/nope/invocations", "{}", map[string]string{"X-Amz-Invocation-Type": "Event"}, 404, "ResourceNotFoundException"},
		{"POST", "/2015-03-31/functions/ok/invocations", "{oops", map[string]string{"X-Amz-Invocation-Type": "Event"}, 400, "InvalidRequestContentException"},
		{"POST", "/2015-03-31/functions/ok/invocations", "{oops", nil, 400, "InvalidRequestContentException"},
		{"POST", "/2015-03-31/functions/ok/invocations", `"` + strings.Repeat("x", 300<<10) + `"`, map[string]string{"X-Amz-Invocation-Type": "Event"}, 413, "RequestTooLargeException"},
		{"POST", "/2015-03-31/functions/ok/invocations", "{}", map[string]string{"X-Amz-Invocation-Type": "Sometimes"}, 400, "InvalidParameterValueException"},
		{"PUT", "/2019-09-25/functions/ok/event-invoke-config", `{}`, nil, 400, "InvalidParameterValueException"},
		{"PUT", "/2019-09-25/functions/ok/event-invoke-config", `{"MaximumRetryAttempts":3}`, nil, 400, "InvalidParameterValueException"},
		{"GET", "/2019-09-25/functions/ok/event-invoke-config", "", nil, 404, "ResourceNotFoundException"},
		{"POST", "/2015-03-31/functions", `{"FunctionName":"ok","Runtime":"python3.12","Handler":"h.handler","Role":"r","Code":{"ZipFile":"` + zipOf(map[string]string{"h.py": ""}) + `"}}`, nil, 409, "ResourceConflictException"},
		{"POST", "/2015-03-31/functions", `{"FunctionName":"x","Runtime":"cobol","Handler":"h.handler","Role":"r","Code":{"ZipFile":"` + zipOf(map[string]string{"h.py": ""}) + `"}}`, nil, 400, "ValidationException"},
		{"POST", "/2015-03-31/functions", `{"FunctionName":"x","Runtime":"python3.12","Handler":"h.handler","Role":"r","Code":{"ZipFile":"` + zipOf(map[string]string{"../evil.py": ""}) + `"}}`, nil, 400, "InvalidParameterValueException"},
		{"GET", "/2015-03-31/functions/ok/aliases", "", nil, 400, "UnknownOperationException"},
	} {
		resp, out := r.do(c.method, c.path, c.body, c.hdr)
		var e struct{ Type, Message string }
		json.Unmarshal([]byte(out), &e)
		if resp.StatusCode != c.status || resp.Header.Get("X-Amzn-Errortype") != c.code || e.Message == "" {
			t.Errorf("%s %s: %d %s %s", c.method, c.path, resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), out)
		}
	}
	if n := r.rt.Functions.Stats()["function_code_rejected"]; n != 1 {
		t.Errorf("function_code_rejected = %d, want 1 (the zip-slip archive)", n)
	}
	// Sync invoke: a function error is 200 with X-Amz-Function-Error.
	resp, out := r.do("POST", "/2015-03-31/functions/pay/invocations", `{"orderId":"ORD-001"}`, map[string]string{"X-Amz-Log-Type": "Tail"})
	if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "Unhandled" || !strings.Contains(out, `"errorType":"Exception"`) || resp.Header.Get("X-Amz-Log-Result") == "" {
		t.Errorf("sync error: %d %v %s", resp.StatusCode, resp.Header, out)
	}
	if resp, _ := r.do("POST", "/2015-03-31/functions/ok/invocations", `{}`, map[string]string{"X-Amz-Invocation-Type": "DryRun"}); resp.StatusCode != 204 {
		t.Errorf("dry run: %d", resp.StatusCode)
	}
	// Zero reserved concurrency: sync throttled, async failed at once.
	if resp, out := r.do("PUT", "/2017-10-31/functions/ok/concurrency", `{"ReservedConcurrentExecutions":0}`, nil); resp.StatusCode != 200 || out != `{"ReservedConcurrentExecutions":0}` {
		t.Fatalf("put concurrency: %d %s", resp.StatusCode, out)
	}
	if resp, _ := r.do("POST", "/2015-03-31/functions/ok/invocations", `{}`, nil); resp.StatusCode != 429 || resp.Header.Get("X-Amzn-Errortype") != "TooManyRequestsException" {
		t.Errorf("zero concurrency sync: %d", resp.StatusCode)
	}
	if d := r.settle(r.invoke("ok", `{"orderId":"x"}`)); d.Status != "failed" || *d.Condition != "ZeroReservedConcurrency" {
		t.Errorf("zero concurrency async: %+v", d)
	}
	if _, out := r.do("GET", "/2019-09-30/functions/ok/concurrency", "", nil); out != `{"ReservedConcurrentExecutions":0}` {
		t.Errorf("get concurrency: %s", out)
	}
	if resp, _ := r.do("DELETE", "/2015-03-31/functions/ok", "", nil); resp.StatusCode != 204 {
		t.Errorf("delete: %d", resp.StatusCode)
	}
}

// TestInvokeConfigSurvivesRestart: an event invoke config set over HTTP
// is back after the server restarts on the same data directory.
func TestInvokeConfigSurvivesRestart(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH: this test needs it")
	}
	dir := t.TempDir()
	start := func() *Server {
		s, err := New(Config{Listen: "127.0.0.1:0", DataDir: dir})
		if err == nil {
			err = s.Start()
		}
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	do := func(s *Server, method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	s := start()
	rt, _ := s.Runtime("000000000000")
	rt.Queues.Create(context.Background(), "failed")
	body, _ := json.Marshal(map[string]any{"FunctionName": "f", "Runtime": "python3.12", "Handler": "h.handler", "Role": "r",
		"Code": map[string]any{"ZipFile": zipOf(map[string]string{"h.py": "def handler(e, c):\n    return 1\n"})}})
	if code, out := do(s, "POST", "/2015-03-31/functions", string(body)); code != 201 {
		t.Fatal(out)
	}
	cfg := `{"MaximumRetryAttempts":1,"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:failed"}}}`
	if code, out := do(s, "PUT", "/2019-09-25/functions/f/event-invoke-config", cfg); code != 200 {
		t.Fatal(out)
	}
	s.Shutdown(context.Background())
	s = start()
	defer s.Shutdown(context.Background())
	code, out := do(s, "GET", "/2019-09-25/functions/f/event-invoke-config", "")
	if code != 200 || !strings.Contains(out, `"MaximumRetryAttempts":1`) || !strings.Contains(out, `"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:failed"}`) {
		t.Errorf("after restart: %d %s", code, out)
	}
}
