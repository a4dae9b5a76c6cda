package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/server/models"
)

// fuzzServer is a Server that is not listening: requests go straight to
// ServeHTTP. Its account runtime lives in a temporary directory.
func fuzzServer(f *testing.F) *Server {
	s, err := New(Config{Listen: "127.0.0.1:0", DataDir: f.TempDir()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.accts.closeAll() })
	return s
}

// FuzzRouter sends arbitrary requests through the router and every
// protocol: the answer is never a 5xx, and an AWS-protocol answer is
// well-formed JSON or XML.
func FuzzRouter(f *testing.F) {
	s := fuzzServer(f)
	seeds := []struct{ method, target, ctype, path, body string }{
		{"POST", "AWSEvents.PutEvents", "application/x-amz-json-1.1", "/", `{"Entries":[{"Source":"s","DetailType":"d","Detail":"{}"}]}`},
		{"POST", "AWSEvents.PutRule", "application/x-amz-json-1.1", "/", `{"Name":"r","EventPattern":"{\"source\":[\"a\"]}"}`},
		{"POST", "AWSEvents.TestEventPattern", "application/x-amz-json-1.1", "/", `{"EventPattern":"{}","Event":"{}"}`},
		{"POST", "AmazonSQS.SendMessage", "application/x-amz-json-1.0", "/", `{"QueueUrl":"http://h/000000000000/q","MessageBody":"x"}`},
		{"POST", "AmazonSQS.CreateQueue", "application/x-amz-json-1.0", "/", `{"QueueName":"q","Attributes":{"DelaySeconds":"0"}}`},
		{"POST", "", "application/x-www-form-urlencoded", "/", "Action=Publish&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:000000000000:t&Message=m&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v"},
		{"POST", "", "application/x-www-form-urlencoded", "/", "Action=CreateTopic&Version=2010-03-31&Name=t&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=x"},
		{"POST", "", "application/x-www-form-urlencoded", "/", "Action=SendMessageBatch&Version=2012-11-05&QueueUrl=q&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=b"},
		{"GET", "", "", "/?Action=ListTopics&Version=2010-03-31", ""},
		{"GET", "", "", "/sns/confirm?TopicArn=arn:aws:sns:us-east-1:000000000000:t&Token=x", ""},
		{"GET", "", "", "/health", ""},
		{"POST", "", "application/json", "/2015-03-31/functions/f/invocations", "{}"},
	}
	for _, sd := range seeds {
		f.Add(sd.method, sd.target, sd.ctype, sd.path, sd.body)
	}
	f.Fuzz(func(t *testing.T, method, target, ctype, path, body string) {
		if !validMethod(method) {
			method = "POST"
		}
		u, err := url.ParseRequestURI("http://127.0.0.1" + "/" + strings.TrimPrefix(path, "/"))
		if err != nil || path == "/metrics" {
			return
		}
		req := httptest.NewRequest(method, u.String(), strings.NewReader(body))
		if target != "" && validHeader(target) {
			req.Header.Set("X-Amz-Target", target)
		}
		if ctype != "" && validHeader(ctype) {
			req.Header.Set("Content-Type", ctype)
		}
		w := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.ServeHTTP(w, req)
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("request did not finish: %s %s %q", method, path, body)
		}
		if w.Code >= 500 {
			t.Fatalf("status %d for %s %s target=%q ctype=%q body=%q: %s", w.Code, method, path, target, ctype, body, w.Body.String())
		}
		out := w.Body.Bytes()
		switch ct := w.Header().Get("Content-Type"); {
		case strings.HasPrefix(ct, "application/x-amz-json"), ct == "application/json":
			if !json.Valid(out) {
				t.Fatalf("answer is not JSON: %q", out)
			}
		case ct == "text/xml":
			if !wellFormed(string(out)) {
				t.Fatalf("answer is not well-formed XML: %q", out)
			}
		}
	})
}

func validMethod(m string) bool {
	switch m {
	case "GET", "POST", "PUT", "DELETE", "HEAD":
		return true
	}
	return false
}

func validHeader(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] == 0x7f {
			return false
		}
	}
	return true
}

// FuzzJSONInput checks arbitrary JSON bodies against every events and
// sqs operation's input shape: an error or a document the typed decode
// accepts, never a panic.
func FuzzJSONInput(f *testing.F) {
	for _, seed := range []string{`{}`, `{"Entries":[{"Source":"s","Time":1.5}]}`, `{"Limit":1e400}`, `{"Tags":[{"Key":"a"}]}`,
		`{"Attributes":{"a":"b"}}`, `{"Entries":` + strings.Repeat("[", 200) + `}`, "{\"Name\":\"\xff\"}", `{"Name":null}`} {
		f.Add(seed, uint8(0))
	}
	ev, sq := models.Must("events"), models.Must("sqs")
	evOps, sqOps := opNames(ev), opNames(sq)
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		m, svc, ops := ev, "events", evOps
		if which%2 == 1 {
			m, svc, ops = sq, "sqs", sqOps
		}
		op := ops[int(which/2)%len(ops)]
		out, e := readJSONInput(svc, m, m.Operations[op].Input, []byte(body))
		if e != nil {
			if e.HTTPStatus >= 500 || e.Code == "" || e.Message == "" {
				t.Fatalf("bad error %+v", e)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("accepted input is not JSON: %q", out)
		}
	})
}

// FuzzQueryInput reads arbitrary form bodies as every sns and sqs
// operation's input: an error or a JSON document that the JSON checker
// accepts too, never a panic.
func FuzzQueryInput(f *testing.F) {
	for _, seed := range []string{"Name=t", "Attributes.entry.1.key=a&Attributes.entry.1.value=b", "Tags.member.1.Key=k&Tags.member.1.Value=v",
		"MessageAttributes.entry.2.Name=a&MessageAttributes.entry.2.Value.DataType=String", "Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=3",
		"SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.DelaySeconds=x", "a.b.c.1.2.3=%ff", "ReturnSubscriptionArn=TRUE"} {
		f.Add(seed, uint8(0))
	}
	sn, sq := models.Must("sns"), models.Must("sqs")
	snOps, sqOps := opNames(sn), opNames(sq)
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		m, svc, ops := sn, "sns", snOps
		if which%2 == 1 {
			m, svc, ops = sq, "sqs", sqOps
		}
		op := ops[int(which/2)%len(ops)]
		out, e := readQueryInput(svc, m, m.Operations[op].Input, form)
		if e != nil {
			if e.HTTPStatus >= 500 || e.Code == "" {
				t.Fatalf("bad error %+v", e)
			}
			return
		}
		if _, e := readJSONInput(svc, m, m.Operations[op].Input, out); e != nil {
			t.Fatalf("query input %q became %s, which the JSON checker refuses: %v", body, out, e)
		}
	})
}

// FuzzSigV4 parses arbitrary Authorization headers and presigned queries
// and verifies them: never a panic, never accepted with a made-up
// signature.
func FuzzSigV4(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20240615/us-east-1/events/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "20240615T103000Z", "")
	f.Add("", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240615%2Fus-east-1%2Fsns%2Faws4_request&X-Amz-Date=20240615T103000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=ab")
	now := time.Date(2024, 6, 15, 10, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, auth, date, query string) {
		req := httptest.NewRequest("POST", "http://127.0.0.1/", strings.NewReader("{}"))
		if q, err := url.ParseQuery(query); err == nil {
			req.URL.RawQuery = q.Encode()
		}
		if validHeader(auth) {
			req.Header.Set("Authorization", auth)
		}
		if validHeader(date) {
			req.Header.Set("X-Amz-Date", date)
		}
		in, fail, present := parseSigV4(req)
		if !present || fail != nil {
			return
		}
		if in == nil {
			t.Fatal("no failure and no signature input")
		}
		if f := verifySigV4(req, []byte("{}"), in, "secret", now); f == nil {
			t.Fatalf("a made-up signature verified: %q %q %q", auth, date, query)
		}
	})
}

func opNames(m *models.Model) []string {
	var out []string
	for name, op := range m.Operations {
		if op.Input != "" {
			out = append(out, name)
		}
	}
	sortStrings(out)
	return out
}

var _ = http.MethodGet
