package sns

import (
	"context"
	"errors"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"strings"
	"testing"

	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// docs/semantics/runtime.md §5.1 topics: names, idempotency, attributes, unknown topics.
func TestTopics(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			ctx := context.Background()
			arn := r.topic("orders", map[string]string{"DisplayName": "Orders"})
			if arn != "arn:aws:sns:us-east-1:123456789012:orders" {
				t.Fatalf("arn %s", arn)
			}
			again, err := r.svc.CreateTopic(ctx, "orders", map[string]string{"DisplayName": "Orders"})
			if err != nil || again != arn {
				t.Fatalf("idempotent create: %v %s", err, again)
			}
			cases := []struct {
				name  string
				attrs map[string]string
				want  string
			}{
				{"orders", map[string]string{"DisplayName": "Other"}, "InvalidParameter: Invalid parameter: Attributes Reason: Topic already exists with different attributes"},
				{"", nil, "InvalidParameter: Invalid parameter: Topic Name"},
				{"bad name", nil, "InvalidParameter: Invalid parameter: Topic Name"},
				{strings.Repeat("a", 257), nil, "InvalidParameter: Invalid parameter: Topic Name"},
				{"jobs.fifo", nil, "InvalidParameter: Invalid parameter: Topic Name"},
				{"jobs", map[string]string{"FifoTopic": "true"}, "InvalidParameter: Invalid parameter: Topic Name"},
			}
			for _, c := range cases {
				_, err := r.svc.CreateTopic(ctx, c.name, c.attrs)
				if got := errMsg(err); got != c.want {
					t.Errorf("CreateTopic(%.20q): %s, want %s", c.name, got, c.want)
				}
			}
			if _, err := r.svc.CreateTopic(ctx, "jobs.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"}); err != nil {
				t.Fatal(err)
			}
			_, err = r.svc.Publish(ctx, PublishInput{TopicArn: arn + "x", Message: "m"})
			var se *kernel.Error
			if !errors.As(err, &se) || se.Code != "NotFound" || se.Message != "Topic does not exist" || se.HTTPStatus != 404 {
				t.Fatalf("unknown topic: %v", err)
			}
			if got := len(r.svc.ListTopics()); got != 2 {
				t.Fatalf("ListTopics: %d", got)
			}
			// Topics survive a restart.
			r.stop()
			r.start()
			if got := r.svc.ListTopics(); len(got) != 2 {
				t.Fatalf("after restart: %v", got)
			}
			if err := r.svc.DeleteTopic(ctx, arn); err != nil {
				t.Fatal(err)
			}
			if _, err := r.svc.GetTopicAttributes(arn); errMsg(err) != "NotFound: Topic does not exist" {
				t.Fatalf("deleted topic: %v", err)
			}
		})
	}
}

// docs/semantics/runtime.md §5.2 and §5.3: Publish validation with AWS's codes and messages.
func TestPublishValidation(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e)
			std := r.topic("std", nil)
			fifo := r.topic("f.fifo", map[string]string{"FifoTopic": "true"})
			s := func(v string) Attribute { return Attribute{DataType: "String", StringValue: v} }
			cases := []struct {
				name string
				in   PublishInput
				want string
			}{
				{"empty message", PublishInput{TopicArn: std}, "InvalidParameter: Invalid parameter: Empty message"},
				{"empty subject", PublishInput{TopicArn: std, Message: "m", SubjectGiven: true}, "InvalidParameter: Invalid parameter: Subject"},
				{"subject newline", PublishInput{TopicArn: std, Message: "m", Subject: "a\nb"}, "InvalidParameter: Invalid parameter: Subject"},
				{"subject 100", PublishInput{TopicArn: std, Message: "m", Subject: strings.Repeat("s", 100)}, "InvalidParameter: Invalid parameter: Subject"},
				{"too long", PublishInput{TopicArn: std, Message: strings.Repeat("x", MaxSize-5), MessageAttributes: map[string]Attribute{"ab": s("c")}}, "InvalidParameter: Invalid parameter: Message too long"},
				{"fifo no group", PublishInput{TopicArn: fifo, Message: "m", MessageDeduplicationId: "d"}, "InvalidParameter: Invalid parameter: The MessageGroupId parameter is required for FIFO topics"},
				{"fifo no dedup", PublishInput{TopicArn: fifo, Message: "m", MessageGroupId: "g"}, "InvalidParameter: Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"},
				{"dedup on standard", PublishInput{TopicArn: std, Message: "m", MessageDeduplicationId: "d"}, "InvalidParameter: Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"},
				{"json unparsable", PublishInput{TopicArn: std, Message: "{", MessageStructure: "json"}, "InvalidParameter: Invalid parameter: Message Structure - JSON message body failed to parse"},
				{"json no default", PublishInput{TopicArn: std, Message: `{"sqs":"x"}`, MessageStructure: "json"}, "InvalidParameter: Invalid parameter: Message Structure - No default entry in JSON message body"},
				{"attr no type", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{"a": {StringValue: "v"}}}, "ValidationError: 1 validation error detected: Value null at 'messageAttributes.a.member.dataType' failed to satisfy constraint: Member must not be null"},
				{"attr name long", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{strings.Repeat("n", 256): s("v")}}, "ParameterValueInvalid: Length of message attribute name must be less than 256 bytes."},
				{"attr leading dot", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{".a": s("v")}}, "ParameterValueInvalid: Invalid message attribute name starting with character '.' was found."},
				{"attr trailing dot", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{"a.": s("v")}}, "ParameterValueInvalid: Invalid message attribute name ending with character '.' was found."},
				{"attr double dot", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{"a..b": s("v")}}, "ParameterValueInvalid: Message attribute name can not have successive '.' character."},
				{"attr bad char", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{"a#b": s("v")}}, "ParameterValueInvalid: Invalid non-alphanumeric character '#x23' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots."},
				{"attr bad type", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{"a": {DataType: "Date", StringValue: "v"}}}, "ParameterValueInvalid: The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."},
				{"attr empty string", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{"a": {DataType: "String"}}}, "ParameterValueInvalid: The message attribute 'a' must contain non-empty message attribute value for message attribute type 'String'."},
				{"attr empty binary", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{"a": {DataType: "Binary"}}}, "ParameterValueInvalid: The message attribute 'a' must contain non-empty message attribute value for message attribute type 'Binary'."},
				{"attr wrong field", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{"a": {DataType: "Binary", StringValue: "x"}}}, "ParameterValueInvalid: The message attribute 'a' with type 'Binary' must use field 'Binary'."},
				{"attr wrong field string", PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{"a": {DataType: "Number", BinaryValue: []byte{1}}}}, "ParameterValueInvalid: The message attribute 'a' with type 'Number' must use field 'String'."},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					_, err := r.svc.Publish(context.Background(), c.in)
					if got := errMsg(err); got != c.want {
						t.Fatalf("got  %s\nwant %s", got, c.want)
					}
				})
			}
			// Accepted shapes: custom type suffix, arrays, numbers, binary.
			ok := PublishInput{TopicArn: std, Message: "m", MessageAttributes: map[string]Attribute{
				"n": {DataType: "Number.float", StringValue: "-12.5"}, "arr": {DataType: "String.Array", StringValue: `["a",1,true,null]`},
				"b": {DataType: "Binary", BinaryValue: []byte{2, 3, 4}}}}
			if out, err := r.svc.Publish(context.Background(), ok); err != nil || len(out.MessageId) != 36 || out.SequenceNumber != "" {
				t.Fatalf("valid publish: %+v %v", out, err)
			}
			// The size limit counts bytes: exactly 262,144 is accepted.
			if _, err := r.svc.Publish(context.Background(), PublishInput{TopicArn: std, Message: strings.Repeat("é", MaxSize/2)}); err != nil {
				t.Fatalf("262144 bytes: %v", err)
			}
		})
	}
}

// docs/semantics/runtime.md §5.2 PublishBatch limits and per-entry results.
func TestPublishBatch(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			r := newRig(t, e, "q")
			ctx := context.Background()
			arn := r.topic("b", nil)
			r.sub(arn, "sqs", qarn("q"), nil)
			entry := func(id string) BatchEntry { return BatchEntry{Id: id, PublishInput: PublishInput{Message: "m-" + id}} }
			var eleven []BatchEntry
			for i := 0; i < 11; i++ {
				eleven = append(eleven, entry(fmt.Sprint("e", i)))
			}
			cases := []struct {
				name    string
				entries []BatchEntry
				want    string
			}{
				{"empty", nil, "EmptyBatchRequest: The batch request doesn't contain any entries."},
				{"eleven", eleven, "TooManyEntriesInBatchRequest: The batch request contains more entries than permissible."},
				{"dup ids", []BatchEntry{entry("a"), entry("a")}, "BatchEntryIdsNotDistinct: Two or more batch entries in the request have the same Id."},
				{"long id", []BatchEntry{entry(strings.Repeat("i", 81))}, "InvalidBatchEntryId: The Id of a batch entry in the batch request is too long: " + strings.Repeat("i", 81)},
				{"bad id", []BatchEntry{entry("a b")}, "InvalidBatchEntryId: The Id of a batch entry in the batch request contains an impermissible character: a b"},
				{"bad entry fails all", []BatchEntry{entry("a"), {Id: "b"}}, "InvalidParameter: Invalid parameter: Empty message"},
				{"total too long", []BatchEntry{{Id: "a", PublishInput: PublishInput{Message: strings.Repeat("x", 200000)}}, {Id: "b", PublishInput: PublishInput{Message: strings.Repeat("x", 100000)}}}, "BatchRequestTooLong: The length of all the messages put together is more than the limit."},
				{"attr path", []BatchEntry{entry("a"), {Id: "b", PublishInput: PublishInput{Message: "m", MessageAttributes: map[string]Attribute{"k": {StringValue: "v"}}}}}, "ValidationError: 1 validation error detected: Value null at 'publishBatchRequestEntries.2.member.messageAttributes.k.member.dataType' failed to satisfy constraint: Member must not be null"},
			}
			for _, c := range cases {
				_, err := r.svc.PublishBatch(ctx, arn, c.entries)
				if got := errMsg(err); got != c.want {
					t.Errorf("%s: got %s\nwant %s", c.name, got, c.want)
				}
			}
			res, err := r.svc.PublishBatch(ctx, arn, []BatchEntry{entry("a"), entry("b"), entry("c")})
			if err != nil || len(res.Successful) != 3 || len(res.Failed) != 0 || res.Successful[1].Id != "b" {
				t.Fatalf("batch: %+v %v", res, err)
			}
			r.waitQueue("q", 3)
		})
	}
}
