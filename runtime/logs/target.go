package logs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/functions"
	"github.com/patternc/patternc/runtime/kernel"
)

// GroupOf returns the log group an ARN names:
// arn:aws:logs:{region}:{account}:log-group:{name}[:*].
func GroupOf(arn string) (string, bool) {
	a, err := kernel.ParseARN(arn)
	if err != nil || a.Service != "logs" || a.ResourceType() != "log-group" {
		return "", false
	}
	return strings.TrimSuffix(strings.TrimPrefix(a.Resource, "log-group:"), ":*"), true
}

// Resolve implements sink.Resolver for log groups, so that a group is a
// bus rule target (the usual way to watch a bus): each matched event is
// written as one log event, in a stream named by the event's id, stamped
// with the event's time [AWS].
func (s *Service) Resolve(arn string) (kernel.Sink, error) {
	name, ok := GroupOf(arn)
	a, _ := kernel.ParseARN(arn)
	if !ok || !s.env.Owns("logs", a) {
		return nil, fmt.Errorf("%s: %w", arn, kernel.ErrNoResource)
	}
	s.mu.Lock()
	_, exists := s.groups[name]
	s.mu.Unlock()
	if !exists {
		return nil, fmt.Errorf("log group %s: %w", name, kernel.ErrNoResource)
	}
	return groupSink{s, name}, nil
}

type groupSink struct {
	s     *Service
	group string
}

func (g groupSink) Send(ctx context.Context, m kernel.Message) error {
	var head struct {
		ID   string `json:"id"`
		Time string `json:"time"`
	}
	json.Unmarshal(m.Body, &head) // a body that is not an event still gets written
	at := g.s.clk.Now()
	if t, err := time.Parse(time.RFC3339, head.Time); err == nil {
		at = t
	}
	stream := head.ID
	if stream == "" || strings.ContainsAny(stream, ":*") {
		stream = at.UTC().Format("2006/01/02") + "/events"
	}
	err := g.s.AppendLogs(g.group, stream, []functions.LogEvent{{Time: at, Message: string(m.Body)}})
	if err != nil {
		g.s.stats.targetFailures.Add(1)
		return err
	}
	g.s.stats.targetEvents.Add(1)
	return nil
}
