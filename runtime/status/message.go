package status

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Message is one client → server WebSocket message (runtime.md §7.5):
// {"op":"subscribe","invocationId":"…"}, {"op":"subscribe","function":"…"},
// {"op":"subscribe","bus":"…"}, {"op":"subscribe","topic":"…"} (a name or
// an ARN), the same with "unsubscribe", or {"op":"ping"}.
type Message struct {
	Op           string `json:"op"`
	InvocationID string `json:"invocationId,omitempty"`
	Function     string `json:"function,omitempty"`
	Bus          string `json:"bus,omitempty"`
	Topic        string `json:"topic,omitempty"`
}

// MaxMessageBytes bounds a client message [P]; a larger frame closes the
// connection with 1009 (message too big).
const MaxMessageBytes = 4096

const maxIDLen = 256

// DecodeMessage reads and checks a client message. It never panics:
// anything but one JSON object of known members with a known op and the
// keys that op needs is an error that says what is wrong.
func DecodeMessage(data []byte) (Message, error) {
	var m Message
	if len(data) > MaxMessageBytes {
		return m, fmt.Errorf("the message is %d bytes; at most %d", len(data), MaxMessageBytes)
	}
	if !utf8.Valid(data) {
		return m, errors.New("the message is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Message{}, fmt.Errorf("the message is not a JSON object of op, invocationId, function, bus and topic: %v", err)
	}
	if dec.More() {
		return Message{}, errors.New("the message holds more than one JSON value")
	}
	if len(m.InvocationID) > maxIDLen || len(m.Function) > maxIDLen || len(m.Bus) > maxIDLen || len(m.Topic) > maxIDLen {
		return Message{}, fmt.Errorf("invocationId, function, bus and topic are at most %d bytes", maxIDLen)
	}
	keys := 0
	for _, k := range []string{m.InvocationID, m.Function, m.Bus, m.Topic} {
		if k != "" {
			keys++
		}
	}
	switch m.Op {
	case "ping":
		if keys != 0 {
			return Message{}, errors.New("ping takes no invocationId, function, bus or topic")
		}
	case "subscribe", "unsubscribe":
		if keys != 1 {
			return Message{}, fmt.Errorf("%s needs exactly one of invocationId, function, bus and topic", m.Op)
		}
	case "":
		return Message{}, errors.New(`the message has no "op"`)
	default:
		return Message{}, fmt.Errorf("unknown op %q: use subscribe, unsubscribe or ping", m.Op)
	}
	return m, nil
}
