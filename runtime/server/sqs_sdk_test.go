package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// TestSQSSDK drives every SQS operation serve implements through the AWS
// SDK for Go v2 (awsJson1_0; the SDK checks the MD5s of bodies and
// attributes).
func TestSQSSDK(t *testing.T) {
	eachAuth(t, func(t *testing.T, s *Server, c clients) {
		ctx := context.Background()
		q := c.sqs
		acct := "000000000000"
		if s.cfg.Auth == "sigv4" {
			acct = "111111111111"
		}
		cq := must[*sqs.CreateQueueOutput](t)(q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("work"),
			Attributes: map[string]string{"VisibilityTimeout": "5"}, Tags: map[string]string{"team": "a"}}))
		qurl := aws.ToString(cq.QueueUrl)
		if qurl != s.URL()+"/"+acct+"/work" {
			t.Fatalf("QueueUrl %q", qurl)
		}
		must[*sqs.CreateQueueOutput](t)(q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("work"), Attributes: map[string]string{"VisibilityTimeout": "5"}}))
		_, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("work"), Attributes: map[string]string{"VisibilityTimeout": "7"}})
		var exists *types.QueueNameExists
		if !asType(err, &exists) {
			t.Fatalf("CreateQueue with other attributes: %v, want *types.QueueNameExists", err)
		}
		_, err = q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad name")})
		wantAPIError(t, err, "InvalidParameterValue", "")
		_, err = q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("x"), Attributes: map[string]string{"Bogus": "1"}})
		wantAPIError(t, err, "InvalidAttributeName", "")
		must[*sqs.CreateQueueOutput](t)(q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("work2")}))
		gu := must[*sqs.GetQueueUrlOutput](t)(q.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("work")}))
		if aws.ToString(gu.QueueUrl) != qurl {
			t.Fatalf("GetQueueUrl %q", aws.ToString(gu.QueueUrl))
		}
		_, err = q.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("nope")})
		var qdne *types.QueueDoesNotExist
		if !asType(err, &qdne) {
			t.Fatalf("GetQueueUrl(nope) error %v (%T), want *types.QueueDoesNotExist", err, err)
		}
		lq := must[*sqs.ListQueuesOutput](t)(q.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("work"), MaxResults: aws.Int32(1)}))
		if len(lq.QueueUrls) != 1 || lq.NextToken == nil {
			t.Fatalf("ListQueues page 1 = %+v", lq)
		}
		lq = must[*sqs.ListQueuesOutput](t)(q.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("work"), MaxResults: aws.Int32(1), NextToken: lq.NextToken}))
		if len(lq.QueueUrls) != 1 || !strings.HasSuffix(lq.QueueUrls[0], "/work2") {
			t.Fatalf("ListQueues page 2 = %+v", lq)
		}
		must[*sqs.SetQueueAttributesOutput](t)(q.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: cq.QueueUrl, Attributes: map[string]string{"DelaySeconds": "0", "ReceiveMessageWaitTimeSeconds": "1"}}))
		_, err = q.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: cq.QueueUrl, Attributes: map[string]string{"VisibilityTimeout": "-1"}})
		wantAPIError(t, err, "InvalidAttributeValue", "")

		// Send with typed attributes; the SDK verifies MD5OfMessageAttributes.
		sm := must[*sqs.SendMessageOutput](t)(q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: cq.QueueUrl, MessageBody: aws.String("one"),
			MessageAttributes: map[string]types.MessageAttributeValue{
				"n": {DataType: aws.String("Number"), StringValue: aws.String("42")},
				"b": {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2, 3}},
			}}))
		if aws.ToString(sm.MD5OfMessageBody) != "f97c5d29941bfb1b2fdab0874906ab82" {
			t.Fatalf("MD5OfMessageBody %q", aws.ToString(sm.MD5OfMessageBody))
		}
		_, err = q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.URL() + "/" + acct + "/nope"), MessageBody: aws.String("x")})
		if !asType(err, &qdne) {
			t.Fatalf("SendMessage(nope) error %v, want QueueDoesNotExist", err)
		}
		sb := must[*sqs.SendMessageBatchOutput](t)(q.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: cq.QueueUrl, Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("a"), MessageBody: aws.String("two")}, {Id: aws.String("b"), MessageBody: aws.String("three"), DelaySeconds: 1000},
		}}))
		if len(sb.Successful) != 1 || len(sb.Failed) != 1 || aws.ToString(sb.Failed[0].Id) != "b" {
			t.Fatalf("SendMessageBatch = %+v", sb)
		}
		_, err = q.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: cq.QueueUrl, Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("a"), MessageBody: aws.String("x")}, {Id: aws.String("a"), MessageBody: aws.String("y")}}})
		var dup *types.BatchEntryIdsNotDistinct
		if !asType(err, &dup) {
			t.Fatalf("duplicate batch ids: %v, want *types.BatchEntryIdsNotDistinct", err)
		}

		at := must[*sqs.GetQueueAttributesOutput](t)(q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: cq.QueueUrl,
			AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}}))
		if at.Attributes["ApproximateNumberOfMessages"] != "2" || at.Attributes["VisibilityTimeout"] != "5" || at.Attributes["QueueArn"] != "arn:aws:sqs:us-east-1:"+acct+":work" {
			t.Fatalf("GetQueueAttributes = %v", at.Attributes)
		}

		rm := must[*sqs.ReceiveMessageOutput](t)(q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: cq.QueueUrl, MaxNumberOfMessages: 10,
			MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}}))
		if len(rm.Messages) != 2 || aws.ToString(rm.Messages[0].Body) != "one" || aws.ToString(rm.Messages[0].MessageAttributes["n"].StringValue) != "42" ||
			rm.Messages[0].Attributes["ApproximateReceiveCount"] != "1" {
			t.Fatalf("ReceiveMessage = %+v", rm.Messages)
		}
		_, err = q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: cq.QueueUrl, MaxNumberOfMessages: 11})
		wantAPIError(t, err, "InvalidParameterValue", "")
		// Both are in flight: a long poll waits and comes back empty.
		start := time.Now()
		empty := must[*sqs.ReceiveMessageOutput](t)(q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: cq.QueueUrl, WaitTimeSeconds: 1}))
		if len(empty.Messages) != 0 || time.Since(start) < 900*time.Millisecond {
			t.Fatalf("long poll returned %d messages after %v", len(empty.Messages), time.Since(start))
		}
		// A long poll is woken by a send.
		go func() {
			time.Sleep(200 * time.Millisecond)
			_, _ = q.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: cq.QueueUrl, MessageBody: aws.String("late")})
		}()
		start = time.Now()
		late := must[*sqs.ReceiveMessageOutput](t)(q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: cq.QueueUrl, WaitTimeSeconds: 5}))
		if len(late.Messages) != 1 || aws.ToString(late.Messages[0].Body) != "late" || time.Since(start) > 3*time.Second {
			t.Fatalf("woken long poll = %+v after %v", late.Messages, time.Since(start))
		}

		// Visibility back to 0: "one" is receivable again.
		must[*sqs.ChangeMessageVisibilityOutput](t)(q.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: cq.QueueUrl, ReceiptHandle: rm.Messages[0].ReceiptHandle, VisibilityTimeout: 0}))
		again := must[*sqs.ReceiveMessageOutput](t)(q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: cq.QueueUrl, AttributeNames: []types.QueueAttributeName{"ApproximateReceiveCount"}}))
		if len(again.Messages) != 1 || aws.ToString(again.Messages[0].Body) != "one" || again.Messages[0].Attributes["ApproximateReceiveCount"] != "2" {
			t.Fatalf("after ChangeMessageVisibility = %+v", again.Messages)
		}
		_, err = q.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: cq.QueueUrl, ReceiptHandle: aws.String("zz"), VisibilityTimeout: 0})
		wantAPIError(t, err, "ReceiptHandleIsInvalid", "")
		must[*sqs.DeleteMessageOutput](t)(q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: cq.QueueUrl, ReceiptHandle: again.Messages[0].ReceiptHandle}))
		_, err = q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: cq.QueueUrl, ReceiptHandle: aws.String("zz")})
		wantAPIError(t, err, "ReceiptHandleIsInvalid", "")
		db := must[*sqs.DeleteMessageBatchOutput](t)(q.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: cq.QueueUrl, Entries: []types.DeleteMessageBatchRequestEntry{
			{Id: aws.String("x"), ReceiptHandle: rm.Messages[1].ReceiptHandle}, {Id: aws.String("y"), ReceiptHandle: aws.String("zz")}}}))
		if len(db.Successful) != 1 || len(db.Failed) != 1 || aws.ToString(db.Failed[0].Code) != "ReceiptHandleIsInvalid" {
			t.Fatalf("DeleteMessageBatch = %+v", db)
		}

		// Tags.
		tg := must[*sqs.ListQueueTagsOutput](t)(q.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: cq.QueueUrl}))
		if tg.Tags["team"] != "a" {
			t.Fatalf("ListQueueTags = %v", tg.Tags)
		}
		must[*sqs.TagQueueOutput](t)(q.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: cq.QueueUrl, Tags: map[string]string{"env": "dev"}}))
		must[*sqs.UntagQueueOutput](t)(q.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: cq.QueueUrl, TagKeys: []string{"team"}}))
		tg = must[*sqs.ListQueueTagsOutput](t)(q.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: cq.QueueUrl}))
		if len(tg.Tags) != 1 || tg.Tags["env"] != "dev" {
			t.Fatalf("tags after tag/untag = %v", tg.Tags)
		}

		must[*sqs.PurgeQueueOutput](t)(q.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: cq.QueueUrl}))
		at = must[*sqs.GetQueueAttributesOutput](t)(q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: cq.QueueUrl,
			AttributeNames: []types.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}}))
		if at.Attributes["ApproximateNumberOfMessages"] != "0" || at.Attributes["ApproximateNumberOfMessagesNotVisible"] != "0" {
			t.Fatalf("after PurgeQueue = %v", at.Attributes)
		}
		must[*sqs.DeleteQueueOutput](t)(q.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: cq.QueueUrl}))
		_, err = q.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: cq.QueueUrl})
		if !asType(err, &qdne) {
			t.Fatalf("DeleteQueue twice: %v, want QueueDoesNotExist", err)
		}
		_, err = q.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: cq.QueueUrl})
		wantAPIError(t, err, "UnknownOperationException", "The operation ListDeadLetterSourceQueues of sqs is not implemented by patternc.")
	})
}

// TestSQSQuery speaks SQS's awsQuery protocol (older CLIs) with form
// bodies and checks the XML answers.
func TestSQSQuery(t *testing.T) {
	s := startServer(t, "none", nil)
	post := func(form url.Values) (int, string) {
		t.Helper()
		form.Set("Version", "2012-11-05")
		resp, err := http.Post(s.URL()+"/", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := post(url.Values{"Action": {"CreateQueue"}, "QueueName": {"legacy"}, "Attribute.1.Name": {"VisibilityTimeout"}, "Attribute.1.Value": {"9"}})
	if code != 200 || !strings.Contains(body, "<CreateQueueResult><QueueUrl>"+s.URL()+"/000000000000/legacy</QueueUrl></CreateQueueResult>") {
		t.Fatalf("CreateQueue: %d %s", code, body)
	}
	qurl := s.URL() + "/000000000000/legacy"
	code, body = post(url.Values{"Action": {"SendMessage"}, "QueueUrl": {qurl}, "MessageBody": {"a<b & \"c\""},
		"MessageAttribute.1.Name": {"k"}, "MessageAttribute.1.Value.DataType": {"String"}, "MessageAttribute.1.Value.StringValue": {"v"}})
	if code != 200 || !strings.Contains(body, "<MD5OfMessageBody>") || !strings.Contains(body, "<MD5OfMessageAttributes>") {
		t.Fatalf("SendMessage: %d %s", code, body)
	}
	code, body = post(url.Values{"Action": {"ReceiveMessage"}, "QueueUrl": {qurl}, "MessageAttributeName.1": {"All"}, "AttributeName.1": {"All"}})
	if code != 200 || !strings.Contains(body, "<Message><Attribute><Name>") || !strings.Contains(body, "<Body>a&lt;b &amp; \"c\"</Body>") ||
		!strings.Contains(body, "<MessageAttribute><Name>k</Name><Value><DataType>String</DataType><StringValue>v</StringValue></Value></MessageAttribute>") {
		t.Fatalf("ReceiveMessage: %d %s", code, body)
	}
	code, body = post(url.Values{"Action": {"GetQueueAttributes"}, "QueueUrl": {qurl}, "AttributeName.1": {"VisibilityTimeout"}})
	if code != 200 || !strings.Contains(body, "<Attribute><Name>VisibilityTimeout</Name><Value>9</Value></Attribute>") {
		t.Fatalf("GetQueueAttributes: %d %s", code, body)
	}
	code, body = post(url.Values{"Action": {"GetQueueUrl"}, "QueueName": {"nope"}})
	if code != 400 || !strings.Contains(body, "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>") || !strings.Contains(body, "<Type>Sender</Type>") {
		t.Fatalf("GetQueueUrl(nope): %d %s", code, body)
	}
	code, body = post(url.Values{"Action": {"ListQueues"}})
	if code != 200 || !strings.Contains(body, "<ListQueuesResult><QueueUrl>"+qurl+"</QueueUrl></ListQueuesResult>") {
		t.Fatalf("ListQueues: %d %s", code, body)
	}
	code, body = post(url.Values{"Action": {"Frobnicate"}})
	if code != 400 || !strings.Contains(body, "<Code>InvalidAction</Code>") || !strings.Contains(body, "Frobnicate") {
		t.Fatalf("unknown action: %d %s", code, body)
	}
}

// TestSQSRedrive: a message received maxReceiveCount times moves to the
// dead-letter queue; a bad RedrivePolicy is AWS's error.
func TestSQSRedrive(t *testing.T) {
	s := startServer(t, "none", nil)
	c := alice(s)
	ctx := context.Background()
	dlq := must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("dead")}))
	src := must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("work"), Attributes: map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dead","maxReceiveCount":"2"}`, "VisibilityTimeout": "0"}}))
	_, err := c.sqs.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: src.QueueUrl, Attributes: map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dead","maxReceiveCount":0}`}})
	wantAPIError(t, err, "InvalidParameterValue", "")
	must[*sqs.SendMessageOutput](t)(c.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: src.QueueUrl, MessageBody: aws.String("poison")}))
	for i := 1; i <= 2; i++ { // received twice (visibility 0), never deleted
		out := must[*sqs.ReceiveMessageOutput](t)(c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: src.QueueUrl}))
		if len(out.Messages) != 1 {
			t.Fatalf("receive %d: %d messages", i, len(out.Messages))
		}
	}
	if out := must[*sqs.ReceiveMessageOutput](t)(c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: src.QueueUrl})); len(out.Messages) != 0 {
		t.Fatalf("third receive from the source got %q, want nothing (redriven)", aws.ToString(out.Messages[0].Body))
	}
	out := must[*sqs.ReceiveMessageOutput](t)(c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 1}))
	if len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != "poison" {
		t.Fatalf("dead-letter queue got %+v", out.Messages)
	}
}
