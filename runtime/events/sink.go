package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
)

// Resolve makes buses sinks for other services (a topic subscription or a
// destination that is a bus): the message body must be an event envelope
// or a PutEvents entry.
func (s *Service) Resolve(arn string) (kernel.Sink, error) {
	name := s.busName(arn)
	s.mu.RLock()
	_, ok := s.buses[name]
	s.mu.RUnlock()
	if !ok || arn != s.BusARN(name) {
		return nil, fmt.Errorf("events: %s: %w", arn, kernel.ErrNoResource)
	}
	return busSink{s, name}, nil
}

type busSink struct {
	s    *Service
	name string
}

func (b busSink) Send(ctx context.Context, m kernel.Message) error {
	var e Entry
	if err := json.Unmarshal(m.Body, &e); err == nil && e.Source != "" {
		e.EventBusName = b.name
		out, err := b.s.PutEvents(ctx, []Entry{e})
		if err != nil {
			return err
		}
		if r := out.Entries[0]; r.ErrorCode != "" {
			return fmt.Errorf("%s: %s", r.ErrorCode, r.ErrorMessage)
		}
		return nil
	}
	if _, err := parseEnvelope(m.Body, time.Time{}); err != nil {
		return fmt.Errorf("events: message is neither an event nor a PutEvents entry: %w", err)
	}
	return b.s.ingestRaw(ctx, b.name, m.Body, nil)
}
