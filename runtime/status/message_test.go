package status

import (
	"strings"
	"testing"
)

func TestDecodeMessage(t *testing.T) {
	cases := []struct {
		in   string
		want Message
		err  string
	}{
		{`{"op":"subscribe","invocationId":"abc"}`, Message{Op: "subscribe", InvocationID: "abc"}, ""},
		{`{"op":"unsubscribe","function":"f"}`, Message{Op: "unsubscribe", Function: "f"}, ""},
		{`{"op":"ping"}`, Message{Op: "ping"}, ""},
		{`{"op":"subscribe"}`, Message{}, "exactly one"},
		{`{"op":"subscribe","invocationId":"a","function":"f"}`, Message{}, "exactly one"},
		{`{"op":"dance"}`, Message{}, "unknown op"},
		{`{}`, Message{}, "no \"op\""},
		{`{"op":"ping","extra":1}`, Message{}, "not a JSON object"},
		{`[1,2]`, Message{}, "not a JSON object"},
		{`garbage`, Message{}, "not a JSON object"},
		{`{"op":"ping"} {"op":"ping"}`, Message{}, "more than one"},
		{"{\"op\":\"ping\xff\"}", Message{}, "UTF-8"},
		{`{"op":"subscribe","function":"` + strings.Repeat("f", 300) + `"}`, Message{}, "at most 256"},
		{strings.Repeat(" ", MaxMessageBytes+1), Message{}, "at most 4096"},
		{`{"op":"ping","function":"f"}`, Message{}, "ping takes"},
		{`{"op":"subscribe","bus":"default"}`, Message{Op: "subscribe", Bus: "default"}, ""},
		{`{"op":"unsubscribe","topic":"arn:aws:sns:us-east-1:000000000000:t"}`, Message{Op: "unsubscribe", Topic: "arn:aws:sns:us-east-1:000000000000:t"}, ""},
		{`{"op":"subscribe","function":"*"}`, Message{Op: "subscribe", Function: "*"}, ""},
		{`{"op":"subscribe","bus":"b","topic":"t"}`, Message{}, "exactly one"},
		{`{"op":"ping","bus":"b"}`, Message{}, "ping takes"},
		{`{"op":"subscribe","topic":"` + strings.Repeat("t", 300) + `"}`, Message{}, "at most 256"},
	}
	for _, c := range cases {
		got, err := DecodeMessage([]byte(c.in))
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("%.50s: %+v %v", c.in, got, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%.50s: err = %v, want %q", c.in, err, c.err)
		}
	}
}

func FuzzDecodeMessage(f *testing.F) {
	for _, s := range []string{`{"op":"subscribe","invocationId":"x"}`, `{"op":"ping"}`, `{"op":"unsubscribe","function":"f"}`, `{"op":"subscribe","bus":"b"}`, `{"op":"subscribe","topic":"t"}`, `{`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeMessage(data)
		if err != nil {
			return
		}
		switch m.Op {
		case "ping":
		case "subscribe", "unsubscribe":
			n := 0
			for _, k := range []string{m.InvocationID, m.Function, m.Bus, m.Topic} {
				if k != "" {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("accepted %q without exactly one key", data)
			}
		default:
			t.Fatalf("accepted op %q", m.Op)
		}
	})
}
