package sns

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// docs/semantics/runtime.md §5.5 subscriptions: protocols, filter policies and their error strings.
func TestSubscribeValidation(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "q", "q.fifo")
			ctx := context.Background()
			std := r.topic("std", nil)
			fifo := r.topic("f.fifo", map[string]string{"FifoTopic": "true"})
			cases := []struct {
				name                   string
				topic, proto, endpoint string
				attrs                  map[string]string
				want                   string
			}{
				{"email", std, "email", "a@b.c", nil, "InvalidParameter: Invalid parameter: Protocol Reason: email is not supported by patternc"},
				{"unknown protocol", std, "pigeon", "x", nil, "InvalidParameter: Invalid parameter: Amazon SNS does not support this protocol string: pigeon"},
				{"fifo queue on standard", std, "sqs", qarn("q.fifo"), nil, "InvalidParameter: Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"},
				{"http on fifo", fifo, "https", "https://x", nil, "InvalidParameter: Invalid parameter: Endpoint Reason: FIFO topics only support SQS subscriptions"},
				{"bad scope", std, "sqs", qarn("q"), map[string]string{"FilterPolicyScope": "Body"}, "InvalidParameter: Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [Body]. Please use either MessageBody or MessageAttributes"},
				{"bad raw", std, "sqs", qarn("q"), map[string]string{"RawMessageDelivery": "yes"}, "InvalidParameter: Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [yes]. Must be true or false."},
				{"bad policy", std, "sqs", qarn("q"), map[string]string{"FilterPolicy": `{"a": [{"anything-but": {"suffix": "x"}}]}`}, "InvalidParameter: Invalid parameter: Attributes Reason: FilterPolicy: Unsupported anything-but pattern: suffix"},
				{"redrive not json", std, "sqs", qarn("q"), map[string]string{"RedrivePolicy": "{"}, "InvalidParameter: Invalid parameter: Attributes Reason: RedrivePolicy: failed to parse JSON. unexpected end of JSON input"},
				{"redrive bad arn", std, "sqs", qarn("q"), map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"nope"}`}, "InvalidParameter: Invalid parameter: Attributes Reason: RedrivePolicy: deadLetterTargetArn is an invalid arn"},
				{"redrive fifo needs fifo", fifo, "sqs", qarn("q.fifo"), map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + qarn("dlq") + `"}`}, "InvalidParameter: Invalid parameter: Attributes Reason: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic."},
				{"delivery policy range", std, "https", "https://x", map[string]string{"DeliveryPolicy": `{"healthyRetryPolicy":{"numRetries":101}}`}, "InvalidParameter: Invalid parameter: Attributes Reason: DeliveryPolicy: numRetries must be between 0 and 100"},
				{"delivery policy too long", std, "https", "https://x", map[string]string{"DeliveryPolicy": `{"healthyRetryPolicy":{"numRetries":100,"minDelayTarget":3600,"maxDelayTarget":3600}}`}, "InvalidParameter: Invalid parameter: Attributes Reason: DeliveryPolicy: the retry schedule must total at most 3600 seconds"},
			}
			for _, c := range cases {
				_, err := r.svc.Subscribe(ctx, c.topic, c.proto, c.endpoint, c.attrs)
				if got := errMsg(err); got != c.want {
					t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
				}
			}
			sub := r.sub(std, "sqs", qarn("q"), map[string]string{"RawMessageDelivery": "TRUE"})
			if again := r.sub(std, "sqs", qarn("q"), map[string]string{"RawMessageDelivery": "true"}); again != sub {
				t.Fatalf("Subscribe is not idempotent: %s %s", sub, again)
			}
			if _, err := r.svc.Subscribe(ctx, std, "sqs", qarn("q"), nil); errMsg(err) != "InvalidParameter: Invalid parameter: Attributes Reason: Subscription already exists with different attributes" {
				t.Fatalf("different attributes: %v", err)
			}
			// SetSubscriptionAttributes drops the "Attributes Reason: " part.
			err := r.svc.SetSubscriptionAttributes(ctx, sub, "FilterPolicy", `{"a": {"b": ["c"]}}`)
			if got := errMsg(err); got != "InvalidParameter: Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy" {
				t.Fatalf("nested policy: %s", got)
			}
			err = r.svc.SetSubscriptionAttributes(ctx, sub, "RawMessageDelivery", "maybe")
			if got := errMsg(err); got != "InvalidParameter: Invalid parameter: RawMessageDelivery: Invalid value [maybe]. Must be true or false." {
				t.Fatalf("raw: %s", got)
			}
			if err := r.svc.SetSubscriptionAttributes(ctx, sub+"x", "RawMessageDelivery", "true"); errMsg(err) != "NotFound: Subscription does not exist" {
				t.Fatalf("unknown subscription: %v", err)
			}
			attrs, _ := r.svc.GetSubscriptionAttributes(sub)
			if attrs["RawMessageDelivery"] != "true" || attrs["Protocol"] != "sqs" {
				t.Fatalf("attributes: %v", attrs)
			}
		})
	}
}

// docs/semantics/runtime.md §5.5/§5.6 filtering and fan-out to queues; docs/semantics/runtime.md §5.7 the queue envelope.
func TestFanOutWithFilters(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "all", "billing", "body", "raw")
			ctx := context.Background()
			arn := r.topic("orders", nil)
			r.sub(arn, "sqs", qarn("all"), nil)
			billing := r.sub(arn, "sqs", qarn("billing"), map[string]string{"FilterPolicy": `{"department": ["billing"]}`})
			r.sub(arn, "sqs", qarn("body"), map[string]string{"FilterPolicyScope": "MessageBody", "FilterPolicy": `{"order": {"total": [{"numeric": [">", 100]}]}}`})
			r.sub(arn, "sqs", qarn("raw"), map[string]string{"RawMessageDelivery": "true"})
			attrs := map[string]Attribute{"department": {DataType: "String", StringValue: "billing"}, "blob": {DataType: "Binary", BinaryValue: []byte{2, 3, 4}}}
			out := r.publish(PublishInput{TopicArn: arn, Message: `{"order":{"total":150}}`, Subject: "New order", MessageAttributes: attrs})
			r.publish(PublishInput{TopicArn: arn, Message: `{"order":{"total":5}}`, MessageAttributes: map[string]Attribute{"department": {DataType: "String", StringValue: "sales"}}})
			r.publish(PublishInput{TopicArn: arn, Message: `not json`})
			all := r.waitQueue("all", 3)
			r.waitQueue("raw", 3)
			got := r.waitQueue("billing", 1)
			r.waitQueue("body", 1)
			env := decode(t, got[0].Body)
			if env["MessageId"] != out.MessageId || env["Subject"] != "New order" || env["Type"] != "Notification" {
				t.Fatalf("envelope: %s", got[0].Body)
			}
			// Key order and attribute rendering (docs/semantics/runtime.md §5.7).
			keys := []string{`"Type"`, `"MessageId"`, `"TopicArn"`, `"Subject"`, `"Message"`, `"Timestamp"`, `"SignatureVersion"`, `"Signature"`, `"SigningCertURL"`, `"UnsubscribeURL"`, `"MessageAttributes"`}
			last := -1
			for _, k := range keys {
				i := strings.Index(got[0].Body, k)
				if i <= last {
					t.Fatalf("key %s out of order in %s", k, got[0].Body)
				}
				last = i
			}
			if !strings.Contains(got[0].Body, `"MessageAttributes":{"blob":{"Type":"Binary","Value":"AgME"},"department":{"Type":"String","Value":"billing"}}`) ||
				!strings.Contains(got[0].Body, `"Timestamp":"2024-06-15T10:30:00.000Z"`) {
				t.Fatalf("envelope: %s", got[0].Body)
			}
			if err := r.svc.VerifyNotification([]byte(got[0].Body)); err != nil {
				t.Fatalf("signature: %v", err)
			}
			_ = all
			rawMsgs, _ := r.q.Messages(ctx, "raw")
			foundRaw := false
			for _, m := range rawMsgs {
				if m.Body == `{"order":{"total":150}}` && m.Attributes["department"] == "billing" && m.Attributes["blob"] == "AgME" {
					foundRaw = true
				}
			}
			if !foundRaw {
				t.Fatalf("raw delivery: %+v", rawMsgs)
			}
			// A policy change applies to the next publish at once.
			if err := r.svc.SetSubscriptionAttributes(ctx, billing, "FilterPolicy", `{"department": ["sales"]}`); err != nil {
				t.Fatal(err)
			}
			r.publish(PublishInput{TopicArn: arn, Message: "x", MessageAttributes: map[string]Attribute{"department": {DataType: "String", StringValue: "sales"}}})
			r.waitQueue("billing", 2)
			if err := r.svc.SetSubscriptionAttributes(ctx, billing, "FilterPolicy", ""); err != nil {
				t.Fatal(err)
			}
			r.publish(PublishInput{TopicArn: arn, Message: "y"})
			r.waitQueue("billing", 3)
			if st := r.svc.Stats(); st.Filtered < 4 {
				t.Fatalf("filtered count %d", st.Filtered)
			}
		})
	}
}

// docs/semantics/runtime.md §5.2 MessageStructure json and docs/semantics/runtime.md §5.7 the Lambda record.
func TestLambdaAndMessageStructure(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "q")
			arn := r.topic("t", nil)
			sub := r.sub(arn, "lambda", "arn:aws:lambda:us-east-1:123456789012:function:f", nil)
			r.sub(arn, "sqs", qarn("q"), map[string]string{"RawMessageDelivery": "true"})
			r.publish(PublishInput{TopicArn: arn, MessageStructure: "json", Message: `{"default":"d","lambda":"for-fn","sqs":7}`,
				MessageAttributes: map[string]Attribute{"n": {DataType: "Number", StringValue: "42"}}})
			testsupport.Eventually(t, "lambda delivery", func() bool { return len(r.fn.Messages()) == 1 })
			body := string(r.fn.Messages()[0].Body)
			var rec struct {
				Records []struct {
					EventSource, EventVersion, EventSubscriptionArn string
					Sns                                             map[string]any
				}
			}
			if err := json.Unmarshal([]byte(body), &rec); err != nil || len(rec.Records) != 1 {
				t.Fatalf("%v %s", err, body)
			}
			g := rec.Records[0]
			if g.EventSource != "aws:sns" || g.EventVersion != "1.0" || g.EventSubscriptionArn != sub || g.Sns["Message"] != "for-fn" {
				t.Fatalf("record: %s", body)
			}
			if v, ok := g.Sns["Subject"]; !ok || v != nil {
				t.Fatalf("Subject must be null: %s", body)
			}
			for _, k := range []string{`"SigningCertUrl"`, `"UnsubscribeUrl"`, `"n":{"Type":"String","Value":"42"}`} {
				if !strings.Contains(body, k) {
					t.Fatalf("missing %s in %s", k, body)
				}
			}
			// A non-string per-protocol value is ignored: sqs gets the default.
			if msgs := r.waitQueue("q", 1); msgs[0].Body != "d" {
				t.Fatalf("sqs got %q", msgs[0].Body)
			}
		})
	}
}

// docs/semantics/runtime.md §5.4 FIFO: order per group, dedup within 5 minutes, across a restart.
func TestFIFOOrderAndDedupAcrossRestart(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "out.fifo")
			ctx := context.Background()
			arn := r.topic("jobs.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
			r.sub(arn, "sqs", qarn("out.fifo"), nil)
			var first PublishOutput
			last := ""
			for i := 0; i < 20; i++ {
				out := r.publish(PublishInput{TopicArn: arn, Message: fmt.Sprint("m", i), MessageGroupId: fmt.Sprint("g", i%2)})
				if out.SequenceNumber <= last {
					t.Fatalf("sequence %s after %s", out.SequenceNumber, last)
				}
				last = out.SequenceNumber
				if i == 0 {
					first = out
				}
			}
			r.waitQueue("out.fifo", 20)
			next := map[string]int{"g0": 0, "g1": 1}
			for _, m := range r.waitSent(qarn("out.fifo"), 20) {
				env := decode(t, string(m.Body))
				want := fmt.Sprint("m", next[m.GroupID])
				if env["Message"] != want || env["SequenceNumber"] == nil || env["Signature"] != nil {
					t.Fatalf("group %s: got %v, want %s", m.GroupID, env["Message"], want)
				}
				if m.DedupID == "" {
					t.Fatalf("FIFO delivery without dedup id: %+v", m)
				}
				next[m.GroupID] += 2
			}
			// Restart on the same store: the duplicate is still known.
			r.stop()
			r.start()
			dup, err := r.svc.Publish(ctx, PublishInput{TopicArn: arn, Message: "m0", MessageGroupId: "g0"})
			if err != nil || dup != first {
				t.Fatalf("duplicate after restart: %+v %v, want %+v", dup, err, first)
			}
			explicit := r.publish(PublishInput{TopicArn: arn, Message: "other text", MessageGroupId: "g0", MessageDeduplicationId: "x"})
			again := r.publish(PublishInput{TopicArn: arn, Message: "changed", MessageGroupId: "g0", MessageDeduplicationId: "x"})
			if again != explicit {
				t.Fatalf("explicit dedup id: %+v vs %+v", again, explicit)
			}
			// After the window the same content is a new message.
			r.clk.Advance(DedupWindow + time.Second)
			fresh := r.publish(PublishInput{TopicArn: arn, Message: "m0", MessageGroupId: "g0"})
			if fresh.MessageId == first.MessageId || fresh.SequenceNumber <= again.SequenceNumber {
				t.Fatalf("after the window: %+v", fresh)
			}
			r.waitQueue("out.fifo", 22)
			if st := r.svc.Stats(); st.Duplicates != 2 {
				t.Fatalf("duplicates %d", st.Duplicates)
			}
		})
	}
}

// httpSink is a loopback HTTP subscriber.
type httpSink struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []*http.Request
	bodies []string
	status atomic.Int32
}

func newHTTPSink(t *testing.T) *httpSink {
	h := &httpSink{}
	h.status.Store(200)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		h.mu.Lock()
		h.reqs = append(h.reqs, req)
		h.bodies = append(h.bodies, string(b))
		h.mu.Unlock()
		w.WriteHeader(int(h.status.Load()))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *httpSink) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.reqs)
}

// docs/semantics/runtime.md §5.7 HTTP deliveries over a real loopback server: headers, envelope,
// signature, raw delivery; docs/semantics/runtime.md §5.5 the confirmation handshake.
func TestHTTPDelivery(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			arn := r.topic("web", nil)
			h := newHTTPSink(t)
			raw := newHTTPSink(t)
			sub := r.sub(arn, "http", h.srv.URL+"/hook", nil)
			r.sub(arn, "http", raw.srv.URL, map[string]string{"RawMessageDelivery": "true"})
			out := r.publish(PublishInput{TopicArn: arn, Message: "hello", MessageAttributes: map[string]Attribute{"k": {DataType: "String", StringValue: "v"}}})
			testsupport.Eventually(t, "http deliveries", func() bool { return h.count() == 1 && raw.count() == 1 })
			req := h.reqs[0]
			want := map[string]string{"x-amz-sns-message-type": "Notification", "x-amz-sns-message-id": out.MessageId,
				"x-amz-sns-topic-arn": arn, "x-amz-sns-subscription-arn": sub, "Content-Type": "text/plain; charset=UTF-8",
				"User-Agent": "Amazon Simple Notification Service Agent"}
			for k, v := range want {
				if got := req.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if req.Method != http.MethodPost || req.Header.Get("x-amz-sns-rawdelivery") != "" {
				t.Errorf("method %s raw %q", req.Method, req.Header.Get("x-amz-sns-rawdelivery"))
			}
			if err := r.svc.VerifyNotification([]byte(h.bodies[0])); err != nil {
				t.Fatalf("signature: %v\n%s", err, h.bodies[0])
			}
			if raw.bodies[0] != "hello" || raw.reqs[0].Header.Get("x-amz-sns-rawdelivery") != "true" {
				t.Fatalf("raw: %q %v", raw.bodies[0], raw.reqs[0].Header)
			}
		})
	}
}

func TestHTTPConfirmation(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			r.stop()
			var err error
			r.svc, err = New(kernel.Env{Store: r.st, Clock: r.clk, Resolver: r.resolver(), Account: acct, Region: region}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { r.svc.Run(ctx); close(done) }()
			defer func() { cancel(); <-done }()
			arn := r.topic("c", nil)
			h := newHTTPSink(t)
			got := r.sub(arn, "http", h.srv.URL, nil)
			if got != "pending confirmation" {
				t.Fatalf("Subscribe returned %s", got)
			}
			testsupport.Eventually(t, "confirmation request", func() bool { return h.count() == 1 })
			env := decode(t, h.bodies[0])
			if env["Type"] != "SubscriptionConfirmation" || h.reqs[0].Header.Get("x-amz-sns-subscription-arn") != "" ||
				!strings.HasPrefix(env["Message"].(string), "You have chosen to subscribe to the topic "+arn+".\nTo confirm") {
				t.Fatalf("confirmation: %s", h.bodies[0])
			}
			if err := r.svc.VerifyNotification([]byte(h.bodies[0])); err != nil {
				t.Fatalf("confirmation signature: %v", err)
			}
			r.publish(PublishInput{TopicArn: arn, Message: "before"})
			if _, err := r.svc.ConfirmSubscription(context.Background(), arn, "bad"); errMsg(err) != "InvalidParameter: Invalid parameter: Token" {
				t.Fatalf("bad token: %v", err)
			}
			subARN, err := r.svc.ConfirmSubscription(context.Background(), arn, env["Token"].(string))
			if err != nil || !strings.HasPrefix(subARN, arn+":") {
				t.Fatalf("confirm: %s %v", subARN, err)
			}
			r.publish(PublishInput{TopicArn: arn, Message: "after"})
			testsupport.Eventually(t, "notification", func() bool { return h.count() == 2 })
			if m := decode(t, h.bodies[1])["Message"]; m != "after" {
				t.Fatalf("delivered %v (nothing may be delivered before confirmation)", m)
			}
			if err := r.svc.Unsubscribe(context.Background(), subARN); err != nil {
				t.Fatal(err)
			}
			if _, err := r.svc.GetSubscriptionAttributes(subARN); errMsg(err) != "NotFound: Subscription does not exist" {
				t.Fatalf("after Unsubscribe: %v", err)
			}
			testsupport.Eventually(t, "unsubscribe confirmation", func() bool { return h.count() == 3 })
			if decode(t, h.bodies[2])["Type"] != "UnsubscribeConfirmation" {
				t.Fatalf("unsubscribe: %s", h.bodies[2])
			}
		})
	}
}
