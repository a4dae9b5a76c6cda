package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	evtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// signedRequest builds a request signed by the SDK's SigV4 signer (the
// client side), at time at.
func signedRequest(t *testing.T, s *Server, method, path, contentType, target, body, key, secret, service string, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	sum := sha256.Sum256([]byte(body))
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}, req,
		hex.EncodeToString(sum[:]), service, "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSigV4Failures(t *testing.T) {
	var now time.Time
	s := startServer(t, "sigv4", func(c *Config) { c.Now = func() time.Time { return now } })
	ctx := context.Background()
	now = time.Now()

	// The SDK with a wrong secret, an unknown key, and a good one.
	_, err := newClients(s, "AKIDALICE", "wrong").ev.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
	wantAPIError(t, err, "InvalidSignatureException", "")
	_, err = newClients(s, "AKIDALICE", "wrong").sns.ListTopics(ctx, &sns.ListTopicsInput{})
	wantAPIError(t, err, "SignatureDoesNotMatch", "")
	_, err = newClients(s, "AKIDNOBODY", "x").ev.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{})
	wantAPIError(t, err, "UnrecognizedClientException", "The security token included in the request is invalid.")
	_, err = newClients(s, "AKIDNOBODY", "x").sns.ListTopics(ctx, &sns.ListTopicsInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "")
	if _, err := alice(s).ev.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{}); err != nil {
		t.Fatalf("good signature refused: %v", err)
	}

	body := `{"Name":"x"}`
	// No signature at all.
	req, _ := http.NewRequest("POST", s.URL()+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AWSEvents.DescribeEventBus")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if code, b := send(t, req); code != 403 || !strings.Contains(b, "MissingAuthenticationToken") {
		t.Fatalf("unsigned: %d %s", code, b)
	}
	// Expired: signed 20 minutes ago.
	req = signedRequest(t, s, "POST", "/", "application/x-amz-json-1.1", "AWSEvents.DescribeEventBus", body, "AKIDALICE", "alice-secret", "events", now.Add(-20*time.Minute))
	if code, b := send(t, req); code != 403 || !strings.Contains(b, "InvalidSignatureException") || !strings.Contains(b, "Signature expired") {
		t.Fatalf("expired: %d %s", code, b)
	}
	// From the future beyond the skew.
	req = signedRequest(t, s, "POST", "/", "application/x-amz-json-1.1", "AWSEvents.DescribeEventBus", body, "AKIDALICE", "alice-secret", "events", now.Add(16*time.Minute))
	if code, b := send(t, req); code != 403 || !strings.Contains(b, "Signature expired") {
		t.Fatalf("future: %d %s", code, b)
	}
	// Within the skew: accepted (the bus does not exist: a 400 answer).
	req = signedRequest(t, s, "POST", "/", "application/x-amz-json-1.1", "AWSEvents.DescribeEventBus", body, "AKIDALICE", "alice-secret", "events", now.Add(-10*time.Minute))
	if code, b := send(t, req); code != 400 || !strings.Contains(b, "ResourceNotFoundException") {
		t.Fatalf("within skew: %d %s", code, b)
	}
	// Tampered body: signed for one body, another sent (same length).
	req = signedRequest(t, s, "POST", "/", "application/x-amz-json-1.1", "AWSEvents.DescribeEventBus", body, "AKIDALICE", "alice-secret", "events", now)
	tampered := `{"Name":"y"}`
	req.Body = io.NopCloser(strings.NewReader(tampered))
	if code, b := send(t, req); code != 403 || !strings.Contains(b, "InvalidSignatureException") {
		t.Fatalf("tampered body: %d %s", code, b)
	}
	// Tampered body with its content hash header recomputed: the
	// signature still covers the original hash.
	req = signedRequest(t, s, "POST", "/", "application/x-amz-json-1.1", "AWSEvents.DescribeEventBus", body, "AKIDALICE", "alice-secret", "events", now)
	req.Body = io.NopCloser(strings.NewReader(tampered))
	sum := sha256.Sum256([]byte(tampered))
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	if code, b := send(t, req); code != 403 || !strings.Contains(b, "InvalidSignatureException") {
		t.Fatalf("tampered body and hash: %d %s", code, b)
	}
	// Tampered operation header (signed headers include x-amz-target).
	req = signedRequest(t, s, "POST", "/", "application/x-amz-json-1.1", "AWSEvents.DescribeEventBus", body, "AKIDALICE", "alice-secret", "events", now)
	req.Header.Set("X-Amz-Target", "AWSEvents.DeleteEventBus")
	if code, b := send(t, req); code != 403 || !strings.Contains(b, "InvalidSignatureException") {
		t.Fatalf("tampered target: %d %s", code, b)
	}
	// A malformed Authorization header.
	req, _ = http.NewRequest("POST", s.URL()+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AWSEvents.DescribeEventBus")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=garbage")
	if code, b := send(t, req); code != 403 || !strings.Contains(b, "InvalidSignatureException") {
		t.Fatalf("malformed Authorization: %d %s", code, b)
	}
}

// TestSigV4Presigned: a presigned URL (query-string signature) works
// until it expires and is refused when replayed afterwards.
func TestSigV4Presigned(t *testing.T) {
	var now time.Time
	s := startServer(t, "sigv4", func(c *Config) { c.Now = func() time.Time { return now } })
	now = time.Now()
	req, _ := http.NewRequest("GET", s.URL()+"/?Action=ListTopics&Version=2010-03-31&X-Amz-Expires=60", nil)
	sum := sha256.Sum256(nil)
	signed, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDALICE", SecretAccessKey: "alice-secret"},
		req, hex.EncodeToString(sum[:]), "sns", "us-east-1", now)
	if err != nil {
		t.Fatal(err)
	}
	get := func() (int, string) {
		r, _ := http.NewRequest("GET", signed, nil)
		for k, v := range hdr {
			r.Header[k] = v
		}
		return send(t, r)
	}
	if code, b := get(); code != 200 || !strings.Contains(b, "<ListTopicsResponse") {
		t.Fatalf("presigned within its time: %d %s", code, b)
	}
	if code, b := get(); code != 200 {
		t.Fatalf("presigned replayed within its time: %d %s", code, b)
	}
	now = now.Add(61 * time.Second)
	if code, b := get(); code != 403 || !strings.Contains(b, "<Code>SignatureDoesNotMatch</Code>") || !strings.Contains(b, "Signature expired") {
		t.Fatalf("presigned replayed after expiry: %d %s", code, b)
	}
	// A presigned URL with a changed parameter does not verify.
	now = now.Add(-61 * time.Second)
	r, _ := http.NewRequest("GET", strings.Replace(signed, "ListTopics", "ListSubscriptions", 1), nil)
	if code, b := send(t, r); code != 403 || !strings.Contains(b, "SignatureDoesNotMatch") {
		t.Fatalf("presigned with a changed action: %d %s", code, b)
	}
}

// TestAccountIsolation: account B (bob) cannot list, read, put to or
// delete account A's (alice's) resources.
func TestAccountIsolation(t *testing.T) {
	s := startServer(t, "sigv4", nil)
	ctx := context.Background()
	a, b := alice(s), bob(s)
	must[*eventbridge.CreateEventBusOutput](t)(a.ev.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("private")}))
	must[*eventbridge.PutRuleOutput](t)(a.ev.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventBusName: aws.String("private"), EventPattern: aws.String(`{"source":["s"]}`)}))
	topic := must[*sns.CreateTopicOutput](t)(a.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("secret-topic")}))
	q := must[*sqs.CreateQueueOutput](t)(a.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("secret-queue")}))
	busArn := "arn:aws:events:us-east-1:111111111111:event-bus/private"

	// List: bob sees only his own default bus, no topics, no queues.
	lb := must[*eventbridge.ListEventBusesOutput](t)(b.ev.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{}))
	if len(lb.EventBuses) != 1 || aws.ToString(lb.EventBuses[0].Name) != "default" {
		t.Fatalf("bob lists buses %+v", lb.EventBuses)
	}
	if lt := must[*sns.ListTopicsOutput](t)(b.sns.ListTopics(ctx, &sns.ListTopicsInput{})); len(lt.Topics) != 0 {
		t.Fatalf("bob lists topics %+v", lt.Topics)
	}
	if lq := must[*sqs.ListQueuesOutput](t)(b.sqs.ListQueues(ctx, &sqs.ListQueuesInput{})); len(lq.QueueUrls) != 0 {
		t.Fatalf("bob lists queues %+v", lq.QueueUrls)
	}
	// Read.
	_, err := b.ev.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(busArn)})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = b.ev.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("r"), EventBusName: aws.String(busArn)})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = b.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: topic.TopicArn})
	wantAPIError(t, err, "AuthorizationError", "")
	var qdne *sqstypes.QueueDoesNotExist
	_, err = b.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	if !asType(err, &qdne) {
		t.Fatalf("bob's ReceiveMessage on alice's queue: %v", err)
	}
	_, err = b.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("secret-queue"), QueueOwnerAWSAccountId: aws.String("111111111111")})
	if !asType(err, &qdne) {
		t.Fatalf("bob's GetQueueUrl of alice's queue: %v", err)
	}
	// Put.
	pe := must[*eventbridge.PutEventsOutput](t)(b.ev.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []evtypes.PutEventsRequestEntry{
		{Source: aws.String("s"), DetailType: aws.String("d"), Detail: aws.String("{}"), EventBusName: aws.String(busArn)}}}))
	if pe.FailedEntryCount != 1 || aws.ToString(pe.Entries[0].ErrorCode) != "AccessDeniedException" {
		t.Fatalf("bob's PutEvents to alice's bus = %+v", pe.Entries)
	}
	_, err = b.sns.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("m")})
	wantAPIError(t, err, "AuthorizationError", "")
	_, err = b.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("m")})
	if !asType(err, &qdne) {
		t.Fatalf("bob's SendMessage to alice's queue: %v", err)
	}
	_, err = b.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:222222222222:x")})
	wantAPIError(t, err, "AuthorizationError", "")
	// Delete: nothing of alice's goes away.
	_, err = b.ev.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("private")})
	wantAPIError(t, err, "ResourceNotFoundException", "Event bus private does not exist.")
	_ = must[*sns.DeleteTopicOutput](t)(b.sns.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: topic.TopicArn}))
	_, err = b.sqs.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: q.QueueUrl})
	if !asType(err, &qdne) {
		t.Fatalf("bob's DeleteQueue of alice's queue: %v", err)
	}
	must[*eventbridge.DescribeEventBusOutput](t)(a.ev.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("private")}))
	must[*sns.GetTopicAttributesOutput](t)(a.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: topic.TopicArn}))
	must[*sqs.GetQueueUrlOutput](t)(a.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("secret-queue")}))

	// A topic Policy lets bob publish.
	must[*sns.SetTopicAttributesOutput](t)(a.sns.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: topic.TopicArn, AttributeName: aws.String("Policy"),
		AttributeValue: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"SNS:Publish","Resource":"*"}]}`)}))
	must[*sns.PublishOutput](t)(b.sns.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("allowed")}))
	_, err = b.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:us-east-1:222222222222:x")})
	wantAPIError(t, err, "AuthorizationError", "")
}

// TestCrossAccountBusTarget: alice's rule targets bob's bus; bob's queue
// gets nothing until bob's bus policy (PutPermission) lets alice in.
func TestCrossAccountBusTarget(t *testing.T) {
	s := startServer(t, "sigv4", nil)
	ctx := context.Background()
	a, b := alice(s), bob(s)
	bobBus := "arn:aws:events:us-east-1:222222222222:event-bus/inbox"
	must[*eventbridge.CreateEventBusOutput](t)(b.ev.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("inbox")}))
	bq := must[*sqs.CreateQueueOutput](t)(b.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("inbox-q")}))
	must[*eventbridge.PutRuleOutput](t)(b.ev.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("all"), EventBusName: aws.String("inbox"), EventPattern: aws.String(`{"source":["alice.app"]}`)}))
	must[*eventbridge.PutTargetsOutput](t)(b.ev.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("all"), EventBusName: aws.String("inbox"),
		Targets: []evtypes.Target{{Id: aws.String("q"), Arn: aws.String("arn:aws:sqs:us-east-1:222222222222:inbox-q")}}}))
	must[*eventbridge.PutRuleOutput](t)(a.ev.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("fwd"), EventPattern: aws.String(`{"source":["alice.app"]}`)}))
	must[*eventbridge.PutTargetsOutput](t)(a.ev.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("fwd"),
		Targets: []evtypes.Target{{Id: aws.String("bob"), Arn: aws.String(bobBus)}}}))
	put := func(id string) {
		must[*eventbridge.PutEventsOutput](t)(a.ev.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []evtypes.PutEventsRequestEntry{
			{Source: aws.String("alice.app"), DetailType: aws.String("d"), Detail: aws.String(`{"n":"` + id + `"}`)}}}))
	}
	put("refused")
	time.Sleep(1500 * time.Millisecond)
	if out := must[*sqs.ReceiveMessageOutput](t)(b.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: bq.QueueUrl, WaitTimeSeconds: 1})); len(out.Messages) != 0 {
		t.Fatalf("without PutPermission bob's queue got %q", aws.ToString(out.Messages[0].Body))
	}
	must[*eventbridge.PutPermissionOutput](t)(b.ev.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("inbox"),
		Action: aws.String("events:PutEvents"), Principal: aws.String("111111111111"), StatementId: aws.String("alice")}))
	put("allowed")
	bodies := receiveAll(t, b, aws.ToString(bq.QueueUrl), 1)
	if len(bodies) != 1 || !strings.Contains(bodies[0], `"n":"allowed"`) || !strings.Contains(bodies[0], `"account":"111111111111"`) {
		t.Fatalf("with PutPermission bob's queue got %q", bodies)
	}
}
