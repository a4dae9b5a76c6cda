package server

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/logs"
)

// The logs adapter: CloudWatch Logs' awsJson1_1 shapes in, the runtime's
// logs.Service called, shapes out. Filter patterns are compiled by
// logs.ParsePattern; this file only translates.

func logsOps() map[string]opFunc {
	return map[string]opFunc{
		"CreateLogGroup": lgCreateLogGroup, "DescribeLogGroups": lgDescribeLogGroups, "DeleteLogGroup": lgDeleteLogGroup,
		"CreateLogStream": lgCreateLogStream, "DescribeLogStreams": lgDescribeLogStreams,
		"PutLogEvents": lgPutLogEvents, "GetLogEvents": lgGetLogEvents, "FilterLogEvents": lgFilterLogEvents,
	}
}

func lgInvalid(msg string) error { return kernel.Errorf("InvalidParameterException", 400, "%s", msg) }

func lgCreateLogGroup(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ LogGroupName string }](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Logs.CreateLogGroup(ctx, in.LogGroupName)
}

func lgDeleteLogGroup(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ LogGroupName string }](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Logs.DeleteLogGroup(ctx, in.LogGroupName)
}

// pageByIndex cuts a listing whose order is not by name (streams by last
// event time) at limit (default and max 50 [AWS]) from the position in
// token; listings by name use page.
func pageByIndex[T any](all []T, limit int, token string) ([]T, *string, error) {
	if limit <= 0 || limit > 50 {
		limit = 50
	}
	from := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 || n > len(all) {
			return nil, nil, lgInvalid("The specified nextToken is not valid.")
		}
		from = n
	}
	end := min(from+limit, len(all))
	var next *string
	if end < len(all) {
		t := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		next = &t
	}
	return all[from:end], next, nil
}

func lgDescribeLogGroups(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		LogGroupNamePrefix, NextToken string
		Limit                         int
	}](c)
	if err != nil {
		return nil, err
	}
	lg := c.acct.rt.Logs
	all := lg.DescribeLogGroups(in.LogGroupNamePrefix)
	if in.Limit < 0 || in.Limit > 50 {
		return nil, lgInvalid("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 50")
	}
	picked, next, err := pageOf(all, func(g logs.Group) string { return g.Name }, "", in.NextToken, in.Limit, 50)
	if err != nil {
		return nil, lgInvalid("The specified nextToken is not valid.")
	}
	out := []map[string]any{}
	for _, g := range picked {
		m := map[string]any{"logGroupName": g.Name, "creationTime": g.CreationTime, "storedBytes": g.StoredBytes,
			"arn": lg.ARN(g.Name), "logGroupArn": strings.TrimSuffix(lg.ARN(g.Name), ":*"), "metricFilterCount": 0}
		if g.RetentionInDays != nil {
			m["retentionInDays"] = *g.RetentionInDays
		}
		out = append(out, m)
	}
	res := map[string]any{"logGroups": out}
	if next != "" {
		res["nextToken"] = next
	}
	return res, nil
}

// groupIn names a log group by name or by identifier (a name or an ARN).
type groupIn struct{ LogGroupName, LogGroupIdentifier string }

func (g groupIn) group() string {
	if g.LogGroupName != "" {
		return g.LogGroupName
	}
	name, _ := logs.GroupOf(g.LogGroupIdentifier)
	return name
}

func lgCreateLogStream(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct{ LogGroupName, LogStreamName string }](c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.rt.Logs.CreateLogStream(ctx, in.LogGroupName, in.LogStreamName)
}

func lgDescribeLogStreams(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		groupIn
		LogStreamNamePrefix, OrderBy, NextToken string
		Descending                              bool
		Limit                                   int
	}](c)
	if err != nil {
		return nil, err
	}
	group := in.group()
	byTime := in.OrderBy == "LastEventTime"
	if byTime && in.LogStreamNamePrefix != "" {
		return nil, lgInvalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	all, err := c.acct.rt.Logs.DescribeLogStreams(group, in.LogStreamNamePrefix, byTime)
	if err != nil {
		return nil, err
	}
	if in.Descending != byTime { // streams come by name ascending, or by time descending
		for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
			all[i], all[j] = all[j], all[i]
		}
	}
	streams, next, err := pageByIndex(all, in.Limit, in.NextToken)
	if err != nil {
		return nil, err
	}
	lg := c.acct.rt.Logs
	out := []map[string]any{}
	for _, s := range streams {
		m := map[string]any{"logStreamName": s.Name, "creationTime": s.CreationTime, "storedBytes": s.StoredBytes,
			"arn": strings.TrimSuffix(lg.ARN(group), ":*") + ":log-stream:" + s.Name}
		if s.LastEventTimestamp != 0 {
			m["firstEventTimestamp"], m["lastEventTimestamp"], m["lastIngestionTime"] = s.FirstEventTimestamp, s.LastEventTimestamp, s.LastIngestionTime
		}
		out = append(out, m)
	}
	return map[string]any{"logStreams": out, "nextToken": next}, nil
}

func lgPutLogEvents(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		LogGroupName, LogStreamName, SequenceToken string
		LogEvents                                  []struct {
			Timestamp int64
			Message   string
		}
	}](c)
	if err != nil {
		return nil, err
	}
	ev := make([]logs.InputEvent, len(in.LogEvents))
	for i, e := range in.LogEvents {
		ev[i] = logs.InputEvent{Timestamp: e.Timestamp, Message: e.Message}
	}
	rej, err := c.acct.rt.Logs.PutLogEvents(ctx, in.LogGroupName, in.LogStreamName, ev)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"nextSequenceToken": strconv.FormatInt(c.s.cfg.Now().UnixNano(), 10)}
	if rej.TooOldLogEventEndIndex != nil || rej.TooNewLogEventStartIndex != nil {
		r := map[string]any{}
		if rej.TooOldLogEventEndIndex != nil {
			r["tooOldLogEventEndIndex"] = *rej.TooOldLogEventEndIndex
		}
		if rej.TooNewLogEventStartIndex != nil {
			r["tooNewLogEventStartIndex"] = *rej.TooNewLogEventStartIndex
		}
		out["rejectedLogEventsInfo"] = r
	}
	return out, nil
}

func lgGetLogEvents(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		groupIn
		LogStreamName, NextToken string
		StartTime, EndTime       int64
		Limit                    int
		StartFromHead            *bool
	}](c)
	if err != nil {
		return nil, err
	}
	group := in.group()
	token, _ := strings.CutPrefix(strings.TrimPrefix(in.NextToken, "f/"), "b/")
	fromHead := in.StartFromHead != nil && *in.StartFromHead
	p, err := c.acct.rt.Logs.Events(ctx, group, logs.Query{Streams: []string{in.LogStreamName}, StartTime: in.StartTime, EndTime: in.EndTime,
		Limit: in.Limit, NextToken: token, Backward: !fromHead})
	if err != nil {
		return nil, err
	}
	events := []map[string]any{}
	for _, e := range p.Events {
		events = append(events, map[string]any{"timestamp": e.Timestamp, "message": e.Message, "ingestionTime": e.IngestionTime})
	}
	// At the end, AWS hands back the token it was given (so a tail loop
	// stops when the token repeats).
	next := in.NextToken
	if p.NextToken != "" {
		next = "f/" + p.NextToken
	} else if next == "" {
		next = "f/end"
	}
	return map[string]any{"events": events, "nextForwardToken": next, "nextBackwardToken": "b/start"}, nil
}

func lgFilterLogEvents(ctx context.Context, c *call) (any, error) {
	in, err := decode[struct {
		groupIn
		LogStreamNamePrefix, FilterPattern, NextToken string
		LogStreamNames                                []string
		StartTime, EndTime                            int64
		Limit                                         int
	}](c)
	if err != nil {
		return nil, err
	}
	group := in.group()
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return nil, lgInvalid("You cannot specify both LogStreamNames and LogStreamNamePrefix.")
	}
	q := logs.Query{Streams: in.LogStreamNames, StreamPrefix: in.LogStreamNamePrefix, StartTime: in.StartTime, EndTime: in.EndTime, Limit: in.Limit, NextToken: in.NextToken}
	if in.FilterPattern != "" {
		if q.Pattern, err = logs.ParsePattern(in.FilterPattern); err != nil {
			return nil, lgInvalid(err.Error())
		}
	}
	if in.NextToken == "f/end" {
		q.NextToken = ""
	}
	p, err := c.acct.rt.Logs.Events(ctx, group, q)
	if err != nil {
		return nil, err
	}
	events := []map[string]any{}
	for _, e := range p.Events {
		events = append(events, map[string]any{"logStreamName": e.Stream, "timestamp": e.Timestamp, "message": e.Message,
			"ingestionTime": e.IngestionTime, "eventId": e.ID})
	}
	out := map[string]any{"events": events, "searchedLogStreams": []any{}}
	if p.NextToken != "" {
		out["nextToken"] = p.NextToken
	}
	return out, nil
}
