package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// TestSNSSDK drives every SNS operation serve implements through the AWS
// SDK for Go v2 (awsQuery on the wire).
func TestSNSSDK(t *testing.T) {
	eachAuth(t, func(t *testing.T, s *Server, c clients) {
		ctx := context.Background()
		acct := "000000000000"
		if s.cfg.Auth == "sigv4" {
			acct = "111111111111"
		}
		ct := must[*sns.CreateTopicOutput](t)(c.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders"),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("billing")}}}))
		topic := aws.ToString(ct.TopicArn)
		if topic != "arn:aws:sns:us-east-1:"+acct+":orders" {
			t.Fatalf("TopicArn %q", topic)
		}
		_, err := c.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bad name")})
		wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Topic Name")
		fifo := must[*sns.CreateTopicOutput](t)(c.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("o.fifo"),
			Attributes: map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"}}))

		must[*sns.SetTopicAttributesOutput](t)(c.sns.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: ct.TopicArn, AttributeName: aws.String("DisplayName"), AttributeValue: aws.String("Orders")}))
		ga := must[*sns.GetTopicAttributesOutput](t)(c.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: ct.TopicArn}))
		if ga.Attributes["DisplayName"] != "Orders" || ga.Attributes["TopicArn"] != topic || ga.Attributes["Owner"] != acct {
			t.Fatalf("GetTopicAttributes = %v", ga.Attributes)
		}
		_, err = c.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic + "x")})
		wantAPIError(t, err, "NotFound", "Topic does not exist")
		_, err = c.sns.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: ct.TopicArn, AttributeName: aws.String("Bogus"), AttributeValue: aws.String("x")})
		wantAPIError(t, err, "InvalidParameter", "Invalid parameter: AttributeName")
		lt := must[*sns.ListTopicsOutput](t)(c.sns.ListTopics(ctx, &sns.ListTopicsInput{}))
		if len(lt.Topics) != 2 {
			t.Fatalf("ListTopics = %+v", lt.Topics)
		}
		_, err = c.sns.ListTopics(ctx, &sns.ListTopicsInput{NextToken: aws.String("!!")})
		wantAPIError(t, err, "InvalidParameter", "Invalid parameter: NextToken")

		// A filtered queue subscription: the matching message arrives, the
		// other one does not.
		must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("billing")}))
		qarn := "arn:aws:sqs:us-east-1:" + acct + ":billing"
		policy := `{"department":["billing"],"amount":[{"numeric":[">=",100]}]}`
		sub := must[*sns.SubscribeOutput](t)(c.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: ct.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(qarn),
			Attributes: map[string]string{"FilterPolicy": policy, "RawMessageDelivery": "true"}}))
		subArn := aws.ToString(sub.SubscriptionArn)
		if !strings.HasPrefix(subArn, topic+":") {
			t.Fatalf("SubscriptionArn %q", subArn)
		}
		_, err = c.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: ct.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(qarn),
			Attributes: map[string]string{"FilterPolicy": `{"department":["shipping"]}`}})
		wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Attributes Reason: Subscription already exists with different attributes")
		_, err = c.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: ct.TopicArn, Protocol: aws.String("carrier-pigeon"), Endpoint: aws.String("x")})
		wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon")
		gs := must[*sns.GetSubscriptionAttributesOutput](t)(c.sns.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn}))
		if gs.Attributes["FilterPolicy"] != policy || gs.Attributes["RawMessageDelivery"] != "true" {
			t.Fatalf("GetSubscriptionAttributes = %v", gs.Attributes)
		}
		_, err = c.sns.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(subArn + "x")})
		wantAPIError(t, err, "NotFound", "Subscription does not exist")
		must[*sns.SetSubscriptionAttributesOutput](t)(c.sns.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn,
			AttributeName: aws.String("FilterPolicyScope"), AttributeValue: aws.String("MessageAttributes")}))
		_, err = c.sns.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{SubscriptionArn: sub.SubscriptionArn,
			AttributeName: aws.String("RawMessageDelivery"), AttributeValue: aws.String("maybe")})
		wantAPIError(t, err, "InvalidParameter", "")

		attr := func(typ, v string) types.MessageAttributeValue {
			return types.MessageAttributeValue{DataType: aws.String(typ), StringValue: aws.String(v)}
		}
		pub := must[*sns.PublishOutput](t)(c.sns.Publish(ctx, &sns.PublishInput{TopicArn: ct.TopicArn, Message: aws.String("big billing order"), Subject: aws.String("s"),
			MessageAttributes: map[string]types.MessageAttributeValue{"department": attr("String", "billing"), "amount": attr("Number", "150")}}))
		if aws.ToString(pub.MessageId) == "" {
			t.Fatal("Publish: no MessageId")
		}
		must[*sns.PublishOutput](t)(c.sns.Publish(ctx, &sns.PublishInput{TopicArn: ct.TopicArn, Message: aws.String("small billing order"),
			MessageAttributes: map[string]types.MessageAttributeValue{"department": attr("String", "billing"), "amount": attr("Number", "50")}}))
		_, err = c.sns.Publish(ctx, &sns.PublishInput{TopicArn: ct.TopicArn, Message: aws.String("")})
		wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Empty message")
		_, err = c.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic + "x"), Message: aws.String("m")})
		wantAPIError(t, err, "NotFound", "Topic does not exist")
		pb := must[*sns.PublishBatchOutput](t)(c.sns.PublishBatch(ctx, &sns.PublishBatchInput{TopicArn: ct.TopicArn, PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
			{Id: aws.String("a"), Message: aws.String("batch billing"), MessageAttributes: map[string]types.MessageAttributeValue{"department": attr("String", "billing"), "amount": attr("Number", "100")}},
			{Id: aws.String("b"), Message: aws.String("batch shipping"), MessageAttributes: map[string]types.MessageAttributeValue{"department": attr("String", "shipping"), "amount": attr("Number", "100")}},
		}}))
		if len(pb.Successful) != 2 || len(pb.Failed) != 0 {
			t.Fatalf("PublishBatch = %+v", pb)
		}
		_, err = c.sns.PublishBatch(ctx, &sns.PublishBatchInput{TopicArn: ct.TopicArn, PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
			{Id: aws.String("a"), Message: aws.String("1")}, {Id: aws.String("a"), Message: aws.String("2")}}})
		wantAPIError(t, err, "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.")
		fp := must[*sns.PublishOutput](t)(c.sns.Publish(ctx, &sns.PublishInput{TopicArn: fifo.TopicArn, Message: aws.String("f"), MessageGroupId: aws.String("g")}))
		if aws.ToString(fp.SequenceNumber) == "" {
			t.Fatal("FIFO Publish: no SequenceNumber")
		}
		bodies := receiveAll(t, c, s.URL()+"/"+acct+"/billing", 2)
		got := strings.Join(bodies, "|")
		if !strings.Contains(got, "big billing order") || !strings.Contains(got, "batch billing") || strings.Contains(got, "small") || strings.Contains(got, "shipping") || len(bodies) != 2 {
			t.Fatalf("queue got %q; want the two billing messages >= 100 only", bodies)
		}

		ls := must[*sns.ListSubscriptionsOutput](t)(c.sns.ListSubscriptions(ctx, &sns.ListSubscriptionsInput{}))
		if len(ls.Subscriptions) != 1 || aws.ToString(ls.Subscriptions[0].Endpoint) != qarn {
			t.Fatalf("ListSubscriptions = %+v", ls.Subscriptions)
		}
		lst := must[*sns.ListSubscriptionsByTopicOutput](t)(c.sns.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: ct.TopicArn}))
		if len(lst.Subscriptions) != 1 || aws.ToString(lst.Subscriptions[0].Protocol) != "sqs" {
			t.Fatalf("ListSubscriptionsByTopic = %+v", lst.Subscriptions)
		}
		_, err = c.sns.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic + "x")})
		wantAPIError(t, err, "NotFound", "Topic does not exist")

		// Tags.
		tl := must[*sns.ListTagsForResourceOutput](t)(c.sns.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: ct.TopicArn}))
		if len(tl.Tags) != 1 || aws.ToString(tl.Tags[0].Key) != "team" {
			t.Fatalf("ListTagsForResource = %+v", tl.Tags)
		}
		must[*sns.TagResourceOutput](t)(c.sns.TagResource(ctx, &sns.TagResourceInput{ResourceArn: ct.TopicArn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}))
		must[*sns.UntagResourceOutput](t)(c.sns.UntagResource(ctx, &sns.UntagResourceInput{ResourceArn: ct.TopicArn, TagKeys: []string{"team"}}))
		tl = must[*sns.ListTagsForResourceOutput](t)(c.sns.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: ct.TopicArn}))
		if len(tl.Tags) != 1 || aws.ToString(tl.Tags[0].Key) != "env" {
			t.Fatalf("after tag/untag = %+v", tl.Tags)
		}
		_, err = c.sns.TagResource(ctx, &sns.TagResourceInput{ResourceArn: aws.String(topic + "x"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
		wantAPIError(t, err, "ResourceNotFound", "")

		must[*sns.UnsubscribeOutput](t)(c.sns.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: sub.SubscriptionArn}))
		_, err = c.sns.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: sub.SubscriptionArn})
		wantAPIError(t, err, "NotFound", "Subscription does not exist")
		must[*sns.DeleteTopicOutput](t)(c.sns.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: ct.TopicArn}))
		_, err = c.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: ct.TopicArn})
		wantAPIError(t, err, "NotFound", "Topic does not exist")

		_, err = c.sns.ListPlatformApplications(ctx, &sns.ListPlatformApplicationsInput{})
		wantAPIError(t, err, "InvalidAction", "The operation ListPlatformApplications of sns is not implemented by patternc.")
	})
}

// TestSNSConfirmation: an HTTP subscription gets a real
// SubscriptionConfirmation POST; visiting its SubscribeURL (served by
// serve) confirms it, after which notifications arrive; ConfirmSubscription
// with the token works too; the UnsubscribeURL unsubscribes.
func TestSNSConfirmation(t *testing.T) {
	s := startServer(t, "none", nil)
	c := alice(s)
	ctx := context.Background()
	type post struct {
		kind string
		body map[string]string
	}
	posts := make(chan post, 16)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var m map[string]string
		_ = json.Unmarshal(raw, &m)
		posts <- post{r.Header.Get("x-amz-sns-message-type"), m}
	}))
	defer hook.Close()
	next := func() post {
		select {
		case p := <-posts:
			return p
		case <-time.After(10 * time.Second):
			t.Fatal("no POST arrived")
		}
		return post{}
	}
	topic := must[*sns.CreateTopicOutput](t)(c.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("hooks")}))
	sub := must[*sns.SubscribeOutput](t)(c.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("http"), Endpoint: aws.String(hook.URL + "/a")}))
	if aws.ToString(sub.SubscriptionArn) != "pending confirmation" {
		t.Fatalf("SubscriptionArn %q, want pending confirmation", aws.ToString(sub.SubscriptionArn))
	}
	conf := next()
	if conf.kind != "SubscriptionConfirmation" || conf.body["Token"] == "" || !strings.HasPrefix(conf.body["SubscribeURL"], s.URL()+"/sns/confirm?") {
		t.Fatalf("confirmation = %+v", conf)
	}
	resp, err := http.Get(conf.body["SubscribeURL"])
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "<SubscriptionArn>"+aws.ToString(topic.TopicArn)+":") {
		t.Fatalf("SubscribeURL answered %d %s", resp.StatusCode, page)
	}
	must[*sns.PublishOutput](t)(c.sns.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("hello hook")}))
	n := next()
	if n.kind != "Notification" || n.body["Message"] != "hello hook" || n.body["UnsubscribeURL"] == "" {
		t.Fatalf("notification = %+v", n)
	}

	// A second endpoint confirmed with ConfirmSubscription and the token.
	sub2 := must[*sns.SubscribeOutput](t)(c.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("http"),
		Endpoint: aws.String(hook.URL + "/b"), ReturnSubscriptionArn: true}))
	if !strings.HasPrefix(aws.ToString(sub2.SubscriptionArn), aws.ToString(topic.TopicArn)+":") {
		t.Fatalf("ReturnSubscriptionArn gave %q", aws.ToString(sub2.SubscriptionArn))
	}
	conf2 := next()
	_, err = c.sns.ConfirmSubscription(ctx, &sns.ConfirmSubscriptionInput{TopicArn: topic.TopicArn, Token: aws.String("wrong")})
	wantAPIError(t, err, "InvalidParameter", "Invalid parameter: Token")
	cs := must[*sns.ConfirmSubscriptionOutput](t)(c.sns.ConfirmSubscription(ctx, &sns.ConfirmSubscriptionInput{TopicArn: topic.TopicArn, Token: aws.String(conf2.body["Token"])}))
	if aws.ToString(cs.SubscriptionArn) != aws.ToString(sub2.SubscriptionArn) {
		t.Fatalf("ConfirmSubscription = %q, want %q", aws.ToString(cs.SubscriptionArn), aws.ToString(sub2.SubscriptionArn))
	}

	// The first subscription's UnsubscribeURL removes it.
	resp, err = http.Get(n.body["UnsubscribeURL"])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("UnsubscribeURL answered %d", resp.StatusCode)
	}
	if u := next(); u.kind != "UnsubscribeConfirmation" {
		t.Fatalf("after UnsubscribeURL: %+v", u)
	}
	lst := must[*sns.ListSubscriptionsByTopicOutput](t)(c.sns.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: topic.TopicArn}))
	if len(lst.Subscriptions) != 1 || aws.ToString(lst.Subscriptions[0].Endpoint) != hook.URL+"/b" {
		t.Fatalf("subscriptions after unsubscribe = %+v", lst.Subscriptions)
	}
}
