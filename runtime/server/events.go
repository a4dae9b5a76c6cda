package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"net/http"
	"strings"

	"github.com/patternc/patternc/runtime/events"
)

// The events adapter: EventBridge's awsJson1_1 shapes in, the runtime's
// events.Service called, shapes out. Names and errors come from the
// runtime; this file only translates.

func eventsOps() map[string]opFunc {
	return map[string]opFunc{
		"CreateEventBus": evCreateEventBus, "DescribeEventBus": evDescribeEventBus, "ListEventBuses": evListEventBuses,
		"DeleteEventBus": evDeleteEventBus, "PutRule": evPutRule, "DescribeRule": evDescribeRule, "ListRules": evListRules,
		"ListRuleNamesByTarget": evListRuleNamesByTarget, "EnableRule": evEnableRule, "DisableRule": evDisableRule,
		"DeleteRule": evDeleteRule, "PutTargets": evPutTargets, "RemoveTargets": evRemoveTargets,
		"ListTargetsByRule": evListTargetsByRule, "PutEvents": evPutEvents, "TestEventPattern": evTestEventPattern,
		"CreateArchive": evCreateArchive, "DescribeArchive": evDescribeArchive, "ListArchives": evListArchives,
		"UpdateArchive": evUpdateArchive, "DeleteArchive": evDeleteArchive, "StartReplay": evStartReplay,
		"DescribeReplay": evDescribeReplay, "ListReplays": evListReplays, "CancelReplay": evCancelReplay,
		"CreateConnection": evCreateConnection, "DescribeConnection": evDescribeConnection,
		"ListConnections": evListConnections, "DeleteConnection": evDeleteConnection,
		"CreateApiDestination": evCreateAPIDestination, "DescribeApiDestination": evDescribeAPIDestination,
		"ListApiDestinations": evListAPIDestinations, "DeleteApiDestination": evDeleteAPIDestination,
		"PutPermission": evPutPermission, "RemovePermission": evRemovePermission,
		"TagResource": eventsTags.tagResource, "UntagResource": eventsTags.untagResource,
		"ListTagsForResource": eventsTags.listTagsForResource,
	}
}

func evErr(code, format string, args ...any) *apiError {
	return errf(http.StatusBadRequest, code, format, args...)
}

func evTokenErr(err error) error {
	if errors.Is(err, errBadToken) {
		return evErr("ValidationException", "The NextToken provided is invalid.")
	}
	return err
}

// evDescribe makes a Describe* operation: the resource named by the
// request's member (a string), described and rendered by out.
func evDescribe[T any](member string, describe func(ctx context.Context, c *call, name string) (T, error), out func(T) map[string]any) opFunc {
	return func(ctx context.Context, c *call) (any, error) {
		in, err := decode[map[string]string](c)
		if err != nil {
			return nil, err
		}
		v, err := describe(ctx, c, (*in)[member])
		if err != nil {
			return nil, err
		}
		return out(v), nil
	}
}

// evListIn is the paging part of every events List* request.
type evListIn struct {
	NamePrefix, NextToken string
	Limit                 int
}

// evList answers an events List* call: one page of items by name (after
// in's prefix and token), each rendered by out, under member.
func evList[T any](in evListIn, member string, items []T, name func(T) string, out func(T) map[string]any) (any, error) {
	picked, next, err := pageOf(items, name, in.NamePrefix, in.NextToken, in.Limit, 100)
	if err != nil {
		return nil, evTokenErr(err)
	}
	list := []any{}
	for _, it := range picked {
		list = append(list, out(it))
	}
	return map[string]any{member: list, "NextToken": omit(next)}, nil
}

type wireTag struct {
	Key   string
	Value string
}

type nameIn struct {
	Name         string
	EventBusName string
}

// --- buses ---

func evCreateEventBus(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		Name, Description, EventSourceName, KmsKeyIdentifier string
		Tags                                                 []wireTag
	}](c)
	if err != nil {
		return nil, err
	}
	if in.EventSourceName != "" {
		return nil, evErr("ValidationException", "Partner event sources are not supported by patternc.")
	}
	arn, err := c.acct.rt.Events.CreateEventBus(ctx, in.Name, in.Description)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) > 0 {
		if err := eventsTags.put(ctx, c, arn, in.Tags); err != nil {
			return nil, err
		}
	}
	return map[string]any{"EventBusArn": arn, "Description": omit(in.Description)}, nil
}

func busOut(d events.BusDef) map[string]any {
	return map[string]any{"Name": d.Name, "Arn": d.Arn, "Description": omit(d.Description), "Policy": omit(d.Policy)}
}

var evDescribeEventBus = evDescribe("Name", func(ctx context.Context, c *call, name string) (events.BusDef, error) {
	return c.acct.rt.Events.DescribeEventBus(busNameOf(name))
}, busOut)

func evListEventBuses(ctx context.Context, c *call) (any, error) {
	in, err := decode[evListIn](c)
	if err != nil {
		return nil, err
	}
	return evList(*in, "EventBuses", c.acct.rt.Events.ListEventBuses(), func(d events.BusDef) string { return d.Name }, busOut)
}

func evDeleteEventBus(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ Name string }](c)
	if err != nil {
		return nil, err
	}
	d, derr := c.acct.rt.Events.DescribeEventBus(in.Name)
	if err := c.acct.rt.Events.DeleteEventBus(ctx, in.Name); err != nil {
		return nil, err
	}
	if derr == nil {
		_ = c.acct.tags().Drop(ctx, d.Arn)
	}
	return nil, nil
}

// busNameOf accepts a bus name or ARN, as the API does.
func busNameOf(s string) string {
	if a, err := kernel.ParseARN(s); err == nil && a.Service == "events" && a.ResourceType() == "event-bus" {
		return a.ResourceID()
	}
	return s
}

// --- rules ---

func evPutRule(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		Name, ScheduleExpression, EventPattern, State, Description, RoleArn, EventBusName string
		Tags                                                                              []wireTag
	}](c)
	if err != nil {
		return nil, err
	}
	arn, err := c.acct.rt.Events.PutRule(ctx, events.PutRuleInput{Name: in.Name, EventBusName: in.EventBusName,
		EventPattern: in.EventPattern, State: in.State, Description: in.Description, ScheduleExpression: in.ScheduleExpression})
	if err != nil {
		return nil, err
	}
	if len(in.Tags) > 0 {
		if err := eventsTags.put(ctx, c, arn, in.Tags); err != nil {
			return nil, err
		}
	}
	return map[string]any{"RuleArn": arn}, nil
}

func ruleOut(r events.Rule) map[string]any {
	return map[string]any{"Name": r.Name, "Arn": r.Arn, "EventPattern": omit(r.EventPattern), "State": r.State,
		"Description": omit(r.Description), "EventBusName": r.EventBusName, "ManagedBy": omit(r.ManagedBy)}
}

func evDescribeRule(ctx context.Context, c *call) (any, error) {
	in, err := decode[nameIn](c)
	if err != nil {
		return nil, err
	}
	r, err := c.acct.rt.Events.DescribeRule(in.EventBusName, in.Name)
	if err != nil {
		return nil, err
	}
	out := ruleOut(r)
	out["CreatedBy"] = c.acct.id
	return out, nil
}

func evListRules(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		evListIn
		EventBusName string
	}](c)
	if err != nil {
		return nil, err
	}
	rules, err := c.acct.rt.Events.ListRules(in.EventBusName)
	if err != nil {
		return nil, err
	}
	return evList(in.evListIn, "Rules", rules, func(r events.Rule) string { return r.Name }, ruleOut)
}

func evListRuleNamesByTarget(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		TargetArn, EventBusName, NextToken string
		Limit                              int
	}](c)
	if err != nil {
		return nil, err
	}
	rules, err := c.acct.rt.Events.ListRules(in.EventBusName)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, r := range rules {
		for _, t := range r.Targets {
			if t.Arn == in.TargetArn {
				names = append(names, r.Name)
				break
			}
		}
	}
	names, next, err := page(names, in.NextToken, in.Limit, 100)
	if err != nil {
		return nil, evTokenErr(err)
	}
	return map[string]any{"RuleNames": append([]string{}, names...), "NextToken": omit(next)}, nil
}

func evEnableRule(ctx context.Context, c *call) (any, error) {
	in, err := decode[nameIn](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Events.EnableRule(ctx, in.EventBusName, in.Name)
}

func evDisableRule(ctx context.Context, c *call) (any, error) {
	in, err := decode[nameIn](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Events.DisableRule(ctx, in.EventBusName, in.Name)
}

func evDeleteRule(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		Name, EventBusName string
		Force              bool
	}](c)
	if err != nil {
		return nil, err
	}
	r, derr := c.acct.rt.Events.DescribeRule(in.EventBusName, in.Name)
	if err := c.acct.rt.Events.DeleteRule(ctx, in.EventBusName, in.Name); err != nil {
		return nil, err
	}
	if derr == nil {
		_ = c.acct.tags().Drop(ctx, r.Arn)
	}
	return nil, nil
}

// --- targets ---

type wireTarget struct {
	Id, Arn, RoleArn, Input, InputPath string
	InputTransformer                   *events.InputTransformer
	RetryPolicy                        *events.RetryPolicy
	DeadLetterConfig                   *struct{ Arn string }
}

func evPutTargets(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		Rule, EventBusName string
		Targets            []wireTarget
	}](c)
	if err != nil {
		return nil, err
	}
	ts := make([]events.Target, len(in.Targets))
	for i, t := range in.Targets {
		ts[i] = events.Target{ID: t.Id, Arn: t.Arn, Input: t.Input, InputPath: t.InputPath, InputTransformer: t.InputTransformer, RetryPolicy: t.RetryPolicy}
		if t.DeadLetterConfig != nil {
			ts[i].DeadLetterArn = t.DeadLetterConfig.Arn
		}
	}
	if err := c.acct.rt.Events.PutTargets(ctx, in.EventBusName, in.Rule, ts); err != nil {
		return nil, err
	}
	return map[string]any{"FailedEntryCount": 0, "FailedEntries": []any{}}, nil
}

func evRemoveTargets(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		Rule, EventBusName string
		Ids                []string
		Force              bool
	}](c)
	if err != nil {
		return nil, err
	}
	failed, err := c.acct.rt.Events.RemoveTargets(ctx, in.EventBusName, in.Rule, in.Ids)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, f := range failed {
		out = append(out, map[string]string{"TargetId": f.TargetID, "ErrorCode": f.ErrorCode, "ErrorMessage": f.ErrorMessage})
	}
	return map[string]any{"FailedEntryCount": len(out), "FailedEntries": out}, nil
}

func targetOut(t *events.Target) map[string]any {
	out := map[string]any{"Id": t.ID, "Arn": t.Arn, "Input": omit(t.Input), "InputPath": omit(t.InputPath)}
	if t.InputTransformer != nil {
		out["InputTransformer"] = t.InputTransformer
	}
	if t.RetryPolicy != nil {
		out["RetryPolicy"] = t.RetryPolicy
	}
	if t.DeadLetterArn != "" {
		out["DeadLetterConfig"] = map[string]string{"Arn": t.DeadLetterArn}
	}
	return out
}

func evListTargetsByRule(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		Rule, EventBusName, NextToken string
		Limit                         int
	}](c)
	if err != nil {
		return nil, err
	}
	r, err := c.acct.rt.Events.DescribeRule(in.EventBusName, in.Rule)
	if err != nil {
		return nil, err
	}
	return evList(evListIn{NextToken: in.NextToken, Limit: in.Limit}, "Targets", r.Targets, func(t *events.Target) string { return t.ID }, targetOut)
}

// --- events ---

type wireEntry struct {
	Time                                                  *epoch
	Source, DetailType, Detail, EventBusName, TraceHeader string
	Resources                                             []string
}

// evPutEvents puts each entry on its bus. An entry naming another
// account's bus by ARN goes to that account when its bus policy lets the
// caller put events there, and fails with AccessDeniedException when not;
// results keep request order.
func evPutEvents(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		Entries    []wireEntry
		EndpointId string
	}](c)
	if err != nil {
		return nil, err
	}
	if len(in.Entries) == 0 {
		return nil, evErr("ValidationException", "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	type group struct {
		acct *account
		idx  []int
		ents []events.Entry
	}
	results := make([]events.Result, len(in.Entries))
	groups := map[string]*group{}
	var order []string
	var all []events.Entry
	for i, e := range in.Entries {
		ent := events.Entry{Source: e.Source, DetailType: e.DetailType, Detail: e.Detail, Resources: e.Resources,
			EventBusName: e.EventBusName, TraceHeader: e.TraceHeader}
		if e.Time != nil {
			t := e.Time.Time
			ent.Time = &t
		}
		all = append(all, ent)
		owner := c.acct.id
		if a, err := kernel.ParseARN(e.EventBusName); err == nil && a.Account != "" {
			owner = a.Account
		}
		if owner != c.acct.id {
			target := c.s.accts.lookup(owner)
			if target == nil || !target.rt.Events.AllowsPutEvents(busNameOf(e.EventBusName), c.acct.id) {
				results[i] = events.Result{ErrorCode: "AccessDeniedException", ErrorMessage: fmt.Sprintf(
					"User: arn:aws:iam::%s:root is not authorized to perform: events:PutEvents on resource: %s", c.acct.id, e.EventBusName)}
				continue
			}
			ent.EventBusName = busNameOf(e.EventBusName)
		}
		g := groups[owner]
		if g == nil {
			g = &group{acct: c.s.accts.lookup(owner)}
			groups[owner] = g
			order = append(order, owner)
		}
		g.idx = append(g.idx, i)
		g.ents = append(g.ents, ent)
	}
	// Request-level checks (count, total size) see the whole request.
	if len(in.Entries) > 10 || totalSize(all) >= 262144 {
		_, err := c.acct.rt.Events.PutEvents(ctx, all)
		return nil, err
	}
	for _, owner := range order {
		g := groups[owner]
		out, err := g.acct.rt.Events.PutEvents(ctx, g.ents)
		if err != nil {
			return nil, err
		}
		for j, r := range out.Entries {
			results[g.idx[j]] = r
		}
	}
	failed := 0
	for _, r := range results {
		if r.ErrorCode != "" {
			failed++
		}
	}
	return map[string]any{"FailedEntryCount": failed, "Entries": results}, nil
}

func totalSize(es []events.Entry) int {
	n := 0
	for _, e := range es {
		n += events.EntrySize(e)
	}
	return n
}

func evTestEventPattern(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ EventPattern, Event string }](c)
	if err != nil {
		return nil, err
	}
	ok, hint, err := events.TestEventPattern(in.EventPattern, in.Event)
	if err != nil {
		if hint != "" {
			c.hint(hint)
		}
		return nil, err
	}
	return map[string]any{"Result": ok}, nil
}

// --- archives and replays ---

func evCreateArchive(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		ArchiveName, EventSourceArn, Description, EventPattern, KmsKeyIdentifier string
		RetentionDays                                                            int
	}](c)
	if err != nil {
		return nil, err
	}
	a, err := c.acct.rt.Events.CreateArchive(ctx, events.Archive{ArchiveName: in.ArchiveName, EventSourceArn: in.EventSourceArn,
		Description: in.Description, EventPattern: in.EventPattern, RetentionDays: in.RetentionDays})
	if err != nil {
		return nil, err
	}
	return map[string]any{"ArchiveArn": a.ArchiveArn, "State": a.State, "CreationTime": epochOf(a.CreationTime)}, nil
}

func archiveOut(a events.Archive) map[string]any {
	return map[string]any{"ArchiveName": a.ArchiveName, "ArchiveArn": a.ArchiveArn, "EventSourceArn": a.EventSourceArn,
		"Description": omit(a.Description), "EventPattern": omit(a.EventPattern), "State": a.State, "RetentionDays": a.RetentionDays,
		"SizeBytes": a.SizeBytes, "EventCount": a.EventCount, "CreationTime": epochOf(a.CreationTime)}
}

// evSourceStateIn is a ListArchives or ListReplays request: by name,
// source bus and state.
type evSourceStateIn struct {
	evListIn
	EventSourceArn, State string
}

func (in evSourceStateIn) keeps(source, state string) bool {
	return (in.EventSourceArn == "" || source == in.EventSourceArn) && (in.State == "" || state == in.State)
}

var evDescribeArchive = evDescribe("ArchiveName", func(ctx context.Context, c *call, name string) (events.Archive, error) {
	return c.acct.rt.Events.DescribeArchive(name)
}, archiveOut)

func evListArchives(ctx context.Context, c *call) (any, error) {
	in, err := decode[evSourceStateIn](c)
	if err != nil {
		return nil, err
	}
	kept := keep(c.acct.rt.Events.ListArchives(), func(a events.Archive) bool { return in.keeps(a.EventSourceArn, a.State) })
	return evList(in.evListIn, "Archives", kept, func(a events.Archive) string { return a.ArchiveName }, func(a events.Archive) map[string]any {
		return without(archiveOut(a), "ArchiveArn", "Description", "EventPattern")
	})
}

func evUpdateArchive(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		ArchiveName               string
		Description, EventPattern *string
		RetentionDays             *int
	}](c)
	if err != nil {
		return nil, err
	}
	if err := c.acct.rt.Events.UpdateArchive(ctx, in.ArchiveName, in.EventPattern, in.RetentionDays, in.Description); err != nil {
		return nil, err
	}
	a, err := c.acct.rt.Events.DescribeArchive(in.ArchiveName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ArchiveArn": a.ArchiveArn, "State": a.State, "CreationTime": epochOf(a.CreationTime)}, nil
}

func evDeleteArchive(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ ArchiveName string }](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Events.DeleteArchive(ctx, in.ArchiveName)
}

func evStartReplay(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		ReplayName, Description, EventSourceArn string
		EventStartTime, EventEndTime            epoch
		Destination                             struct {
			Arn        string
			FilterArns []string
		}
	}](c)
	if err != nil {
		return nil, err
	}
	r, err := c.acct.rt.Events.StartReplay(ctx, events.StartReplayInput{ReplayName: in.ReplayName, EventSourceArn: in.EventSourceArn,
		EventStartTime: in.EventStartTime.Time, EventEndTime: in.EventEndTime.Time, DestinationArn: in.Destination.Arn,
		FilterArns: in.Destination.FilterArns, Description: in.Description})
	if err != nil {
		return nil, err
	}
	return map[string]any{"ReplayArn": r.ReplayArn, "State": r.State, "ReplayStartTime": epochOf(r.ReplayStartTime)}, nil
}

func replayOut(r events.Replay) map[string]any {
	dest := map[string]any{"Arn": r.DestinationArn}
	if len(r.FilterArns) > 0 {
		dest["FilterArns"] = r.FilterArns
	}
	return map[string]any{"ReplayName": r.ReplayName, "ReplayArn": r.ReplayArn, "Description": omit(r.Description),
		"State": r.State, "StateReason": omit(r.StateReason), "EventSourceArn": r.EventSourceArn, "Destination": dest,
		"EventStartTime": epochOf(r.EventStartTime), "EventEndTime": epochOf(r.EventEndTime),
		"EventLastReplayedTime": epochOf(r.EventLastReplayedTime), "ReplayStartTime": epochOf(r.ReplayStartTime),
		"ReplayEndTime": epochOf(r.ReplayEndTime)}
}

var evDescribeReplay = evDescribe("ReplayName", func(ctx context.Context, c *call, name string) (events.Replay, error) {
	return c.acct.rt.Events.DescribeReplay(name)
}, replayOut)

func evListReplays(ctx context.Context, c *call) (any, error) {
	in, err := decode[evSourceStateIn](c)
	if err != nil {
		return nil, err
	}
	kept := keep(c.acct.rt.Events.ListReplays(), func(r events.Replay) bool { return in.keeps(r.EventSourceArn, r.State) })
	return evList(in.evListIn, "Replays", kept, func(r events.Replay) string { return r.ReplayName }, func(r events.Replay) map[string]any {
		return without(replayOut(r), "ReplayArn", "Description", "Destination")
	})
}

func evCancelReplay(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ ReplayName string }](c)
	if err != nil {
		return nil, err
	}
	r, err := c.acct.rt.Events.CancelReplay(ctx, in.ReplayName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ReplayArn": r.ReplayArn, "State": r.State}, nil
}

// --- connections and API destinations ---

func evCreateConnection(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		Name, Description, AuthorizationType, KmsKeyIdentifier string
		AuthParameters, InvocationConnectivityParameters       json.RawMessage
	}](c)
	if err != nil {
		return nil, err
	}
	conn, err := c.acct.rt.Events.CreateConnection(ctx, events.Connection{Name: in.Name, Description: in.Description,
		AuthorizationType: in.AuthorizationType, AuthParameters: in.AuthParameters})
	if err != nil {
		return nil, err
	}
	return map[string]any{"ConnectionArn": conn.ConnectionArn, "ConnectionState": conn.ConnectionState,
		"CreationTime": epochOf(conn.CreationTime), "LastModifiedTime": epochOf(conn.LastModifiedTime)}, nil
}

func connOut(conn events.Connection) map[string]any {
	return map[string]any{"ConnectionArn": conn.ConnectionArn, "Name": conn.Name, "Description": omit(conn.Description),
		"ConnectionState": conn.ConnectionState, "AuthorizationType": conn.AuthorizationType,
		"CreationTime": epochOf(conn.CreationTime), "LastModifiedTime": epochOf(conn.LastModifiedTime)}
}

var evDescribeConnection = evDescribe("Name", func(ctx context.Context, c *call, name string) (events.Connection, error) {
	return c.acct.rt.Events.DescribeConnection(ctx, name)
}, connOut)

func evListConnections(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		evListIn
		ConnectionState string
	}](c)
	if err != nil {
		return nil, err
	}
	conns, err := c.acct.rt.Events.ListConnections(ctx)
	if err != nil {
		return nil, err
	}
	kept := keep(conns, func(conn events.Connection) bool {
		return in.ConnectionState == "" || conn.ConnectionState == in.ConnectionState
	})
	return evList(in.evListIn, "Connections", kept, func(conn events.Connection) string { return conn.Name }, func(conn events.Connection) map[string]any {
		return without(connOut(conn), "Description")
	})
}

func evDeleteConnection(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ Name string }](c)
	if err != nil {
		return nil, err
	}
	conn, err := c.acct.rt.Events.DeleteConnection(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ConnectionArn": conn.ConnectionArn, "ConnectionState": conn.ConnectionState,
		"CreationTime": epochOf(conn.CreationTime), "LastModifiedTime": epochOf(conn.LastModifiedTime)}, nil
}

func evCreateAPIDestination(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		Name, Description, ConnectionArn, InvocationEndpoint, HttpMethod string
		InvocationRateLimitPerSecond                                     int
	}](c)
	if err != nil {
		return nil, err
	}
	d, err := c.acct.rt.Events.PutAPIDestination(ctx, events.APIDestination{Name: in.Name, Description: in.Description,
		ConnectionArn: in.ConnectionArn, URL: in.InvocationEndpoint, Method: in.HttpMethod, InvocationRateLimitPerSecond: in.InvocationRateLimitPerSecond})
	if err != nil {
		return nil, err
	}
	return map[string]any{"ApiDestinationArn": d.Arn, "ApiDestinationState": "ACTIVE",
		"CreationTime": epochOf(d.CreationTime), "LastModifiedTime": epochOf(d.CreationTime)}, nil
}

func destOut(d events.APIDestination) map[string]any {
	out := map[string]any{"ApiDestinationArn": d.Arn, "Name": d.Name, "Description": omit(d.Description),
		"ApiDestinationState": "ACTIVE", "ConnectionArn": omit(d.ConnectionArn), "InvocationEndpoint": d.URL,
		"HttpMethod": d.Method, "CreationTime": epochOf(d.CreationTime), "LastModifiedTime": epochOf(d.CreationTime)}
	if d.InvocationRateLimitPerSecond > 0 {
		out["InvocationRateLimitPerSecond"] = d.InvocationRateLimitPerSecond
	}
	return out
}

var evDescribeAPIDestination = evDescribe("Name", func(ctx context.Context, c *call, name string) (events.APIDestination, error) {
	return c.acct.rt.Events.DescribeAPIDestination(name)
}, destOut)

func evListAPIDestinations(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		evListIn
		ConnectionArn string
	}](c)
	if err != nil {
		return nil, err
	}
	kept := keep(c.acct.rt.Events.ListAPIDestinations(), func(d events.APIDestination) bool {
		return in.ConnectionArn == "" || d.ConnectionArn == in.ConnectionArn
	})
	return evList(in.evListIn, "ApiDestinations", kept, func(d events.APIDestination) string { return d.Name }, func(d events.APIDestination) map[string]any {
		return without(destOut(d), "Description")
	})
}

func evDeleteAPIDestination(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ Name string }](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Events.DeleteAPIDestination(ctx, in.Name)
}

// --- permissions ---

func evPutPermission(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		EventBusName, Action, Principal, StatementId, Policy string
		Condition                                            json.RawMessage
	}](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Events.PutPermission(ctx, events.PermissionInput{EventBusName: in.EventBusName, StatementId: in.StatementId,
		Action: in.Action, Principal: in.Principal, Condition: in.Condition, Policy: in.Policy})
}

func evRemovePermission(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		StatementId, EventBusName string
		RemoveAllPermissions      bool
	}](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Events.RemovePermission(ctx, in.EventBusName, in.StatementId, in.RemoveAllPermissions)
}

// --- tags ---

var eventsTags = resourceTags{
	missing: func(c *call, arn string) error {
		if !eventsResourceExists(c, arn) {
			return evErr("ResourceNotFoundException", "Resource %s does not exist.", arn)
		}
		return nil
	},
	tooMany: func() error {
		return evErr("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
	},
	invalid: func(err error) error { return evErr("ValidationException", "%v", err) },
}

// eventsResourceExists reports whether arn names one of the caller's
// buses or rules (tags only attach to existing resources).
func eventsResourceExists(c *call, arn string) bool {
	a, err := kernel.ParseARN(arn)
	if err != nil || a.Account != c.acct.id || a.Service != "events" {
		return false
	}
	ev := c.acct.rt.Events
	switch {
	case strings.HasPrefix(a.Resource, "event-bus/"):
		_, err := ev.DescribeEventBus(strings.TrimPrefix(a.Resource, "event-bus/"))
		return err == nil
	case strings.HasPrefix(a.Resource, "rule/"):
		bus, rule := "default", strings.TrimPrefix(a.Resource, "rule/")
		if b, r, ok := strings.Cut(rule, "/"); ok {
			bus, rule = b, r
		}
		_, err := ev.DescribeRule(bus, rule)
		return err == nil
	}
	return false
}

// omit turns "" into nil, which the output encoders leave out.
func omit(s string) any {
	if s == "" {
		return nil
	}
	return s
}
