package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// TestEventsSDK drives every EventBridge operation serve implements
// through the AWS SDK for Go v2, with AWS's answers and errors.
func TestEventsSDK(t *testing.T) {
	eachAuth(t, func(t *testing.T, s *Server, c clients) {
		ctx := context.Background()
		ev := c.ev
		acct := "000000000000"
		if s.cfg.Auth == "sigv4" {
			acct = "111111111111"
		}

		// Buses.
		cb := must[*eventbridge.CreateEventBusOutput](t)(ev.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders"), Description: aws.String("d")}))
		if want := "arn:aws:events:us-east-1:" + acct + ":event-bus/orders"; aws.ToString(cb.EventBusArn) != want {
			t.Fatalf("EventBusArn %q, want %q", aws.ToString(cb.EventBusArn), want)
		}
		_, err := ev.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("orders")})
		wantAPIError(t, err, "ResourceAlreadyExistsException", "Event bus orders already exists.")
		db := must[*eventbridge.DescribeEventBusOutput](t)(ev.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("orders")}))
		if aws.ToString(db.Name) != "orders" || aws.ToString(db.Description) != "d" {
			t.Fatalf("DescribeEventBus = %+v", db)
		}
		_, err = ev.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("nope")})
		wantAPIError(t, err, "ResourceNotFoundException", "Event bus nope does not exist.")
		for _, n := range []string{"b1", "b2", "b3"} {
			must[*eventbridge.CreateEventBusOutput](t)(ev.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(n)}))
		}
		// Pagination: 5 buses (default, b1, b2, b3, orders) two at a time.
		var names []string
		var token *string
		for pages := 0; ; pages++ {
			out := must[*eventbridge.ListEventBusesOutput](t)(ev.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{Limit: aws.Int32(2), NextToken: token}))
			for _, b := range out.EventBuses {
				names = append(names, aws.ToString(b.Name))
			}
			token = out.NextToken
			if token == nil || pages > 5 {
				break
			}
		}
		if got := strings.Join(names, ","); got != "b1,b2,b3,default,orders" {
			t.Fatalf("ListEventBuses pages = %s", got)
		}
		_, err = ev.ListEventBuses(ctx, &eventbridge.ListEventBusesInput{NextToken: aws.String("!!")})
		wantAPIError(t, err, "ValidationException", "")
		must[*eventbridge.DeleteEventBusOutput](t)(ev.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("b3")}))
		_, err = ev.DeleteEventBus(ctx, &eventbridge.DeleteEventBusInput{Name: aws.String("default")})
		wantAPIError(t, err, "ValidationException", "Cannot delete event bus default.")

		// Rules.
		pattern := `{"source":["com.mycompany.orders"],"detail":{"department":["billing"]}}`
		pr := must[*eventbridge.PutRuleOutput](t)(ev.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("billing"), EventBusName: aws.String("orders"), EventPattern: aws.String(pattern)}))
		if want := "arn:aws:events:us-east-1:" + acct + ":rule/orders/billing"; aws.ToString(pr.RuleArn) != want {
			t.Fatalf("RuleArn %q, want %q", aws.ToString(pr.RuleArn), want)
		}
		_, err = ev.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("bad"), EventBusName: aws.String("orders"), EventPattern: aws.String(`{"source":"x"}`)})
		wantAPIError(t, err, "InvalidEventPatternException", "")
		_, err = ev.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("none"), EventBusName: aws.String("orders")})
		wantAPIError(t, err, "ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")
		dr := must[*eventbridge.DescribeRuleOutput](t)(ev.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("billing"), EventBusName: aws.String("orders")}))
		if dr.State != types.RuleStateEnabled || aws.ToString(dr.EventPattern) != pattern {
			t.Fatalf("DescribeRule = %+v", dr)
		}
		_, err = ev.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("nope"), EventBusName: aws.String("orders")})
		wantAPIError(t, err, "ResourceNotFoundException", "Rule nope does not exist on EventBus orders.")
		must[*eventbridge.DisableRuleOutput](t)(ev.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: aws.String("billing"), EventBusName: aws.String("orders")}))
		lr := must[*eventbridge.ListRulesOutput](t)(ev.ListRules(ctx, &eventbridge.ListRulesInput{EventBusName: aws.String("orders"), NamePrefix: aws.String("bil")}))
		if len(lr.Rules) != 1 || lr.Rules[0].State != types.RuleStateDisabled {
			t.Fatalf("ListRules = %+v", lr.Rules)
		}
		must[*eventbridge.EnableRuleOutput](t)(ev.EnableRule(ctx, &eventbridge.EnableRuleInput{Name: aws.String("billing"), EventBusName: aws.String("orders")}))
		_, err = ev.EnableRule(ctx, &eventbridge.EnableRuleInput{Name: aws.String("nope"), EventBusName: aws.String("orders")})
		wantAPIError(t, err, "ResourceNotFoundException", "")

		// Targets: a local queue.
		must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("billing")}))
		qarn := "arn:aws:sqs:us-east-1:" + acct + ":billing"
		pt := must[*eventbridge.PutTargetsOutput](t)(ev.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("billing"), EventBusName: aws.String("orders"),
			Targets: []types.Target{{Id: aws.String("q"), Arn: aws.String(qarn)}, {Id: aws.String("t2"), Arn: aws.String(qarn), InputPath: aws.String("$.detail")}}}))
		if pt.FailedEntryCount != 0 {
			t.Fatalf("PutTargets failed %d", pt.FailedEntryCount)
		}
		_, err = ev.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("billing"), EventBusName: aws.String("orders"),
			Targets: []types.Target{{Id: aws.String("bad id!"), Arn: aws.String(qarn)}}})
		wantAPIError(t, err, "ValidationException", "")
		_, err = ev.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("nope"), EventBusName: aws.String("orders"),
			Targets: []types.Target{{Id: aws.String("q"), Arn: aws.String(qarn)}}})
		wantAPIError(t, err, "ResourceNotFoundException", "Rule nope does not exist on EventBus orders.")
		lt := must[*eventbridge.ListTargetsByRuleOutput](t)(ev.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("billing"), EventBusName: aws.String("orders"), Limit: aws.Int32(1)}))
		if len(lt.Targets) != 1 || lt.NextToken == nil || aws.ToString(lt.Targets[0].Id) != "q" {
			t.Fatalf("ListTargetsByRule page 1 = %+v", lt)
		}
		lt = must[*eventbridge.ListTargetsByRuleOutput](t)(ev.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("billing"), EventBusName: aws.String("orders"), NextToken: lt.NextToken}))
		if len(lt.Targets) != 1 || aws.ToString(lt.Targets[0].InputPath) != "$.detail" || lt.NextToken != nil {
			t.Fatalf("ListTargetsByRule page 2 = %+v", lt)
		}
		rn := must[*eventbridge.ListRuleNamesByTargetOutput](t)(ev.ListRuleNamesByTarget(ctx, &eventbridge.ListRuleNamesByTargetInput{TargetArn: aws.String(qarn), EventBusName: aws.String("orders")}))
		if len(rn.RuleNames) != 1 || rn.RuleNames[0] != "billing" {
			t.Fatalf("ListRuleNamesByTarget = %v", rn.RuleNames)
		}
		_, err = ev.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("billing"), EventBusName: aws.String("orders")})
		wantAPIError(t, err, "ValidationException", "Rule can't be deleted since it has targets.")

		// PutEvents: one matching, one not, one malformed; the match arrives
		// (twice: whole event and $.detail), the others do not.
		pe := must[*eventbridge.PutEventsOutput](t)(ev.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{
			{Source: aws.String("com.mycompany.orders"), DetailType: aws.String("Order Created"), Detail: aws.String(`{"orderId":"ORD-001","department":"billing"}`), EventBusName: aws.String("orders"), Time: aws.Time(time.Date(2024, 6, 15, 10, 30, 0, 0, time.UTC))},
			{Source: aws.String("com.mycompany.orders"), DetailType: aws.String("Order Created"), Detail: aws.String(`{"orderId":"ORD-002","department":"shipping"}`), EventBusName: aws.String("orders")},
			{Source: aws.String("com.mycompany.orders"), DetailType: aws.String("Order Created"), Detail: aws.String(`[]`), EventBusName: aws.String("orders")},
		}}))
		if pe.FailedEntryCount != 1 || aws.ToString(pe.Entries[2].ErrorCode) != "MalformedDetail" || aws.ToString(pe.Entries[0].EventId) == "" {
			t.Fatalf("PutEvents = %d failed, %+v", pe.FailedEntryCount, pe.Entries)
		}
		qurl := s.URL() + "/" + acct + "/billing"
		bodies := receiveAll(t, c, qurl, 2)
		var whole, detail bool
		for _, b := range bodies {
			if strings.Contains(b, "ORD-002") {
				t.Fatalf("the shipping event arrived: %s", b)
			}
			var ev map[string]any
			_ = json.Unmarshal([]byte(b), &ev)
			if ev["time"] == "2024-06-15T10:30:00Z" && ev["id"] == aws.ToString(pe.Entries[0].EventId) {
				whole = true
			}
			if ev["orderId"] == "ORD-001" {
				detail = true
			}
		}
		if !whole || !detail {
			t.Fatalf("deliveries %q: want the whole event and its detail", bodies)
		}
		_, err = ev.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: make([]types.PutEventsRequestEntry, 11)})
		wantAPIError(t, err, "ValidationException", "")

		rt := must[*eventbridge.RemoveTargetsOutput](t)(ev.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String("billing"), EventBusName: aws.String("orders"), Ids: []string{"q", "t2", "zz"}}))
		if rt.FailedEntryCount != 1 || aws.ToString(rt.FailedEntries[0].TargetId) != "zz" {
			t.Fatalf("RemoveTargets = %+v", rt)
		}
		must[*eventbridge.DeleteRuleOutput](t)(ev.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("billing"), EventBusName: aws.String("orders")}))

		// TestEventPattern through the compiler.
		event := `{"id":"1","account":"1","source":"com.mycompany.orders","time":"2024-06-15T10:30:00Z","region":"us-east-1","detail-type":"x","detail":{"department":"billing"}}`
		tp := must[*eventbridge.TestEventPatternOutput](t)(ev.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(pattern), Event: aws.String(event)}))
		if !tp.Result {
			t.Fatal("TestEventPattern = false, want true")
		}
		_, err = ev.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(`{"source":[{"prefix":1}]}`), Event: aws.String(event)})
		wantAPIError(t, err, "InvalidEventPatternException", "")
		_, err = ev.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(pattern), Event: aws.String(`{"source":"x"}`)})
		wantAPIError(t, err, "InvalidArgument", "Parameter Event is not valid.")

		// Archives and replays.
		busArn := "arn:aws:events:us-east-1:" + acct + ":event-bus/orders"
		ca := must[*eventbridge.CreateArchiveOutput](t)(ev.CreateArchive(ctx, &eventbridge.CreateArchiveInput{ArchiveName: aws.String("all"), EventSourceArn: aws.String(busArn), RetentionDays: aws.Int32(1)}))
		if ca.State != types.ArchiveStateEnabled {
			t.Fatalf("CreateArchive = %+v", ca)
		}
		_, err = ev.CreateArchive(ctx, &eventbridge.CreateArchiveInput{ArchiveName: aws.String("all"), EventSourceArn: aws.String(busArn)})
		wantAPIError(t, err, "ResourceAlreadyExistsException", "Archive all already exists.")
		must[*eventbridge.UpdateArchiveOutput](t)(ev.UpdateArchive(ctx, &eventbridge.UpdateArchiveInput{ArchiveName: aws.String("all"), Description: aws.String("every event")}))
		da := must[*eventbridge.DescribeArchiveOutput](t)(ev.DescribeArchive(ctx, &eventbridge.DescribeArchiveInput{ArchiveName: aws.String("all")}))
		if aws.ToString(da.Description) != "every event" || aws.ToInt32(da.RetentionDays) != 1 {
			t.Fatalf("DescribeArchive = %+v", da)
		}
		la := must[*eventbridge.ListArchivesOutput](t)(ev.ListArchives(ctx, &eventbridge.ListArchivesInput{}))
		if len(la.Archives) != 1 {
			t.Fatalf("ListArchives = %+v", la.Archives)
		}
		_, err = ev.DescribeArchive(ctx, &eventbridge.DescribeArchiveInput{ArchiveName: aws.String("nope")})
		wantAPIError(t, err, "ResourceNotFoundException", "Archive nope does not exist.")
		now := time.Now()
		sr := must[*eventbridge.StartReplayOutput](t)(ev.StartReplay(ctx, &eventbridge.StartReplayInput{ReplayName: aws.String("r1"), EventSourceArn: ca.ArchiveArn,
			EventStartTime: aws.Time(now.Add(-time.Hour)), EventEndTime: aws.Time(now), Destination: &types.ReplayDestination{Arn: aws.String(busArn)}}))
		if sr.State != types.ReplayStateStarting {
			t.Fatalf("StartReplay = %+v", sr)
		}
		_, err = ev.StartReplay(ctx, &eventbridge.StartReplayInput{ReplayName: aws.String("r2"), EventSourceArn: ca.ArchiveArn,
			EventStartTime: aws.Time(now), EventEndTime: aws.Time(now.Add(-time.Hour)), Destination: &types.ReplayDestination{Arn: aws.String(busArn)}})
		wantAPIError(t, err, "ValidationException", "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.")
		drp := must[*eventbridge.DescribeReplayOutput](t)(ev.DescribeReplay(ctx, &eventbridge.DescribeReplayInput{ReplayName: aws.String("r1")}))
		if aws.ToString(drp.ReplayName) != "r1" || aws.ToString(drp.Destination.Arn) != busArn {
			t.Fatalf("DescribeReplay = %+v", drp)
		}
		lrp := must[*eventbridge.ListReplaysOutput](t)(ev.ListReplays(ctx, &eventbridge.ListReplaysInput{}))
		if len(lrp.Replays) != 1 {
			t.Fatalf("ListReplays = %+v", lrp.Replays)
		}
		_, err = ev.DescribeReplay(ctx, &eventbridge.DescribeReplayInput{ReplayName: aws.String("nope")})
		wantAPIError(t, err, "ResourceNotFoundException", "Replay nope does not exist.")
		if _, err := ev.CancelReplay(ctx, &eventbridge.CancelReplayInput{ReplayName: aws.String("r1")}); err != nil {
			wantAPIError(t, err, "IllegalStatusException", "") // it may have completed already
		}
		must[*eventbridge.DeleteArchiveOutput](t)(ev.DeleteArchive(ctx, &eventbridge.DeleteArchiveInput{ArchiveName: aws.String("all")}))
		_, err = ev.DeleteArchive(ctx, &eventbridge.DeleteArchiveInput{ArchiveName: aws.String("all")})
		wantAPIError(t, err, "ResourceNotFoundException", "Archive all does not exist.")

		// Connections and API destinations.
		cc := must[*eventbridge.CreateConnectionOutput](t)(ev.CreateConnection(ctx, &eventbridge.CreateConnectionInput{Name: aws.String("c1"), AuthorizationType: types.ConnectionAuthorizationTypeApiKey,
			AuthParameters: &types.CreateConnectionAuthRequestParameters{ApiKeyAuthParameters: &types.CreateConnectionApiKeyAuthRequestParameters{ApiKeyName: aws.String("k"), ApiKeyValue: aws.String("v")}}}))
		if cc.ConnectionState != types.ConnectionStateAuthorized {
			t.Fatalf("CreateConnection = %+v", cc)
		}
		dc := must[*eventbridge.DescribeConnectionOutput](t)(ev.DescribeConnection(ctx, &eventbridge.DescribeConnectionInput{Name: aws.String("c1")}))
		if aws.ToString(dc.ConnectionArn) != aws.ToString(cc.ConnectionArn) {
			t.Fatalf("DescribeConnection = %+v", dc)
		}
		if lc := must[*eventbridge.ListConnectionsOutput](t)(ev.ListConnections(ctx, &eventbridge.ListConnectionsInput{})); len(lc.Connections) != 1 {
			t.Fatalf("ListConnections = %+v", lc.Connections)
		}
		cd := must[*eventbridge.CreateApiDestinationOutput](t)(ev.CreateApiDestination(ctx, &eventbridge.CreateApiDestinationInput{Name: aws.String("d1"), ConnectionArn: cc.ConnectionArn,
			InvocationEndpoint: aws.String("http://127.0.0.1:1/hook"), HttpMethod: types.ApiDestinationHttpMethodPost}))
		if cd.ApiDestinationState != types.ApiDestinationStateActive {
			t.Fatalf("CreateApiDestination = %+v", cd)
		}
		dd := must[*eventbridge.DescribeApiDestinationOutput](t)(ev.DescribeApiDestination(ctx, &eventbridge.DescribeApiDestinationInput{Name: aws.String("d1")}))
		if aws.ToString(dd.InvocationEndpoint) != "http://127.0.0.1:1/hook" || dd.HttpMethod != types.ApiDestinationHttpMethodPost {
			t.Fatalf("DescribeApiDestination = %+v", dd)
		}
		if ld := must[*eventbridge.ListApiDestinationsOutput](t)(ev.ListApiDestinations(ctx, &eventbridge.ListApiDestinationsInput{})); len(ld.ApiDestinations) != 1 {
			t.Fatalf("ListApiDestinations = %+v", ld.ApiDestinations)
		}
		must[*eventbridge.DeleteApiDestinationOutput](t)(ev.DeleteApiDestination(ctx, &eventbridge.DeleteApiDestinationInput{Name: aws.String("d1")}))
		_, err = ev.DescribeApiDestination(ctx, &eventbridge.DescribeApiDestinationInput{Name: aws.String("d1")})
		wantAPIError(t, err, "ResourceNotFoundException", "")
		must[*eventbridge.DeleteConnectionOutput](t)(ev.DeleteConnection(ctx, &eventbridge.DeleteConnectionInput{Name: aws.String("c1")}))
		_, err = ev.DescribeConnection(ctx, &eventbridge.DescribeConnectionInput{Name: aws.String("c1")})
		wantAPIError(t, err, "ResourceNotFoundException", "")

		// Permissions.
		must[*eventbridge.PutPermissionOutput](t)(ev.PutPermission(ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String("orders"), Action: aws.String("events:PutEvents"), Principal: aws.String("333333333333"), StatementId: aws.String("s1")}))
		db = must[*eventbridge.DescribeEventBusOutput](t)(ev.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String("orders")}))
		if !strings.Contains(aws.ToString(db.Policy), "arn:aws:iam::333333333333:root") {
			t.Fatalf("Policy = %s", aws.ToString(db.Policy))
		}
		_, err = ev.RemovePermission(ctx, &eventbridge.RemovePermissionInput{EventBusName: aws.String("orders"), StatementId: aws.String("zz")})
		wantAPIError(t, err, "ResourceNotFoundException", "Statement with the provided id does not exist.")
		must[*eventbridge.RemovePermissionOutput](t)(ev.RemovePermission(ctx, &eventbridge.RemovePermissionInput{EventBusName: aws.String("orders"), StatementId: aws.String("s1")}))

		// Tags.
		must[*eventbridge.TagResourceOutput](t)(ev.TagResource(ctx, &eventbridge.TagResourceInput{ResourceARN: aws.String(busArn), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("billing")}}}))
		lt2 := must[*eventbridge.ListTagsForResourceOutput](t)(ev.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: aws.String(busArn)}))
		if len(lt2.Tags) != 1 || aws.ToString(lt2.Tags[0].Value) != "billing" {
			t.Fatalf("ListTagsForResource = %+v", lt2.Tags)
		}
		must[*eventbridge.UntagResourceOutput](t)(ev.UntagResource(ctx, &eventbridge.UntagResourceInput{ResourceARN: aws.String(busArn), TagKeys: []string{"team"}}))
		_, err = ev.TagResource(ctx, &eventbridge.TagResourceInput{ResourceARN: aws.String(busArn + "x"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
		wantAPIError(t, err, "ResourceNotFoundException", "")

		// An operation of the model patternc does not implement.
		_, err = ev.ListEndpoints(ctx, &eventbridge.ListEndpointsInput{})
		wantAPIError(t, err, "UnknownOperationException", "The operation ListEndpoints of events is not implemented by patternc.")
	})
}

// receiveAll long-polls qurl until n messages arrived (or 10 s passed),
// deleting each, and returns their bodies; then it checks nothing more
// arrives within a short wait.
func receiveAll(t *testing.T, c clients, qurl string, n int) []string {
	t.Helper()
	ctx := context.Background()
	var bodies []string
	deadline := time.Now().Add(10 * time.Second)
	for len(bodies) < n && time.Now().Before(deadline) {
		out := must[*sqs.ReceiveMessageOutput](t)(c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(qurl), MaxNumberOfMessages: 10, WaitTimeSeconds: 1}))
		for _, m := range out.Messages {
			bodies = append(bodies, aws.ToString(m.Body))
			must[*sqs.DeleteMessageOutput](t)(c.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(qurl), ReceiptHandle: m.ReceiptHandle}))
		}
	}
	if len(bodies) < n {
		t.Fatalf("received %d messages, want %d: %q", len(bodies), n, bodies)
	}
	out := must[*sqs.ReceiveMessageOutput](t)(c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(qurl), MaxNumberOfMessages: 10, WaitTimeSeconds: 1}))
	for _, m := range out.Messages {
		bodies = append(bodies, aws.ToString(m.Body))
	}
	return bodies
}
