package server

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func postRaw(t *testing.T, s *Server, hdr map[string]string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL()+"/", bytes.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func evTarget(op string) map[string]string {
	return map[string]string{"X-Amz-Target": "AWSEvents." + op, "Content-Type": "application/x-amz-json-1.1"}
}

func sqsJSON(op string) map[string]string {
	return map[string]string{"X-Amz-Target": "AmazonSQS." + op, "Content-Type": "application/x-amz-json-1.0"}
}

var form = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

// TestBadInput: every kind of bad request gets its protocol's error,
// never a 500 and never a panic.
func TestBadInput(t *testing.T) {
	s := startServer(t, "none", nil)
	ctx := context.Background()
	c := alice(s)
	must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")}))
	qurl := s.URL() + "/000000000000/q"
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	bigDetail := strings.Repeat("x", 262144)
	cases := []struct {
		name   string
		hdr    map[string]string
		body   string
		status int
		want   []string
	}{
		{"malformed JSON", evTarget("ListEventBuses"), `{"Limit":`, 400, []string{`"__type":"SerializationException"`}},
		{"JSON not an object", evTarget("ListEventBuses"), `[1,2]`, 400, []string{"SerializationException"}},
		{"two JSON values", evTarget("ListEventBuses"), `{} {}`, 400, []string{"SerializationException"}},
		{"invalid UTF-8 in JSON", evTarget("DescribeEventBus"), "{\"Name\":\"\xff\xfe\"}", 400, []string{"SerializationException", "UTF-8"}},
		{"10000-deep JSON", evTarget("ListEventBuses"), `{"Limit":` + deep + `}`, 400, []string{"SerializationException"}},
		{"10000-deep JSON in a Detail string", evTarget("PutEvents"), `{"Entries":[{"Source":"s","DetailType":"d","Detail":"` + strings.Repeat(`{\"a\":`, 10000) + `1` + strings.Repeat(`}`, 10000) + `"}]}`, 200, []string{`"ErrorCode":"MalformedDetail"`}},
		{"unknown parameter", evTarget("DescribeEventBus"), `{"Name":"default","Bogus":1}`, 400, []string{"SerializationException", "Unknown parameter Bogus"}},
		{"wrong type", evTarget("DescribeEventBus"), `{"Name":5}`, 400, []string{"SerializationException"}},
		{"huge number", evTarget("ListEventBuses"), `{"Limit":1e400}`, 400, []string{"SerializationException"}},
		{"missing required", evTarget("PutRule"), `{"EventPattern":"{}"}`, 400, []string{"ValidationException", "Value null at 'name'"}},
		{"unknown operation", evTarget("Frobnicate"), `{}`, 400, []string{"UnknownOperationException", "Frobnicate"}},
		{"unknown service", map[string]string{"X-Amz-Target": "Kinesis_20131202.PutRecord"}, `{}`, 400, []string{"UnknownOperationException", "Kinesis_20131202.PutRecord"}},
		{"body over the wire limit", evTarget("PutEvents"), strings.Repeat(" ", maxBody+1), 413, []string{"RequestEntityTooLarge"}},
		{"PutEvents over 256 KB", evTarget("PutEvents"), `{"Entries":[{"Source":"s","DetailType":"d","Detail":"{\"a\":\"` + bigDetail + `\"}"}]}`, 400, []string{"ValidationException", "Total size of the entries in the request is over the limit."}},
		{"SendMessage over 256 KB", sqsJSON("SendMessage"), `{"QueueUrl":"` + qurl + `","MessageBody":"` + strings.Repeat("x", 262145) + `"}`, 400, []string{"InvalidParameterValue", "shorter than 262144"}},
		{"sqs unknown parameter", sqsJSON("ListQueues"), `{"Bogus":1}`, 400, []string{"InvalidParameterValue"}},
		{"malformed form", form, "Action=ListTopics&Version=2010-03-31&x=%zz", 400, []string{"<Code>MalformedQueryString</Code>"}},
		{"form without Action", form, "Version=2010-03-31", 400, []string{"MissingParameter"}},
		{"form unknown version", form, "Action=ListTopics&Version=1999-01-01", 400, []string{"InvalidAction"}},
		{"invalid UTF-8 in form", form, "Action=CreateTopic&Version=2010-03-31&Name=%ff", 400, []string{"MalformedQueryString", "UTF-8"}},
		{"form unknown parameter", form, "Action=ListTopics&Version=2010-03-31&Bogus=1", 400, []string{"<Code>ValidationError</Code>", "Unknown parameter Bogus"}},
		{"form bad list index", form, "Action=UntagResource&Version=2010-03-31&ResourceArn=a&TagKeys.member.x=1", 400, []string{"ValidationError"}},
		{"form missing required", form, "Action=CreateTopic&Version=2010-03-31", 400, []string{"ValidationError", "Value null at 'name'"}},
		{"form unknown action", form, "Action=Frobnicate&Version=2010-03-31", 400, []string{"<Code>InvalidAction</Code>", "Frobnicate"}},
		{"Publish over 256 KB", form, "Action=Publish&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:000000000000:t&Message=" + strings.Repeat("x", 262145), 404, []string{"NotFound"}},
		{"form too many parameters", form, strings.Repeat("a=1&", maxParams+1) + "Action=ListTopics&Version=2010-03-31", 400, []string{"MalformedQueryString"}},
		{"lambda REST path", map[string]string{}, `{}`, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.status == 0 {
				return
			}
			code, body := postRaw(t, s, tc.hdr, []byte(tc.body))
			if code != tc.status {
				t.Fatalf("status %d, want %d: %.300s", code, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Fatalf("body %.300s lacks %q", body, w)
				}
			}
		})
	}

	// Publish of 256 KB + 1 on an existing topic: AWS's size error.
	code, body := postRaw(t, s, form, []byte("Action=CreateTopic&Version=2010-03-31&Name=t"))
	if code != 200 {
		t.Fatalf("CreateTopic: %d %s", code, body)
	}
	code, body = postRaw(t, s, form, []byte("Action=Publish&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:000000000000:t&Message="+strings.Repeat("x", 262145)))
	if code != 400 || !strings.Contains(body, "Invalid parameter: Message too long") {
		t.Fatalf("Publish 256 KB + 1: %d %.300s", code, body)
	}
	// XML-unsafe text comes back as well-formed XML.
	code, body = postRaw(t, s, form, []byte("Action=SetTopicAttributes&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:000000000000:t&AttributeName=DisplayName&AttributeValue="+
		url.QueryEscape("<b>&\"x\"\x00\x01]]>")))
	if code != 200 {
		t.Fatalf("SetTopicAttributes: %d %s", code, body)
	}
	code, body = postRaw(t, s, form, []byte("Action=GetTopicAttributes&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:000000000000:t"))
	if code != 200 || !wellFormed(body) || !strings.Contains(body, "&lt;b&gt;&amp;") {
		t.Fatalf("XML-unsafe attribute: %d %s", code, body)
	}
	// A missing DataType on the wire is AWS's validation error.
	code, body = postRaw(t, s, form, []byte("Action=Publish&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:000000000000:t&Message=m&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.StringValue=x"))
	if code != 400 || !strings.Contains(body, "Value null at 'messageAttributes.a.member.dataType'") {
		t.Fatalf("missing DataType: %d %s", code, body)
	}
	// A Lambda REST path patternc does not implement (aliases):
	// UnknownOperationException, not a 404 page.
	resp, err := http.Post(s.URL()+"/2015-03-31/functions/f/aliases", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-Errortype") != "UnknownOperationException" || !strings.Contains(string(b), "/2015-03-31/functions/f/aliases") {
		t.Fatalf("lambda path: %d %s", resp.StatusCode, b)
	}
}

func wellFormed(doc string) bool {
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// TestThrottling: with one request in flight allowed, a second one gets
// the protocol's throttling error while a long poll holds the slot.
func TestThrottling(t *testing.T) {
	s := startServer(t, "none", func(c *Config) { c.MaxInFlight = 1 })
	ctx := context.Background()
	c := alice(s)
	must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")}))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.URL() + "/000000000000/q"), WaitTimeSeconds: 2})
	}()
	time.Sleep(300 * time.Millisecond)
	code, body := postRaw(t, s, evTarget("ListEventBuses"), []byte(`{}`))
	if code != 400 || !strings.Contains(body, "ThrottlingException") {
		t.Fatalf("second request: %d %s", code, body)
	}
	code, body = postRaw(t, s, form, []byte("Action=ListTopics&Version=2010-03-31"))
	if code != 400 || !strings.Contains(body, "<Code>Throttling</Code>") {
		t.Fatalf("second query request: %d %s", code, body)
	}
	wg.Wait()
	if code, body := postRaw(t, s, evTarget("ListEventBuses"), []byte(`{}`)); code != 200 {
		t.Fatalf("after the long poll: %d %s", code, body)
	}
	if m := scrape(t, s); !strings.Contains(m, "patternc_throttled_requests_total 2") {
		t.Fatalf("metrics lack the throttled count:\n%s", grepLines(m, "throttled"))
	}
}

// TestRecoveredPanic: a panic in an operation is a 500 InternalFailure,
// counted, and the server keeps serving.
func TestRecoveredPanic(t *testing.T) {
	s := startServer(t, "none", nil)
	s.services["events"].ops["ListEndpoints"] = func(context.Context, *call) (any, error) { panic("boom") }
	code, body := postRaw(t, s, evTarget("ListEndpoints"), []byte(`{}`))
	if code != 500 || !strings.Contains(body, "InternalFailure") {
		t.Fatalf("panicking op: %d %s", code, body)
	}
	if code, _ := postRaw(t, s, evTarget("ListEventBuses"), []byte(`{}`)); code != 200 {
		t.Fatalf("after the panic: %d", code)
	}
	if m := scrape(t, s); !strings.Contains(m, "patternc_recovered_panics_total 1") {
		t.Fatalf("metrics lack the panic:\n%s", grepLines(m, "panic"))
	}
}

func scrape(t *testing.T, s *Server) string {
	t.Helper()
	resp, err := http.Get(s.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestHealthAndMetrics: /health answers ok; /metrics has request counts
// by operation and the runtime's Stats() counters with the same values.
func TestHealthAndMetrics(t *testing.T) {
	s := startServer(t, "none", nil)
	resp, err := http.Get(s.URL() + "/health")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != `{"status":"ok"}` {
		t.Fatalf("/health: %d %s", resp.StatusCode, b)
	}
	for i := 0; i < 3; i++ {
		if code, body := postRaw(t, s, evTarget("PutEvents"), []byte(`{"Entries":[{"Source":"s","DetailType":"d","Detail":"{}"}]}`)); code != 200 {
			t.Fatalf("PutEvents: %d %s", code, body)
		}
	}
	m := scrape(t, s)
	if !strings.Contains(m, `patternc_requests_total{operation="PutEvents",service="events",status="200"} 3`) {
		t.Fatalf("request count missing:\n%s", grepLines(m, "requests_total"))
	}
	if !strings.Contains(m, `patternc_request_duration_seconds_count{operation="PutEvents",service="events"} 3`) {
		t.Fatalf("latency histogram missing:\n%s", grepLines(m, "duration"))
	}
	rt, _ := s.Runtime("000000000000")
	want := fmt.Sprintf(`patternc_runtime_events_put{account="000000000000"} %d`, rt.Stats()["events_put"])
	if rt.Stats()["events_put"] != 3 || !strings.Contains(m, want) {
		t.Fatalf("Stats events_put=%d; metrics:\n%s", rt.Stats()["events_put"], grepLines(m, "events_put"))
	}
	if !strings.Contains(m, `patternc_store_commit_seconds_count{account="000000000000"}`) {
		t.Fatalf("store commit latency missing:\n%s", grepLines(m, "store_commit"))
	}
	if resp, _ := http.Get(s.URL() + "/nowhere"); resp.StatusCode != 404 {
		t.Fatalf("/nowhere: %d", resp.StatusCode)
	}
}
