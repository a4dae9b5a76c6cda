package server

import (
	"context"
	"encoding/base64"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"net/http"

	"github.com/patternc/patternc/runtime/sns"
)

// The sns adapter: awsQuery parameters (already read into the model's
// JSON shape) in, the runtime's sns.Service called, shapes out (XML by
// the protocol).

func snsOps() map[string]opFunc {
	return map[string]opFunc{
		"CreateTopic": snsCreateTopic, "GetTopicAttributes": snsGetTopicAttributes, "SetTopicAttributes": snsSetTopicAttributes,
		"ListTopics": snsListTopics, "DeleteTopic": snsDeleteTopic, "Subscribe": snsSubscribe,
		"ConfirmSubscription": snsConfirmSubscription, "Unsubscribe": snsUnsubscribe,
		"GetSubscriptionAttributes": snsGetSubscriptionAttributes, "SetSubscriptionAttributes": snsSetSubscriptionAttributes,
		"ListSubscriptions": snsListSubscriptions, "ListSubscriptionsByTopic": snsListSubscriptionsByTopic,
		"Publish": snsPublish, "PublishBatch": snsPublishBatch,
		"TagResource": snsTags.tagResource, "UntagResource": snsTags.untagResource, "ListTagsForResource": snsTags.listTagsForResource,
	}
}

func snsErr(status int, code, format string, args ...any) *apiError {
	return errf(status, code, format, args...)
}

var errSNSToken = snsErr(http.StatusBadRequest, "InvalidParameter", "Invalid parameter: NextToken")

// topicOwner returns the account that owns topic arn and may be acted on
// by the caller: the caller's own, or another account whose topic Policy
// allows the caller action (SNS:Publish, SNS:Subscribe, …) [AWS].
func topicOwner(c *call, arn, action string) (*account, error) {
	a, err := kernel.ParseARN(arn)
	if err != nil || a.Account == "" || a.Account == c.acct.id {
		return c.acct, nil
	}
	owner := c.s.accts.lookup(a.Account)
	if owner != nil {
		if attrs, err := owner.rt.Topics.GetTopicAttributes(arn); err == nil && kernel.PolicyAllows(attrs["Policy"], c.acct.id, action) {
			return owner, nil
		}
	}
	return nil, snsErr(http.StatusForbidden, "AuthorizationError",
		"User: arn:aws:iam::%s:root is not authorized to perform: %s on resource: %s", c.acct.id, action, arn)
}

func snsCreateTopic(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		Name                 string
		Attributes           map[string]string
		Tags                 []wireTag
		DataProtectionPolicy string
	}](c)
	if err != nil {
		return nil, err
	}
	arn, err := c.acct.rt.Topics.CreateTopic(ctx, in.Name, in.Attributes)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) > 0 {
		if err := snsTags.put(ctx, c, arn, in.Tags); err != nil {
			return nil, err
		}
	}
	return map[string]any{"TopicArn": arn}, nil
}

func snsGetTopicAttributes(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ TopicArn string }](c)
	if err != nil {
		return nil, err
	}
	owner, err := topicOwner(c, in.TopicArn, "SNS:GetTopicAttributes")
	if err != nil {
		return nil, err
	}
	attrs, err := owner.rt.Topics.GetTopicAttributes(in.TopicArn)
	if err != nil {
		return nil, err
	}
	subs, _ := owner.rt.Topics.ListSubscriptionsByTopic(in.TopicArn)
	confirmed, pending := 0, 0
	for _, s := range subs {
		if a, err := owner.rt.Topics.GetSubscriptionAttributes(s); err == nil && a["PendingConfirmation"] == "true" {
			pending++
		} else {
			confirmed++
		}
	}
	attrs["Owner"] = owner.id
	attrs["SubscriptionsConfirmed"] = fmt.Sprint(confirmed)
	attrs["SubscriptionsPending"] = fmt.Sprint(pending)
	attrs["SubscriptionsDeleted"] = "0"
	if attrs["DisplayName"] == "" {
		attrs["DisplayName"] = ""
	}
	return map[string]any{"Attributes": attrs}, nil
}

func snsSetTopicAttributes(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ TopicArn, AttributeName, AttributeValue string }](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Topics.SetTopicAttributes(ctx, in.TopicArn, in.AttributeName, in.AttributeValue)
}

func snsListTopics(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ NextToken string }](c)
	if err != nil {
		return nil, err
	}
	arns, next, err := page(c.acct.rt.Topics.ListTopics(), in.NextToken, 100, 100)
	if err != nil {
		return nil, errSNSToken
	}
	out := []any{}
	for _, a := range arns {
		out = append(out, map[string]string{"TopicArn": a})
	}
	return map[string]any{"Topics": out, "NextToken": omit(next)}, nil
}

func snsDeleteTopic(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ TopicArn string }](c)
	if err != nil {
		return nil, err
	}
	if err := c.acct.rt.Topics.DeleteTopic(ctx, in.TopicArn); err != nil {
		return nil, err
	}
	_ = c.acct.tags().Drop(ctx, in.TopicArn)
	return nil, nil
}

func snsSubscribe(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		TopicArn, Protocol, Endpoint string
		Attributes                   map[string]string
		ReturnSubscriptionArn        bool
	}](c)
	if err != nil {
		return nil, err
	}
	owner, err := topicOwner(c, in.TopicArn, "SNS:Subscribe")
	if err != nil {
		return nil, err
	}
	arn, err := owner.rt.Topics.Subscribe(ctx, in.TopicArn, in.Protocol, in.Endpoint, in.Attributes)
	if err != nil {
		return nil, err
	}
	if arn == "pending confirmation" && in.ReturnSubscriptionArn {
		subs, _ := owner.rt.Topics.ListSubscriptionsByTopic(in.TopicArn)
		for _, s := range subs {
			if a, err := owner.rt.Topics.GetSubscriptionAttributes(s); err == nil && a["Protocol"] == in.Protocol && a["Endpoint"] == in.Endpoint {
				arn = s
			}
		}
	}
	return map[string]any{"SubscriptionArn": arn}, nil
}

func snsConfirmSubscription(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		TopicArn, Token, AuthenticateOnUnsubscribe string
	}](c)
	if err != nil {
		return nil, err
	}
	owner, err := topicOwner(c, in.TopicArn, "SNS:ConfirmSubscription")
	if err != nil {
		return nil, err
	}
	arn, err := owner.rt.Topics.ConfirmSubscription(ctx, in.TopicArn, in.Token)
	if err != nil {
		return nil, err
	}
	return map[string]any{"SubscriptionArn": arn}, nil
}

// subOwner is the account holding a subscription: the caller's (only its
// own subscriptions can be read or changed).
func snsUnsubscribe(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ SubscriptionArn string }](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Topics.Unsubscribe(ctx, in.SubscriptionArn)
}

func snsGetSubscriptionAttributes(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ SubscriptionArn string }](c)
	if err != nil {
		return nil, err
	}
	attrs, err := c.acct.rt.Topics.GetSubscriptionAttributes(in.SubscriptionArn)
	if err != nil {
		return nil, err
	}
	attrs["Owner"] = c.acct.id
	attrs["ConfirmationWasAuthenticated"] = "true"
	return map[string]any{"Attributes": attrs}, nil
}

func snsSetSubscriptionAttributes(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ SubscriptionArn, AttributeName, AttributeValue string }](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Topics.SetSubscriptionAttributes(ctx, in.SubscriptionArn, in.AttributeName, in.AttributeValue)
}

func subscriptionsOut(c *call, arns []string) []any {
	out := []any{}
	for _, s := range arns {
		a, err := c.acct.rt.Topics.GetSubscriptionAttributes(s)
		if err != nil {
			continue
		}
		arn := s
		if a["PendingConfirmation"] == "true" {
			arn = "PendingConfirmation"
		}
		out = append(out, map[string]string{"SubscriptionArn": arn, "Owner": c.acct.id, "Protocol": a["Protocol"],
			"Endpoint": a["Endpoint"], "TopicArn": a["TopicArn"]})
	}
	return out
}

func snsListSubscriptions(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ NextToken string }](c)
	if err != nil {
		return nil, err
	}
	var all []string
	for _, t := range c.acct.rt.Topics.ListTopics() {
		subs, _ := c.acct.rt.Topics.ListSubscriptionsByTopic(t)
		all = append(all, subs...)
	}
	arns, next, err := page(all, in.NextToken, 100, 100)
	if err != nil {
		return nil, errSNSToken
	}
	return map[string]any{"Subscriptions": subscriptionsOut(c, arns), "NextToken": omit(next)}, nil
}

func snsListSubscriptionsByTopic(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ TopicArn, NextToken string }](c)
	if err != nil {
		return nil, err
	}
	subs, err := c.acct.rt.Topics.ListSubscriptionsByTopic(in.TopicArn)
	if err != nil {
		return nil, err
	}
	arns, next, err := page(subs, in.NextToken, 100, 100)
	if err != nil {
		return nil, errSNSToken
	}
	return map[string]any{"Subscriptions": subscriptionsOut(c, arns), "NextToken": omit(next)}, nil
}

type wireMessageAttr struct {
	DataType    *string
	StringValue *string
	BinaryValue *string
}

// snsAttributes reads MessageAttributes; a missing DataType is AWS's
// validation error with the member's path (field names the request
// part: messageAttributes, or publishBatchRequestEntries.N.member.messageAttributes).
func snsAttributes(in map[string]wireMessageAttr, field string) (map[string]sns.Attribute, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := map[string]sns.Attribute{}
	for name, a := range in {
		if a.DataType == nil {
			return nil, snsErr(http.StatusBadRequest, "ValidationError",
				"1 validation error detected: Value null at '%s.%s.member.dataType' failed to satisfy constraint: Member must not be null", field, name)
		}
		at := sns.Attribute{DataType: *a.DataType}
		if a.StringValue != nil {
			at.StringValue = *a.StringValue
		}
		if a.BinaryValue != nil {
			b, err := base64.StdEncoding.DecodeString(*a.BinaryValue)
			if err != nil {
				return nil, snsErr(http.StatusBadRequest, "InvalidParameterValue", "The message attribute '%s' has an invalid binary value.", name)
			}
			at.BinaryValue = b
		}
		out[name] = at
	}
	return out, nil
}

type wirePublish struct {
	TopicArn, TargetArn, PhoneNumber, Message, MessageStructure string
	Subject                                                     *string
	MessageAttributes                                           map[string]wireMessageAttr
	MessageDeduplicationId, MessageGroupId                      string
}

func snsPublish(ctx context.Context, c *call) (any, error) {
	in, err := decode[wirePublish](c)
	if err != nil {
		return nil, err
	}
	topic := in.TopicArn
	if topic == "" {
		topic = in.TargetArn
	}
	if topic == "" {
		if in.PhoneNumber != "" {
			return nil, snsErr(http.StatusBadRequest, "InvalidParameter", "Invalid parameter: PhoneNumber Reason: SMS is not supported by patternc")
		}
		return nil, snsErr(http.StatusBadRequest, "InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
	}
	owner, err := topicOwner(c, topic, "SNS:Publish")
	if err != nil {
		return nil, err
	}
	attrs, err := snsAttributes(in.MessageAttributes, "messageAttributes")
	if err != nil {
		return nil, err
	}
	pin := sns.PublishInput{TopicArn: topic, Message: in.Message, MessageStructure: in.MessageStructure,
		MessageAttributes: attrs, MessageGroupId: in.MessageGroupId, MessageDeduplicationId: in.MessageDeduplicationId}
	if in.Subject != nil {
		pin.Subject, pin.SubjectGiven = *in.Subject, true
	}
	out, err := owner.rt.Topics.Publish(ctx, pin)
	if err != nil {
		return nil, err
	}
	return map[string]any{"MessageId": out.MessageId, "SequenceNumber": omit(out.SequenceNumber)}, nil
}

func snsPublishBatch(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		TopicArn                   string
		PublishBatchRequestEntries []struct {
			Id string
			wirePublish
		}
	}](c)
	if err != nil {
		return nil, err
	}
	owner, err := topicOwner(c, in.TopicArn, "SNS:Publish")
	if err != nil {
		return nil, err
	}
	entries := make([]sns.BatchEntry, len(in.PublishBatchRequestEntries))
	for i, e := range in.PublishBatchRequestEntries {
		attrs, err := snsAttributes(e.MessageAttributes, fmt.Sprintf("publishBatchRequestEntries.%d.member.messageAttributes", i+1))
		if err != nil {
			return nil, err
		}
		entries[i] = sns.BatchEntry{Id: e.Id, PublishInput: sns.PublishInput{TopicArn: in.TopicArn, Message: e.Message,
			MessageStructure: e.MessageStructure, MessageAttributes: attrs, MessageGroupId: e.MessageGroupId,
			MessageDeduplicationId: e.MessageDeduplicationId}}
		if e.Subject != nil {
			entries[i].Subject, entries[i].SubjectGiven = *e.Subject, true
		}
	}
	res, err := owner.rt.Topics.PublishBatch(ctx, in.TopicArn, entries)
	if err != nil {
		return nil, err
	}
	ok, failed := []any{}, []any{}
	for _, s := range res.Successful {
		ok = append(ok, map[string]any{"Id": s.Id, "MessageId": s.MessageId, "SequenceNumber": omit(s.SequenceNumber)})
	}
	for _, f := range res.Failed {
		failed = append(failed, map[string]any{"Id": f.Id, "Code": f.Code, "Message": f.Message, "SenderFault": f.SenderFault})
	}
	return map[string]any{"Successful": ok, "Failed": failed}, nil
}

// --- tags ---

var snsTags = resourceTags{
	missing: func(c *call, arn string) error {
		if _, err := c.acct.rt.Topics.GetTopicAttributes(arn); err != nil {
			return snsErr(http.StatusNotFound, "ResourceNotFound", "Resource does not exist")
		}
		return nil
	},
	tooMany: func() error {
		return snsErr(http.StatusBadRequest, "TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded")
	},
	invalid: func(err error) error {
		return snsErr(http.StatusBadRequest, "InvalidParameter", "Invalid parameter: Tags Reason: %v", err)
	},
}
