package events

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/queue"
)

// delivery is the payload of the delivery queue: one event for one target
// of one rule. The target is copied in, so a retry uses the configuration
// the event was routed with.
type delivery struct {
	Bus      string          `json:"bus"`
	RuleName string          `json:"rule"`
	RuleArn  string          `json:"ruleArn"`
	Target   Target          `json:"target"`
	Event    json.RawMessage `json:"event"`
	Ingested int64           `json:"ingested"`
	// Archive, when set, makes this the write of Event to that archive.
	Archive string `json:"archive,omitempty"`
}

// Run delivers routed events to targets and archives until ctx is done;
// deliveries pending in the store (from before a crash) resume.
func (s *Service) Run(ctx context.Context) error {
	errc := make(chan error, 4)
	go func() { errc <- s.deliver.Run(ctx, s.cfg.Workers, s.handleDelivery) }()
	go func() { errc <- s.runReplaysAndSweeps(ctx) }()
	go func() { errc <- s.runObserver(ctx) }()
	go func() { errc <- s.watchConfig(ctx) }()
	err := <-errc
	<-errc
	<-errc
	<-errc
	return err
}

func (s *Service) retryLater(err error) queue.Outcome {
	s.env.Logf("events: store write failed, retrying: %v", err)
	return queue.Outcome{Retry: true, RetryAt: s.env.Clock.Now().Add(time.Second)}
}

// failure is a classified delivery failure (docs/semantics/runtime.md §2.5).
type failure struct {
	code      string
	message   string
	retryable bool
}

func (s *Service) handleDelivery(ctx context.Context, it queue.Item) queue.Outcome {
	var d delivery
	if err := json.Unmarshal(it.Payload, &d); err != nil {
		s.env.Logf("events: unreadable delivery %s: %v", it.ID, err)
		return queue.Outcome{}
	}
	if d.Archive != "" {
		if err := s.archiveEvent(ctx, d.Archive, d.Event, d.Ingested); err != nil {
			return s.retryLater(err)
		}
		s.watchDelivery(&d, "archived", it.Attempt+1, nil)
		return queue.Outcome{}
	}
	ingested := time.Unix(0, d.Ingested)
	payload, err := shape(&d.Target, d.Event, shapeContext{ruleArn: d.RuleArn, ruleName: d.RuleName, ingested: ingested})
	var f *failure
	if err != nil {
		s.env.Logf("events: rule %s target %s: %v", d.RuleName, d.Target.ID, err)
		f = &failure{code: "TRANSFORMATION_FAILED", message: err.Error()}
		payload = d.Event
	} else {
		f = s.send(ctx, d, payload)
	}
	if f == nil {
		s.count("deliveries_ok", 1)
		s.watchDelivery(&d, "delivered", it.Attempt+1, nil)
		return queue.Outcome{}
	}
	maxAttempts, maxAge := 185, 86400*time.Second
	if rp := d.Target.RetryPolicy; rp != nil {
		if rp.MaximumRetryAttempts != nil {
			maxAttempts = *rp.MaximumRetryAttempts
		}
		if rp.MaximumEventAgeInSeconds != nil {
			maxAge = time.Duration(*rp.MaximumEventAgeInSeconds) * time.Second
		}
	}
	exhausted := ""
	if f.retryable {
		now := s.env.Clock.Now()
		next := now.Add(s.backoff(it.Attempt + 1))
		switch {
		case it.Attempt >= maxAttempts:
			exhausted = "MaximumRetryAttempts"
		case now.Sub(ingested) >= maxAge || next.Sub(ingested) > maxAge:
			exhausted = "MaximumEventAgeInSeconds"
		default:
			s.count("deliveries_retried", 1)
			s.watchDelivery(&d, "retrying", it.Attempt+1, f)
			return queue.Outcome{Retry: true, RetryAt: next}
		}
	}
	s.count("deliveries_failed", 1)
	state := "dead-lettered"
	if d.Target.DeadLetterArn == "" {
		state = "dropped"
	}
	s.deadLetter(ctx, d, payload, f, exhausted, it.Attempt)
	s.watchDelivery(&d, state, it.Attempt+1, f)
	return queue.Outcome{}
}

// backoff is the delay before retry n: c/2 + rand[0, c/2],
// c = min(300 s, 1 s × 2^(n−1)), in units of RetryBase.
func (s *Service) backoff(n int) time.Duration {
	c := s.cfg.RetryBase * 300
	if n-1 < 20 {
		if e := s.cfg.RetryBase << (n - 1); e < c {
			c = e
		}
	}
	return c/2 + time.Duration(rand.Int64N(int64(c/2)+1))
}

func (s *Service) deadLetter(ctx context.Context, d delivery, payload []byte, f *failure, exhausted string, retries int) {
	if d.Target.DeadLetterArn == "" {
		s.env.Logf("events: delivery of rule %s to %s failed (%s: %s); no DLQ, dropped", d.RuleName, d.Target.Arn, f.code, f.message)
		s.count("deliveries_dropped", 1)
		return
	}
	attrs := map[string]string{
		"RULE_ARN":       d.RuleArn,
		"TARGET_ARN":     d.Target.Arn,
		"ERROR_CODE":     f.code,
		"ERROR_MESSAGE":  f.message,
		"RETRY_ATTEMPTS": strconv.Itoa(retries),
	}
	if exhausted != "" {
		attrs["EXHAUSTED_RETRY_CONDITION"] = exhausted
	}
	sk, err := s.env.Resolver.Resolve(d.Target.DeadLetterArn)
	if err == nil {
		err = sk.Send(ctx, kernel.Message{Body: payload, Attributes: attrs})
	}
	if err != nil {
		s.env.Logf("events: writing DLQ %s failed: %v", d.Target.DeadLetterArn, err)
		s.count("invocations_failed_to_dlq", 1)
		return
	}
	s.count("dlq_sent", 1)
}

// send delivers payload to the target and classifies a failure.
func (s *Service) send(ctx context.Context, d delivery, payload []byte) *failure {
	arn := d.Target.Arn
	s.mu.RLock()
	h := s.handlers[arn]
	var dest *APIDestination
	a, aerr := kernel.ParseARN(arn)
	ours := aerr == nil && a.Service == "events"
	if ours && a.ResourceType() == "api-destination" {
		name := a.ResourceID()
		dest = s.dests[name]
		if dest == nil {
			s.mu.RUnlock()
			return &failure{code: "NO_RESOURCE", message: "API destination " + name + " does not exist"}
		}
	}
	s.mu.RUnlock()
	switch {
	case h != nil:
		return classify(h(ctx, payload))
	case dest != nil:
		return s.sendHTTP(ctx, dest, payload)
	case ours && a.ResourceType() == "event-bus" && s.env.Owns("events", a):
		return s.forward(ctx, arn, d, payload)
	}
	// Anything else, including another account's bus, is the resolver's
	// (which decides whether that account's policy lets this one in).
	sk, err := s.env.Resolver.Resolve(arn)
	if err == nil {
		err = sk.Send(ctx, kernel.Message{Body: payload})
	}
	return classify(err)
}

// classify maps a target's error to a delivery failure by the runtime's
// sentinels, the same for Go handlers and for sinks of other services
// (docs/semantics/runtime.md §2.5): throttles are retried as THROTTLING,
// missing resources and permanent failures are not retried, anything else
// is a retried TARGET_SERVER_ERROR.
func classify(err error) *failure {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, kernel.ErrThrottled):
		return &failure{"THROTTLING", err.Error(), true}
	case errors.Is(err, kernel.ErrNoResource):
		return &failure{"NO_RESOURCE", err.Error(), false}
	case errors.Is(err, kernel.ErrPermanent):
		return &failure{"TARGET_CLIENT_ERROR", err.Error(), false}
	}
	return &failure{"TARGET_SERVER_ERROR", err.Error(), true}
}

// forward re-ingests an event on another bus of this service: the event
// keeps id, account, region and time (docs/semantics/runtime.md §1.1); a transformed payload must be
// a PutEvents entry.
func (s *Service) forward(ctx context.Context, arn string, d delivery, payload []byte) *failure {
	name := s.busName(arn)
	s.mu.RLock()
	_, ok := s.buses[name]
	s.mu.RUnlock()
	if !ok || arn != s.BusARN(name) {
		return &failure{code: "NO_RESOURCE", message: "Event bus " + name + " does not exist."}
	}
	ev := json.RawMessage(payload)
	if d.Target.Input != "" || d.Target.InputPath != "" || d.Target.InputTransformer != nil {
		var e Entry
		if err := json.Unmarshal(payload, &e); err != nil {
			return &failure{code: "TRANSFORMATION_FAILED", message: "transformed input is not a PutEvents entry: " + err.Error()}
		}
		e.EventBusName = name
		out, err := s.PutEvents(ctx, []Entry{e})
		if err != nil {
			return &failure{code: "TRANSFORMATION_FAILED", message: err.Error()}
		}
		if r := out.Entries[0]; r.ErrorCode != "" {
			return &failure{code: "TRANSFORMATION_FAILED", message: r.ErrorCode + ": " + r.ErrorMessage}
		}
		return nil
	}
	if err := s.ingestRaw(ctx, name, ev, nil); err != nil {
		return &failure{"TARGET_SERVER_ERROR", err.Error(), true}
	}
	return nil
}

// ingestRaw commits an already-built envelope on a bus (forwarding, replays).
func (s *Service) ingestRaw(ctx context.Context, busName string, event []byte, rules []string) error {
	// Its detail was not checked here: the validating Match reads it.
	items, err := s.plan(busName, event, s.env.Clock.Now().UnixNano(), rules, false)
	if err != nil || len(items) == 0 {
		return err
	}
	return s.deliver.Enqueue(ctx, items...)
}
