package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/pipes"
	ptypes "github.com/aws/aws-sdk-go-v2/service/pipes/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/patternc/patternc/runtime/lambda"
)

// accountOf is the account the test clients act in under auth.
func accountOf(s *Server) string {
	if s.cfg.Auth == "sigv4" {
		return testCreds[0].Account
	}
	return s.cfg.Account
}

// registerEnrichments adds the Go functions the pipe tests enrich with:
// "enrich" answers one event per record (the body parsed, a tier looked
// up), "broken" always fails.
func registerEnrichments(t *testing.T, s *Server) {
	rt, err := s.Runtime(accountOf(s))
	if err != nil {
		t.Fatal(err)
	}
	rt.Lambda.Register("enrich", func(ctx context.Context, p []byte) ([]byte, error) {
		var recs []struct{ Body string }
		if err := json.Unmarshal(p, &recs); err != nil {
			return nil, err
		}
		var out []map[string]any
		for _, r := range recs {
			var body map[string]any
			if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
				return nil, err
			}
			tier := "standard"
			if body["amount"].(float64) > 100 {
				tier = "gold"
			}
			out = append(out, map[string]any{"body": body, "tier": tier})
		}
		return json.Marshal(out)
	}, lambda.FunctionOptions{})
	rt.Lambda.Register("broken", func(ctx context.Context, p []byte) ([]byte, error) {
		return nil, &lambda.FunctionError{Type: "Boom", Message: "enrichment is down"}
	}, lambda.FunctionOptions{})
}

func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPipesSDK drives every Pipes operation with the AWS SDK for Go v2,
// and a pipe from a queue with a filter, an enrichment function and a
// template to a bus whose rule forwards to a queue: exactly the matching
// records arrive, transformed; the others are deleted from the source; a
// failing enrichment ends in the source's DLQ after maxReceiveCount.
func TestPipesSDK(t *testing.T) {
	eachAuth(t, func(t *testing.T, s *Server, c clients) {
		ctx := context.Background()
		registerEnrichments(t, s)
		pc := pipes.NewFromConfig(awsConfig(s, "AKIDALICE", "alice-secret"))
		acct := accountOf(s)
		arn := func(svc, res string) string { return fmt.Sprintf("arn:aws:%s:us-east-1:%s:%s", svc, acct, res) }

		mk := func(name string, attrs map[string]string) string {
			out := must[*sqs.CreateQueueOutput](t)(c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs}))
			return *out.QueueUrl
		}
		mk("dlq", nil)
		srcURL := mk("orders", map[string]string{"VisibilityTimeout": "1",
			"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":"2"}`, arn("sqs", "dlq"))})
		outURL := mk("out", nil)
		dlqURL := mk("dlq", nil)
		must[*eventbridge.PutRuleOutput](t)(c.ev.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("from-pipe"), EventPattern: aws.String(`{"source":["orders.pipe"]}`)}))
		must[*eventbridge.PutTargetsOutput](t)(c.ev.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("from-pipe"),
			Targets: []ebtypes.Target{{Id: aws.String("out"), Arn: aws.String(arn("sqs", "out"))}}}))

		role := aws.String(arn("iam", "role/pipe"))
		in := &pipes.CreatePipeInput{Name: aws.String("orders-pipe"), RoleArn: role, Source: aws.String(arn("sqs", "orders")),
			Target: aws.String(arn("events", "event-bus/default")), Enrichment: aws.String(arn("lambda", "function:enrich")),
			Description: aws.String("orders to the bus"),
			SourceParameters: &ptypes.PipeSourceParameters{
				FilterCriteria:     &ptypes.FilterCriteria{Filters: []ptypes.Filter{{Pattern: aws.String(`{"body":{"kind":["order"]}}`)}}},
				SqsQueueParameters: &ptypes.PipeSourceSqsQueueParameters{BatchSize: aws.Int32(10)}},
			TargetParameters: &ptypes.PipeTargetParameters{
				InputTemplate:                 aws.String(`{"order": <$.body.id>, "tier": <$.tier>, "pipe": <aws.pipes.pipe-name>}`),
				EventBridgeEventBusParameters: &ptypes.PipeTargetEventBridgeEventBusParameters{Source: aws.String("orders.pipe"), DetailType: aws.String("Order")}},
			Tags: map[string]string{"team": "billing"}}
		created := must[*pipes.CreatePipeOutput](t)(pc.CreatePipe(ctx, in))
		if created.CurrentState != ptypes.PipeStateCreating || created.DesiredState != ptypes.RequestedPipeStateRunning ||
			*created.Arn != arn("pipes", "pipe/orders-pipe") || created.CreationTime == nil {
			t.Fatalf("CreatePipe: %+v", created)
		}
		// AWS's errors.
		_, err := pc.CreatePipe(ctx, in)
		wantAPIError(t, err, "ConflictException", "Pipe orders-pipe already exists.")
		_, err = pc.DescribePipe(ctx, &pipes.DescribePipeInput{Name: aws.String("nope")})
		wantAPIError(t, err, "NotFoundException", "Pipe nope does not exist.")
		bad := *in
		bad.Name = aws.String("wild")
		bad.SourceParameters = &ptypes.PipeSourceParameters{FilterCriteria: &ptypes.FilterCriteria{Filters: []ptypes.Filter{{Pattern: aws.String(`{"body":{"id":[{"wildcard":"a*"}]}}`)}}}}
		_, err = pc.CreatePipe(ctx, &bad)
		wantAPIError(t, err, "ValidationException", "Invalid filter pattern 1: wildcard is not supported in EventBridge Pipes filters.")
		bad = *in
		bad.Name, bad.Source = aws.String("nosrc"), aws.String(arn("sqs", "missing"))
		_, err = pc.CreatePipe(ctx, &bad)
		wantAPIError(t, err, "ValidationException", "")
		bad = *in
		bad.Name = aws.String("tpl")
		bad.TargetParameters = &ptypes.PipeTargetParameters{InputTemplate: aws.String(`{"x": <nonsense>}`)}
		_, err = pc.CreatePipe(ctx, &bad)
		wantAPIError(t, err, "ValidationException", "")
		_, err = pc.StopPipe(ctx, &pipes.StopPipeInput{Name: aws.String("nope")})
		wantAPIError(t, err, "NotFoundException", "")
		_, err = pc.ListTagsForResource(ctx, &pipes.ListTagsForResourceInput{ResourceArn: aws.String(arn("pipes", "pipe/nope"))})
		wantAPIError(t, err, "NotFoundException", "")
		_, err = pc.ListPipes(ctx, &pipes.ListPipesInput{Limit: aws.Int32(101)})
		wantAPIError(t, err, "ValidationException", "")

		state := func() ptypes.PipeState {
			d := must[*pipes.DescribePipeOutput](t)(pc.DescribePipe(ctx, &pipes.DescribePipeInput{Name: aws.String("orders-pipe")}))
			return d.CurrentState
		}
		waitUntil(t, 5*time.Second, "RUNNING", func() bool { return state() == ptypes.PipeStateRunning })
		d := must[*pipes.DescribePipeOutput](t)(pc.DescribePipe(ctx, &pipes.DescribePipeInput{Name: aws.String("orders-pipe")}))
		if *d.Source != *in.Source || *d.Enrichment != *in.Enrichment || d.Tags["team"] != "billing" || *d.Description != "orders to the bus" ||
			*d.SourceParameters.FilterCriteria.Filters[0].Pattern != `{"body":{"kind":["order"]}}` ||
			*d.TargetParameters.EventBridgeEventBusParameters.DetailType != "Order" || *d.SourceParameters.SqsQueueParameters.BatchSize != 10 {
			t.Fatalf("DescribePipe: %+v", d)
		}

		for _, b := range []string{`{"kind":"order","id":"o1","amount":50}`, `{"kind":"ping","id":"p1","amount":1}`,
			`{"kind":"order","id":"o2","amount":500}`, `not json`, `{"kind":"order","id":"o3","amount":101}`} {
			must[*sqs.SendMessageOutput](t)(c.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(srcURL), MessageBody: aws.String(b)}))
		}
		var got []string
		deadline := time.Now().Add(15 * time.Second)
		for len(got) < 3 && time.Now().Before(deadline) {
			r := must[*sqs.ReceiveMessageOutput](t)(c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(outURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1}))
			for _, m := range r.Messages {
				var ev struct {
					Source, DetailType string
					Detail             json.RawMessage
				}
				json.Unmarshal([]byte(strings.Replace(*m.Body, `"detail-type"`, `"DetailType"`, 1)), &ev)
				if ev.Source != "orders.pipe" || ev.DetailType != "Order" {
					t.Fatalf("not the pipe's event: %s", *m.Body)
				}
				got = append(got, string(ev.Detail))
				c.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(outURL), ReceiptHandle: m.ReceiptHandle})
			}
		}
		sort.Strings(got)
		want := `{"order":"o1","tier":"standard","pipe":"orders-pipe"}|{"order":"o2","tier":"gold","pipe":"orders-pipe"}|{"order":"o3","tier":"gold","pipe":"orders-pipe"}`
		if strings.Join(got, "|") != want {
			t.Fatalf("delivered %s\nwant %s", strings.Join(got, "|"), want)
		}
		depth := func(url string) string {
			a := must[*sqs.GetQueueAttributesOutput](t)(c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
				AttributeNames: []sqstypes.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}}))
			return a.Attributes["ApproximateNumberOfMessages"] + "/" + a.Attributes["ApproximateNumberOfMessagesNotVisible"]
		}
		waitUntil(t, 5*time.Second, "the filtered-out records deleted", func() bool { return depth(srcURL) == "0/0" })

		// Stop, Start, Update, tags, List.
		st := must[*pipes.StopPipeOutput](t)(pc.StopPipe(ctx, &pipes.StopPipeInput{Name: aws.String("orders-pipe")}))
		if st.CurrentState != ptypes.PipeStateStopping || st.DesiredState != ptypes.RequestedPipeStateStopped {
			t.Fatalf("StopPipe: %+v", st)
		}
		waitUntil(t, 5*time.Second, "STOPPED", func() bool { return state() == ptypes.PipeStateStopped })
		sp := must[*pipes.StartPipeOutput](t)(pc.StartPipe(ctx, &pipes.StartPipeInput{Name: aws.String("orders-pipe")}))
		if sp.CurrentState != ptypes.PipeStateStarting {
			t.Fatalf("StartPipe: %+v", sp)
		}
		waitUntil(t, 5*time.Second, "RUNNING again", func() bool { return state() == ptypes.PipeStateRunning })
		must[*pipes.TagResourceOutput](t)(pc.TagResource(ctx, &pipes.TagResourceInput{ResourceArn: created.Arn, Tags: map[string]string{"env": "dev"}}))
		must[*pipes.UntagResourceOutput](t)(pc.UntagResource(ctx, &pipes.UntagResourceInput{ResourceArn: created.Arn, TagKeys: []string{"team"}}))
		tags := must[*pipes.ListTagsForResourceOutput](t)(pc.ListTagsForResource(ctx, &pipes.ListTagsForResourceInput{ResourceArn: created.Arn}))
		if len(tags.Tags) != 1 || tags.Tags["env"] != "dev" {
			t.Fatalf("tags %v", tags.Tags)
		}
		second := *in
		second.Name, second.DesiredState, second.Enrichment, second.Tags = aws.String("orders-quiet"), ptypes.RequestedPipeStateStopped, nil, nil
		must[*pipes.CreatePipeOutput](t)(pc.CreatePipe(ctx, &second))
		l1 := must[*pipes.ListPipesOutput](t)(pc.ListPipes(ctx, &pipes.ListPipesInput{NamePrefix: aws.String("orders"), Limit: aws.Int32(1)}))
		if len(l1.Pipes) != 1 || *l1.Pipes[0].Name != "orders-pipe" || l1.NextToken == nil {
			t.Fatalf("ListPipes page 1: %+v", l1)
		}
		l2 := must[*pipes.ListPipesOutput](t)(pc.ListPipes(ctx, &pipes.ListPipesInput{NamePrefix: aws.String("orders"), Limit: aws.Int32(1), NextToken: l1.NextToken}))
		if len(l2.Pipes) != 1 || *l2.Pipes[0].Name != "orders-quiet" || l2.NextToken != nil || l2.Pipes[0].DesiredState != ptypes.RequestedPipeStateStopped {
			t.Fatalf("ListPipes page 2: %+v", l2)
		}
		l3 := must[*pipes.ListPipesOutput](t)(pc.ListPipes(ctx, &pipes.ListPipesInput{DesiredState: ptypes.RequestedPipeStateRunning}))
		if len(l3.Pipes) != 1 || *l3.Pipes[0].Name != "orders-pipe" {
			t.Fatalf("ListPipes DesiredState=RUNNING: %+v", l3)
		}

		// A failing enrichment: back to the source, then to its DLQ.
		up := must[*pipes.UpdatePipeOutput](t)(pc.UpdatePipe(ctx, &pipes.UpdatePipeInput{Name: aws.String("orders-pipe"), RoleArn: role,
			Enrichment: aws.String(arn("lambda", "function:broken"))}))
		if up.CurrentState != ptypes.PipeStateUpdating {
			t.Fatalf("UpdatePipe: %+v", up)
		}
		_, err = pc.UpdatePipe(ctx, &pipes.UpdatePipeInput{Name: aws.String("nope"), RoleArn: role})
		wantAPIError(t, err, "NotFoundException", "")
		waitUntil(t, 5*time.Second, "RUNNING after the update", func() bool { return state() == ptypes.PipeStateRunning })
		must[*sqs.SendMessageOutput](t)(c.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(srcURL), MessageBody: aws.String(`{"kind":"order","id":"o9","amount":1}`)}))
		var dead []sqstypes.Message
		deadline = time.Now().Add(15 * time.Second)
		for len(dead) == 0 && time.Now().Before(deadline) {
			r := must[*sqs.ReceiveMessageOutput](t)(c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(dlqURL), WaitTimeSeconds: 1}))
			dead = r.Messages
		}
		if len(dead) != 1 || !strings.Contains(*dead[0].Body, `"o9"`) {
			t.Fatalf("DLQ: %+v", dead)
		}
		if n := depth(srcURL); n != "0/0" {
			t.Fatalf("source after the redrive: %s", n)
		}

		del := must[*pipes.DeletePipeOutput](t)(pc.DeletePipe(ctx, &pipes.DeletePipeInput{Name: aws.String("orders-pipe")}))
		if del.CurrentState != ptypes.PipeStateDeleting {
			t.Fatalf("DeletePipe: %+v", del)
		}
		waitUntil(t, 5*time.Second, "the pipe gone", func() bool {
			_, err := pc.DescribePipe(ctx, &pipes.DescribePipeInput{Name: aws.String("orders-pipe")})
			return err != nil && strings.Contains(err.Error(), "NotFoundException")
		})
		_, err = pc.DeletePipe(ctx, &pipes.DeletePipeInput{Name: aws.String("orders-pipe")})
		wantAPIError(t, err, "NotFoundException", "")
	})
}
