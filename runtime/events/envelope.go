package events

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/patternc/patternc/automaton"
)

// Event is an accepted event: its envelope fields and the detail bytes as
// submitted (minified, key order and number text kept).
type Event struct {
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       time.Time       `json:"time"`
	Region     string          `json:"region"`
	ReplayName string          `json:"replay-name,omitempty"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
	// Ingested is when the bus received the event (not part of the JSON
	// envelope; used for event age and archive retention).
	Ingested time.Time `json:"-"`
}

// timeFormat is the envelope's time: UTC, whole seconds.
const timeFormat = "2006-01-02T15:04:05Z"

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// JSON renders the envelope compactly with the keys in AWS's order.
func (e *Event) JSON() []byte {
	b := make([]byte, 0, 160+len(e.Detail))
	b = append(b, `{"version":"0","id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"detail-type":`...)
	b = appendString(b, e.DetailType)
	b = append(b, `,"source":`...)
	b = appendString(b, e.Source)
	b = append(b, `,"account":`...)
	b = appendString(b, e.Account)
	b = append(b, `,"time":`...)
	b = appendString(b, e.Time.UTC().Format(timeFormat))
	b = append(b, `,"region":`...)
	b = appendString(b, e.Region)
	if e.ReplayName != "" {
		b = append(b, `,"replay-name":`...)
		b = appendString(b, e.ReplayName)
	}
	b = append(b, `,"resources":[`...)
	for i, r := range e.Resources {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, r)
	}
	b = append(b, `],"detail":`...)
	if len(e.Detail) == 0 {
		b = append(b, "{}"...)
	} else {
		b = append(b, e.Detail...)
	}
	return append(b, '}')
}

// stored is how an event travels through the store: the envelope plus the
// ingestion time.
type stored struct {
	Event    json.RawMessage `json:"event"`
	Ingested int64           `json:"ingested"`
}

// parseEnvelope reads an envelope produced by JSON back.
func parseEnvelope(raw []byte, ingested time.Time) (*Event, error) {
	var w struct {
		ID         string          `json:"id"`
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Account    string          `json:"account"`
		Time       string          `json:"time"`
		Region     string          `json:"region"`
		ReplayName string          `json:"replay-name"`
		Resources  []string        `json:"resources"`
		Detail     json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	t, err := time.Parse(time.RFC3339, w.Time)
	if err != nil {
		return nil, err
	}
	var d bytes.Buffer
	if err := json.Compact(&d, w.Detail); err != nil {
		return nil, err
	}
	return &Event{ID: w.ID, DetailType: w.DetailType, Source: w.Source, Account: w.Account, Time: t,
		Region: w.Region, ReplayName: w.ReplayName, Resources: w.Resources, Detail: d.Bytes(), Ingested: ingested}, nil
}

// detailChecker checks details against the automaton's trusted contract.
// Its depth limit is one below the buses' machines': the envelope nests
// the detail one level deeper.
var detailChecker = automaton.New(automaton.Config{MaxDepth: automaton.DefaultMaxDepth - 1})

// trustedDetail tells whether an envelope around detail (built by the
// service, whose own members are distinct) meets the trusted contract, so
// that the buses may match it with MatchTrusted: the detail names no
// member twice in one object ({"a":1,"a":2}, {"a":{"b":1},"a.b":2}).
func trustedDetail(detail []byte) bool {
	return detailChecker.CheckTrusted(detail) == nil
}

// checkDetail reports whether detail is a JSON object within the limits:
// nesting ≤ maxDepth, integer literals within int64. It must be valid
// UTF-8 too (json.Valid lets invalid bytes through): buses match the
// envelopes built from it on the automaton's trusted path, whose
// contract is valid JSON.
func checkDetail(detail []byte, maxDepth int) bool {
	if !utf8.Valid(detail) || !json.Valid(detail) {
		return false
	}
	t := bytes.TrimLeft(detail, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	depth := 0
	for i := 0; i < len(detail); i++ {
		c := detail[i]
		switch {
		case c == '"':
			for i++; i < len(detail) && detail[i] != '"'; i++ {
				if detail[i] == '\\' {
					i++
				}
			}
		case c == '{' || c == '[':
			depth++
			if depth > maxDepth {
				return false
			}
		case c == '}' || c == ']':
			depth--
		case c == '-' || (c >= '0' && c <= '9'):
			j := i
			integer := true
			for j < len(detail) && bytes.IndexByte([]byte("+-0123456789.eE"), detail[j]) >= 0 {
				if detail[j] == '.' || detail[j] == 'e' || detail[j] == 'E' {
					integer = false
				}
				j++
			}
			if integer {
				if _, err := strconv.ParseInt(string(detail[i:j]), 10, 64); err != nil {
					return false
				}
			}
			i = j - 1
		}
	}
	return true
}

// compactTo writes the minified JSON of src to w, keeping key order and
// number text.
func compactTo(w interface{ WriteString(string) (int, error) }, src string) error {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(src)); err != nil {
		return err
	}
	_, err := w.WriteString(b.String())
	return err
}
