package events

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/patternc/patternc/runtime/queue"
)

// Entry is one PutEvents request entry.
type Entry struct {
	Source       string
	DetailType   string
	Detail       string
	Resources    []string
	Time         *time.Time
	EventBusName string
	TraceHeader  string
}

// Result is one entry's result: EventId on success, ErrorCode and
// ErrorMessage on failure.
type Result struct {
	EventId      string `json:",omitempty"`
	ErrorCode    string `json:",omitempty"`
	ErrorMessage string `json:",omitempty"`
}

// PutEventsOutput is the PutEvents response.
type PutEventsOutput struct {
	FailedEntryCount int
	Entries          []Result
}

const (
	maxEntries   = 10
	maxTotalSize = 262144
	maxDepth     = 1000
)

// EntrySize is an entry's size as AWS counts it (docs/semantics/runtime.md §1.2).
func EntrySize(e Entry) int {
	n := len(e.Source) + len(e.DetailType) + len(e.Detail)
	if e.Time != nil {
		n += 14
	}
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}

// PutEvents validates entries (docs/semantics/runtime.md §1.3), commits the accepted ones to the
// store in one batch and returns per-entry results in request order.
// Matching and delivery happen afterwards, in Run.
func (s *Service) PutEvents(ctx context.Context, entries []Entry) (*PutEventsOutput, error) {
	if len(entries) > maxEntries {
		return nil, validation("1 validation error detected: Value '[%d entries]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10", len(entries))
	}
	if len(entries) == 0 {
		return nil, validation("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	for i, e := range entries {
		if len(e.EventBusName) > 1600 {
			return nil, validation("1 validation error detected: Value '%s' at 'entries.%d.member.eventBusName' failed to satisfy constraint: Member must have length less than or equal to 1600", e.EventBusName, i+1)
		}
		if len(e.TraceHeader) > 500 {
			return nil, validation("1 validation error detected: Value '%s' at 'entries.%d.member.traceHeader' failed to satisfy constraint: Member must have length less than or equal to 500", e.TraceHeader, i+1)
		}
	}
	total := 0
	for _, e := range entries {
		total += EntrySize(e)
	}
	if total >= maxTotalSize {
		return nil, validation("Total size of the entries in the request is over the limit.")
	}
	out := &PutEventsOutput{Entries: make([]Result, len(entries))}
	now := s.env.Clock.Now()
	var items []queue.Item
	var idx []int
	for i, e := range entries {
		ev, err := s.check(e, now)
		if err != nil {
			out.Entries[i] = Result{ErrorCode: err.Code, ErrorMessage: err.Message}
			continue
		}
		busName := s.busName(e.EventBusName)
		s.mu.RLock()
		_, known := s.buses[busName]
		s.mu.RUnlock()
		if !known {
			if s.cfg.StrictBus {
				out.Entries[i] = Result{ErrorCode: "ResourceNotFoundException", ErrorMessage: fmt.Sprintf("Event bus %s does not exist.", busName)}
				continue
			}
			s.env.Logf("events: PutEvents to unknown bus %s: event %s dropped", busName, ev.ID)
			s.count("events_dropped_unknown_bus", 1)
			out.Entries[i] = Result{EventId: ev.ID}
			continue
		}
		if e := s.checkSchema(busName, ev); e != nil {
			out.Entries[i] = Result{ErrorCode: e.Code, ErrorMessage: e.Message}
			continue
		}
		planned, perr := s.plan(busName, ev.JSON(), now.UnixNano(), nil, trustedDetail(ev.Detail))
		if perr != nil {
			out.Entries[i] = Result{ErrorCode: "InternalFailure", ErrorMessage: "Internal Service Failure"}
			continue
		}
		items = append(items, planned...)
		idx = append(idx, i)
		out.Entries[i] = Result{EventId: ev.ID}
	}
	if len(items) > 0 {
		if err := s.deliver.Enqueue(ctx, items...); err != nil {
			s.env.Logf("events: PutEvents commit failed: %v", err)
			for _, i := range idx {
				out.Entries[i] = Result{ErrorCode: "InternalFailure", ErrorMessage: "Internal Service Failure"}
			}
		}
	}
	s.count("events_put", int64(len(idx)))
	for _, r := range out.Entries {
		if r.ErrorCode != "" {
			out.FailedEntryCount++
		}
	}
	return out, nil
}

// check runs the entry-level checks 3–9 of docs/semantics/runtime.md §1.3 in order.
func (s *Service) check(e Entry, now time.Time) (*Event, *kernel.Error) {
	switch {
	case e.Source == "":
		return nil, &kernel.Error{Code: "InvalidArgument", Message: "Parameter Source is not valid. Reason: Source is a required argument."}
	case e.DetailType == "":
		return nil, &kernel.Error{Code: "InvalidArgument", Message: "Parameter DetailType is not valid. Reason: DetailType is a required argument."}
	case e.Detail == "":
		return nil, &kernel.Error{Code: "InvalidArgument", Message: "Parameter Detail is not valid. Reason: Detail is a required argument."}
	case !checkDetail([]byte(e.Detail), maxDepth):
		return nil, &kernel.Error{Code: "MalformedDetail", Message: "Detail is malformed."}
	case utf8.RuneCountInString(e.DetailType) > 128:
		return nil, &kernel.Error{Code: "InvalidArgument", Message: "Parameter DetailType is not valid. Reason: DetailType is longer than 128 characters."}
	case strings.HasPrefix(e.Source, "aws."):
		return nil, &kernel.Error{Code: "NotAuthorizedForSourceException", Message: "Not authorized for the source."}
	}
	var detail strings.Builder
	if err := compactTo(&detail, e.Detail); err != nil {
		return nil, &kernel.Error{Code: "MalformedDetail", Message: "Detail is malformed."}
	}
	t := now
	if e.Time != nil {
		t = *e.Time
	}
	res := e.Resources
	if res == nil {
		res = []string{}
	}
	return &Event{ID: uuid.NewString(), DetailType: e.DetailType, Source: e.Source, Account: s.env.Account,
		Time: t.UTC().Truncate(time.Second), Region: s.env.Region, Resources: res, Detail: json.RawMessage(detail.String()), Ingested: now}, nil
}

func (s *Service) checkSchema(busName string, ev *Event) *kernel.Error {
	if s.cfg.Schemas == nil {
		return nil
	}
	s.mu.RLock()
	binds := s.buses[busName].def.Schemas
	s.mu.RUnlock()
	for _, b := range binds {
		if b.Mode == "off" || (b.DetailType != "*" && b.DetailType != ev.DetailType) {
			continue
		}
		v, err := s.cfg.Schemas.Validate(b.Registry, b.Schema, b.Version, ev.JSON())
		if err == nil {
			continue
		}
		msg := fmt.Sprintf("Event does not conform to schema %s/%s version %s: %v", b.Registry, b.Schema, v, err)
		if b.Mode == "warn" {
			s.env.Logf("events: %s", msg)
			s.count("schema_validation_warnings", 1)
			continue
		}
		s.count("schema_validation_failures", 1)
		return &kernel.Error{Code: "SchemaValidationFailed", Message: msg}
	}
	return nil
}

// PutSystemEvent ingests a service event (e.g. source "aws.schemas") on the
// default bus, bypassing the "aws." source check that applies to
// customers.
func (s *Service) PutSystemEvent(ctx context.Context, source, detailType string, detail []byte) error {
	now := s.env.Clock.Now()
	var d strings.Builder
	if err := compactTo(&d, string(detail)); err != nil {
		return err
	}
	ev := &Event{ID: uuid.NewString(), DetailType: detailType, Source: source, Account: s.env.Account,
		Time: now.UTC().Truncate(time.Second), Region: s.env.Region, Resources: []string{}, Detail: json.RawMessage(d.String())}
	return s.ingestRaw(ctx, "default", ev.JSON(), nil)
}
