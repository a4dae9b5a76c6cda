package server

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/sqs"
	"github.com/patternc/patternc/runtime/tags"
)

// The sqs adapter (awsJson1_0 and awsQuery): queue URLs
// http://{host}/{account}/{name} are mapped to the caller's queues; a URL
// naming another account's queue is QueueDoesNotExist.

func sqsOps() map[string]opFunc {
	return map[string]opFunc{
		"CreateQueue": sqsCreateQueue, "GetQueueUrl": sqsGetQueueURL, "ListQueues": sqsListQueues,
		"GetQueueAttributes": sqsGetQueueAttributes, "SetQueueAttributes": sqsSetQueueAttributes,
		"DeleteQueue": sqsDeleteQueue, "SendMessage": sqsSendMessage, "SendMessageBatch": sqsSendMessageBatch,
		"ReceiveMessage": sqsReceiveMessage, "DeleteMessage": sqsDeleteMessage, "DeleteMessageBatch": sqsDeleteMessageBatch,
		"ChangeMessageVisibility": sqsChangeMessageVisibility, "PurgeQueue": sqsPurgeQueue,
		"TagQueue": sqsTagQueue, "UntagQueue": sqsUntagQueue, "ListQueueTags": sqsListQueueTags,
	}
}

func sqsErr(code, format string, args ...any) *apiError {
	return errf(http.StatusBadRequest, code, format, args...)
}

var errNoQueue = sqsErr("QueueDoesNotExist", "The specified queue does not exist.")

// mapSQS turns the queue service's plain errors into AWS's.
func mapSQS(err error) error {
	if errors.Is(err, kernel.ErrNoResource) {
		return errNoQueue
	}
	return err
}

func (c *call) queueURL(name string) string {
	return "http://" + c.r.Host + "/" + c.acct.id + "/" + name
}

// queueIn is the QueueUrl member every per-queue request carries.
type queueIn struct{ QueueUrl string }

func (q queueIn) url() string { return q.QueueUrl }

// decodeQueue decodes a per-queue request and resolves its QueueUrl to
// the caller's queue (queueName).
func decodeQueue[T interface{ url() string }](c *call) (*T, string, error) {
	in, err := decode[T](c)
	if err != nil {
		return nil, "", err
	}
	name, err := queueName(c, (*in).url())
	if err != nil {
		return nil, "", err
	}
	return in, name, nil
}

// queueName reads a QueueUrl (or a bare name) and checks it is the
// caller's existing queue.
func queueName(c *call, queueURL string) (string, error) {
	if queueURL == "" {
		return "", sqsErr("MissingParameter", "The request must contain the parameter QueueUrl.")
	}
	u := strings.TrimRight(queueURL, "/")
	name := u[strings.LastIndexByte(u, '/')+1:]
	if i := strings.LastIndexByte(u, '/'); i > 0 {
		rest := u[:i]
		acct := rest[strings.LastIndexByte(rest, '/')+1:]
		if accountRE.MatchString(acct) && acct != c.acct.id {
			return "", errNoQueue
		}
	}
	for _, q := range c.acct.rt.Queues.List() {
		if q == name {
			return name, nil
		}
	}
	return "", errNoQueue
}

func sqsCreateQueue(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		QueueName  string
		Attributes map[string]string
		Tags       map[string]string `json:"tags"`
	}](c)
	if err != nil {
		return nil, err
	}
	arn, err := c.acct.rt.Queues.CreateQueue(ctx, in.QueueName, in.Attributes)
	if err != nil {
		return nil, mapSQS(err)
	}
	if len(in.Tags) > 0 {
		if err := c.acct.tags().Tag(ctx, arn, in.Tags); err != nil {
			return nil, sqsTagErr(err)
		}
	}
	return map[string]any{"QueueUrl": c.queueURL(in.QueueName)}, nil
}

func sqsGetQueueURL(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ QueueName, QueueOwnerAWSAccountId string }](c)
	if err != nil {
		return nil, err
	}
	if in.QueueOwnerAWSAccountId != "" && in.QueueOwnerAWSAccountId != c.acct.id {
		return nil, errNoQueue
	}
	name, err := queueName(c, in.QueueName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"QueueUrl": c.queueURL(name)}, nil
}

func sqsListQueues(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		QueueNamePrefix, NextToken string
		MaxResults                 int
	}](c)
	if err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 1000 {
		return nil, sqsErr("InvalidParameterValue", "Value %d for parameter MaxResults is invalid. Reason: must be between 1 and 1000.", in.MaxResults)
	}
	names, next, err := page(withPrefix(c.acct.rt.Queues.List(), in.QueueNamePrefix), in.NextToken, in.MaxResults, 1000)
	if err != nil {
		return nil, sqsErr("InvalidParameterValue", "Invalid NextToken value.")
	}
	urls := []string{}
	for _, n := range names {
		urls = append(urls, c.queueURL(n))
	}
	out := map[string]any{"QueueUrls": urls, "NextToken": omit(next)}
	if len(urls) == 0 {
		delete(out, "QueueUrls") // AWS leaves the member out when empty
	}
	return out, nil
}

func sqsGetQueueAttributes(ctx context.Context, c *call) (any, error) {
	in, name, err := decodeQueue[struct {
		queueIn
		AttributeNames []string
	}](c)
	if err != nil {
		return nil, err
	}
	all, err := c.acct.rt.Queues.Attributes(ctx, name)
	if err != nil {
		return nil, mapSQS(err)
	}
	out := map[string]string{}
	for _, n := range in.AttributeNames {
		if n == "All" {
			out = all
			break
		}
		v, ok := all[n]
		if !ok {
			return nil, sqsErr("InvalidAttributeName", "Unknown Attribute %s.", n)
		}
		out[n] = v
	}
	if len(out) == 0 {
		return map[string]any{}, nil
	}
	return map[string]any{"Attributes": out}, nil
}

func sqsSetQueueAttributes(ctx context.Context, c *call) (any, error) {
	in, name, err := decodeQueue[struct {
		queueIn
		Attributes map[string]string
	}](c)
	if err != nil {
		return nil, err
	}
	return nil, mapSQS(c.acct.rt.Queues.SetAttributes(ctx, name, in.Attributes))
}

func sqsDeleteQueue(ctx context.Context, c *call) (any, error) {
	_, name, err := decodeQueue[queueIn](c)
	if err != nil {
		return nil, err
	}
	if err := c.acct.rt.Queues.DeleteQueue(ctx, name); err != nil {
		return nil, mapSQS(err)
	}
	_ = c.acct.tags().Drop(ctx, c.acct.rt.Queues.ARN(name))
	return nil, nil
}

func sqsPurgeQueue(ctx context.Context, c *call) (any, error) {
	_, name, err := decodeQueue[queueIn](c)
	if err != nil {
		return nil, err
	}
	return nil, mapSQS(c.acct.rt.Queues.Purge(ctx, name))
}

type wireSQSAttr struct {
	DataType    string
	StringValue *string
	BinaryValue []byte // base64 on the wire
}

type wireSend struct {
	Id, MessageBody                        string
	DelaySeconds                           *int
	MessageAttributes                      map[string]wireSQSAttr
	MessageSystemAttributes                map[string]wireSQSAttr
	MessageDeduplicationId, MessageGroupId string
}

var sqsAttrNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,256}$`)

func sendInput(w wireSend) (sqs.SendInput, error) {
	in := sqs.SendInput{Body: w.MessageBody, DelaySeconds: w.DelaySeconds, GroupID: w.MessageGroupId, DedupID: w.MessageDeduplicationId}
	if len(w.MessageAttributes) > 10 {
		return in, sqsErr("InvalidParameterValue", "Number of message attributes [%d] exceeds the allowed maximum [10].", len(w.MessageAttributes))
	}
	for name, a := range w.MessageAttributes {
		if !sqsAttrNameRE.MatchString(name) || strings.HasPrefix(strings.ToLower(name), "aws.") || strings.HasPrefix(strings.ToLower(name), "amazon.") {
			return in, sqsErr("InvalidParameterValue", "Message (user) attribute '%s' is invalid.", name)
		}
		t := a.DataType
		switch {
		case strings.HasPrefix(t, "String"), strings.HasPrefix(t, "Number"):
			if a.StringValue == nil || *a.StringValue == "" {
				return in, sqsErr("InvalidParameterValue", "Message (user) attribute '%s' must contain a non-empty value of message attribute type '%s'.", name, t)
			}
		case strings.HasPrefix(t, "Binary"):
			if len(a.BinaryValue) == 0 {
				return in, sqsErr("InvalidParameterValue", "Message (user) attribute '%s' must contain a non-empty value of message attribute type '%s'.", name, t)
			}
		default:
			return in, sqsErr("InvalidParameterValue", "The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", name)
		}
		if in.MessageAttributes == nil {
			in.MessageAttributes = map[string]sqs.MessageAttribute{}
		}
		ma := sqs.MessageAttribute{DataType: t, BinaryValue: a.BinaryValue}
		if a.StringValue != nil {
			ma.StringValue = *a.StringValue
		}
		in.MessageAttributes[name] = ma
	}
	return in, nil
}

func md5Hex(b []byte) string {
	h := md5.Sum(b)
	return hex.EncodeToString(h[:])
}

// attributesMD5 is AWS's MD5OfMessageAttributes: over the attributes
// sorted by name, each as length-prefixed name, data type, a transport
// byte (1 string/number, 2 binary) and length-prefixed value.
func attributesMD5(attrs map[string]sqs.MessageAttribute) string {
	if len(attrs) == 0 {
		return ""
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf []byte
	put := func(b []byte) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(b)))
		buf = append(buf, b...)
	}
	for _, n := range names {
		a := attrs[n]
		put([]byte(n))
		put([]byte(a.DataType))
		if strings.HasPrefix(a.DataType, "Binary") {
			buf = append(buf, 2)
			put(a.BinaryValue)
		} else {
			buf = append(buf, 1)
			put([]byte(a.StringValue))
		}
	}
	return md5Hex(buf)
}

func sqsSendMessage(ctx context.Context, c *call) (any, error) {
	in, name, err := decodeQueue[struct {
		queueIn
		wireSend
	}](c)
	if err != nil {
		return nil, err
	}
	si, err := sendInput(in.wireSend)
	if err != nil {
		return nil, err
	}
	m, err := c.acct.rt.Queues.SendMessage(ctx, name, si)
	if err != nil {
		return nil, mapSQS(err)
	}
	return map[string]any{"MessageId": m.ID, "MD5OfMessageBody": md5Hex([]byte(m.Body)),
		"MD5OfMessageAttributes": omit(attributesMD5(m.MessageAttributes))}, nil
}

var batchIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// checkBatch applies AWS's batch rules: 1–10 entries, ids valid and
// distinct.
func checkBatch(ids []string) error {
	if len(ids) == 0 {
		return sqsErr("EmptyBatchRequest", "There should be at least one SendMessageBatchRequestEntry in the request.")
	}
	if len(ids) > 10 {
		return sqsErr("TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent %d.", len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if !batchIDRE.MatchString(id) {
			return sqsErr("InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
		}
		if seen[id] {
			return sqsErr("BatchEntryIdsNotDistinct", "Id %s repeated.", id)
		}
		seen[id] = true
	}
	return nil
}

// batchFailure is a batch's Failed entry for the entry id that failed
// with err.
func batchFailure(id string, err error) map[string]any {
	ae, _ := apiErrorOf(mapSQS(err))
	return map[string]any{"Id": id, "Code": ae.Code, "Message": ae.Message, "SenderFault": ae.Sender}
}

func sqsSendMessageBatch(ctx context.Context, c *call) (any, error) {
	in, name, err := decodeQueue[struct {
		queueIn
		Entries []wireSend
	}](c)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Entries))
	total := 0
	for i, e := range in.Entries {
		ids[i] = e.Id
		total += len(e.MessageBody)
	}
	if err := checkBatch(ids); err != nil {
		return nil, err
	}
	if total > 262144 {
		return nil, sqsErr("BatchRequestTooLong", "Batch requests cannot be longer than 262144 bytes. You have sent %d bytes.", total)
	}
	ok, failed := []any{}, []any{}
	for _, e := range in.Entries {
		si, err := sendInput(e)
		var m sqs.Message
		if err == nil {
			m, err = c.acct.rt.Queues.SendMessage(ctx, name, si)
		}
		if err != nil {
			failed = append(failed, batchFailure(e.Id, err))
			continue
		}
		ok = append(ok, map[string]any{"Id": e.Id, "MessageId": m.ID, "MD5OfMessageBody": md5Hex([]byte(m.Body)),
			"MD5OfMessageAttributes": omit(attributesMD5(m.MessageAttributes))})
	}
	return map[string]any{"Successful": ok, "Failed": failed}, nil
}

// wanted reports whether name is selected by a list of names where "All"
// and ".*" select everything and "prefix.*" a prefix.
func wanted(list []string, name string) bool {
	for _, w := range list {
		if w == "All" || w == ".*" || w == name || strings.HasSuffix(w, ".*") && strings.HasPrefix(name, strings.TrimSuffix(w, "*")) {
			return true
		}
	}
	return false
}

func sqsReceiveMessage(ctx context.Context, c *call) (any, error) {
	in, name, err := decodeQueue[struct {
		queueIn
		AttributeNames, MessageSystemAttributeNames []string
		MessageAttributeNames                       []string
		MaxNumberOfMessages, VisibilityTimeout      *int
		WaitTimeSeconds                             *int
		ReceiveRequestAttemptId                     string
	}](c)
	if err != nil {
		return nil, err
	}
	max := 1
	if in.MaxNumberOfMessages != nil {
		max = *in.MaxNumberOfMessages
		if max < 1 || max > 10 {
			return nil, sqsErr("InvalidParameterValue", "Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", max)
		}
	}
	var vis *time.Duration
	if in.VisibilityTimeout != nil {
		if *in.VisibilityTimeout < 0 || *in.VisibilityTimeout > 43200 {
			return nil, sqsErr("InvalidParameterValue", "Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.", *in.VisibilityTimeout)
		}
		d := time.Duration(*in.VisibilityTimeout) * time.Second
		vis = &d
	}
	attrs, err := c.acct.rt.Queues.Attributes(ctx, name)
	if err != nil {
		return nil, mapSQS(err)
	}
	wait, _ := strconv.Atoi(attrs["ReceiveMessageWaitTimeSeconds"])
	if in.WaitTimeSeconds != nil {
		wait = *in.WaitTimeSeconds
		if wait < 0 || wait > 20 {
			return nil, sqsErr("InvalidParameterValue", "Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", wait)
		}
	}
	msgs, err := c.acct.rt.Queues.ReceiveWait(ctx, name, max, vis, time.Duration(wait)*time.Second)
	if err != nil {
		return nil, mapSQS(err)
	}
	sysNames := append(append([]string{}, in.AttributeNames...), in.MessageSystemAttributeNames...)
	out := []any{}
	for _, m := range msgs {
		o := map[string]any{"MessageId": m.ID, "ReceiptHandle": m.ReceiptHandle, "Body": m.Body, "MD5OfBody": md5Hex([]byte(m.Body))}
		sys := map[string]string{"SentTimestamp": strconv.FormatInt(m.SentAt.UnixMilli(), 10),
			"ApproximateReceiveCount": strconv.Itoa(m.ReceiveCount), "SenderId": c.acct.id,
			"ApproximateFirstReceiveTimestamp": strconv.FormatInt(m.SentAt.UnixMilli(), 10)}
		if m.GroupID != "" {
			sys["MessageGroupId"] = m.GroupID
		}
		if m.DedupID != "" {
			sys["MessageDeduplicationId"] = m.DedupID
		}
		picked := map[string]string{}
		for k, v := range sys {
			if wanted(sysNames, k) {
				picked[k] = v
			}
		}
		if len(picked) > 0 {
			o["Attributes"] = picked
		}
		all := map[string]sqs.MessageAttribute{}
		for k, v := range m.Attributes { // from SNS raw delivery and DLQs
			all[k] = sqs.MessageAttribute{DataType: "String", StringValue: v}
		}
		for k, v := range m.MessageAttributes {
			all[k] = v
		}
		sel := map[string]sqs.MessageAttribute{}
		wire := map[string]any{}
		for k, v := range all {
			if wanted(in.MessageAttributeNames, k) {
				sel[k] = v
				a := map[string]any{"DataType": v.DataType}
				if strings.HasPrefix(v.DataType, "Binary") {
					a["BinaryValue"] = base64.StdEncoding.EncodeToString(v.BinaryValue)
				} else {
					a["StringValue"] = v.StringValue
				}
				wire[k] = a
			}
		}
		if len(sel) > 0 {
			o["MessageAttributes"] = wire
			o["MD5OfMessageAttributes"] = attributesMD5(sel)
		}
		out = append(out, o)
	}
	if len(out) == 0 {
		return map[string]any{}, nil
	}
	return map[string]any{"Messages": out}, nil
}

func sqsDeleteMessage(ctx context.Context, c *call) (any, error) {
	in, name, err := decodeQueue[struct {
		queueIn
		ReceiptHandle string
	}](c)
	if err != nil {
		return nil, err
	}
	if err := sqs.CheckReceipt(in.ReceiptHandle); err != nil {
		return nil, mapSQS(err)
	}
	return nil, mapSQS(c.acct.rt.Queues.Delete(ctx, name, in.ReceiptHandle))
}

func sqsDeleteMessageBatch(ctx context.Context, c *call) (any, error) {
	in, name, err := decodeQueue[struct {
		queueIn
		Entries []struct{ Id, ReceiptHandle string }
	}](c)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.Id
	}
	if err := checkBatch(ids); err != nil {
		return nil, err
	}
	ok, failed := []any{}, []any{}
	for _, e := range in.Entries {
		err := sqs.CheckReceipt(e.ReceiptHandle)
		if err == nil {
			err = c.acct.rt.Queues.Delete(ctx, name, e.ReceiptHandle)
		}
		if err != nil {
			failed = append(failed, batchFailure(e.Id, err))
			continue
		}
		ok = append(ok, map[string]any{"Id": e.Id})
	}
	return map[string]any{"Successful": ok, "Failed": failed}, nil
}

func sqsChangeMessageVisibility(ctx context.Context, c *call) (any, error) {
	in, name, err := decodeQueue[struct {
		queueIn
		ReceiptHandle     string
		VisibilityTimeout int
	}](c)
	if err != nil {
		return nil, err
	}
	if in.VisibilityTimeout < 0 || in.VisibilityTimeout > 43200 {
		return nil, sqsErr("InvalidParameterValue", "Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.", in.VisibilityTimeout)
	}
	return nil, mapSQS(c.acct.rt.Queues.ChangeVisibility(ctx, name, in.ReceiptHandle, time.Duration(in.VisibilityTimeout)*time.Second))
}

func sqsTagErr(err error) error {
	switch {
	case errors.Is(err, tags.ErrTooMany):
		return sqsErr("InvalidParameterValue", "Too many tags added for queue.")
	case errors.Is(err, tags.ErrInvalid):
		return sqsErr("InvalidParameterValue", "%v", err)
	}
	return err
}

func sqsTagQueue(ctx context.Context, c *call) (any, error) {
	in, name, err := decodeQueue[struct {
		queueIn
		Tags map[string]string
	}](c)
	if err != nil {
		return nil, err
	}
	return nil, sqsTagErr(c.acct.tags().Tag(ctx, c.acct.rt.Queues.ARN(name), in.Tags))
}

func sqsUntagQueue(ctx context.Context, c *call) (any, error) {
	in, name, err := decodeQueue[struct {
		queueIn
		TagKeys []string
	}](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.tags().Untag(ctx, c.acct.rt.Queues.ARN(name), in.TagKeys)
}

func sqsListQueueTags(ctx context.Context, c *call) (any, error) {
	_, name, err := decodeQueue[queueIn](c)
	if err != nil {
		return nil, err
	}
	kv, err := c.acct.tags().List(ctx, c.acct.rt.Queues.ARN(name))
	if err != nil {
		return nil, err
	}
	if len(kv) == 0 {
		return map[string]any{}, nil
	}
	return map[string]any{"Tags": kv}, nil
}

// queueDepths counts each queue's messages for /metrics.
func queueDepths(a *account) map[string]int {
	out := map[string]int{}
	for _, q := range a.rt.Queues.List() {
		msgs, err := a.rt.Queues.Messages(context.Background(), q)
		if err == nil {
			out[q] = len(msgs)
		}
	}
	return out
}

var _ = fmt.Sprint
