package logs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/functions"
	"github.com/patternc/patternc/runtime/sink"
)

// GroupOf returns the log group an ARN names:
// arn:aws:logs:{region}:{account}:log-group:{name}[:*].
func GroupOf(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" {
		return "", false
	}
	return strings.TrimSuffix(parts[6], ":*"), true
}

// Resolve implements sink.Resolver for log groups, so that a group is a
// bus rule target (the usual way to watch a bus): each matched event is
// written as one log event, in a stream named by the event's id, stamped
// with the event's time [AWS].
func (s *Service) Resolve(arn string) (sink.Sink, error) {
	name, ok := GroupOf(arn)
	if !ok || !strings.Contains(arn, ":"+s.region+":"+s.account+":") {
		return nil, fmt.Errorf("%s: %w", arn, sink.ErrNoResource)
	}
	s.mu.Lock()
	_, exists := s.groups[name]
	s.mu.Unlock()
	if !exists {
		return nil, fmt.Errorf("log group %s: %w", name, sink.ErrNoResource)
	}
	return groupSink{s, name}, nil
}

type groupSink struct {
	s     *Service
	group string
}

func (g groupSink) Send(ctx context.Context, m sink.Message) error {
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
