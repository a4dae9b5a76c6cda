package jsstore

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/patternc/patternc/runtime/store"
)

// TestUnavailable: what the cluster says while it is busy or moving is
// ErrUnavailable (a 503 the client retries), also errors no list named
// (an API error for a listing's consumer); a caller that went away and a
// value over the payload limit are not.
func TestUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		retry bool
	}{
		{"deadline", context.DeadlineExceeded, true},
		{"deadline wrapped", fmt.Errorf("kv get: %w", context.DeadlineExceeded), true},
		{"timeout", nats.ErrTimeout, true},
		{"no responders", nats.ErrNoResponders, true},
		{"reconnecting", nats.ErrConnectionReconnecting, true},
		{"no leader", &jetstream.APIError{Code: 503, ErrorCode: 10008, Description: "JetStream system temporarily unavailable"}, true},
		{"other API error", &jetstream.APIError{Code: 500, ErrorCode: 10074, Description: "stream not current"}, true},
		{"no heartbeat", jetstream.ErrNoHeartbeat, true},
		{"already marked", fmt.Errorf("%w: %w", store.ErrUnavailable, nats.ErrTimeout), true},
		{"canceled", context.Canceled, false},
		{"payload", nats.ErrMaxPayload, false},
	} {
		got := unavailable(tc.err)
		if errors.Is(got, store.ErrUnavailable) != tc.retry {
			t.Errorf("%s: unavailable(%v) = %v; retry want %v", tc.name, tc.err, got, tc.retry)
		}
		if !errors.Is(got, tc.err) {
			t.Errorf("%s: %v lost the error it wraps", tc.name, got)
		}
	}
	if unavailable(nil) != nil {
		t.Error("unavailable(nil) is not nil")
	}
	// Marked once, not twice: the message stays readable.
	once := unavailable(unavailable(nats.ErrTimeout))
	if n := len(once.Error()) - len(unavailable(nats.ErrTimeout).Error()); n != 0 {
		t.Errorf("marked twice: %q", once)
	}
}
