package models

import "testing"

func TestModelsLoad(t *testing.T) {
	for _, tc := range []struct{ svc, proto, op string }{
		{"events", "json", "PutEvents"},
		{"sns", "query", "Publish"},
		{"sqs", "json", "ReceiveMessage"},
	} {
		m, err := Get(tc.svc)
		if err != nil {
			t.Fatal(err)
		}
		if m.Metadata.Protocol != tc.proto {
			t.Errorf("%s protocol %q, want %q", tc.svc, m.Metadata.Protocol, tc.proto)
		}
		op, ok := m.Operations[tc.op]
		if !ok || m.Shape(op.Input) == nil {
			t.Errorf("%s: operation %s or its input missing", tc.svc, tc.op)
		}
	}
	sqs := Must("sqs")
	if got := sqs.Shape("MessageList").Member.LocationName; got != "Message" {
		t.Errorf("sqs MessageList member name %q, want Message (query names restored)", got)
	}
	if _, err := Get("lambda"); err == nil {
		t.Error("Get(lambda) succeeded, want an error")
	}
}
