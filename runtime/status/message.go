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
// the same with "unsubscribe", or {"op":"ping"}.
type Message struct {
	Op           string `json:"op"`
	InvocationID string `json:"invocationId,omitempty"`
	Function     string `json:"function,omitempty"`
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
		return Message{}, fmt.Errorf("the message is not a JSON object of op, invocationId and function: %v", err)
	}
	if dec.More() {
		return Message{}, errors.New("the message holds more than one JSON value")
	}
	if len(m.InvocationID) > maxIDLen || len(m.Function) > maxIDLen {
		return Message{}, fmt.Errorf("invocationId and function are at most %d bytes", maxIDLen)
	}
	switch m.Op {
	case "ping":
		if m.InvocationID != "" || m.Function != "" {
			return Message{}, errors.New("ping takes no invocationId or function")
		}
	case "subscribe", "unsubscribe":
		if (m.InvocationID == "") == (m.Function == "") {
			return Message{}, fmt.Errorf("%s needs exactly one of invocationId and function", m.Op)
		}
	case "":
		return Message{}, errors.New(`the message has no "op"`)
	default:
		return Message{}, fmt.Errorf("unknown op %q: use subscribe, unsubscribe or ping", m.Op)
	}
	return m, nil
}
