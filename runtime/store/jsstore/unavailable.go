package jsstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/patternc/patternc/runtime/store"
)

// jsClusterNotAvailable is JetStream's "JetStream system temporarily
// unavailable" (no meta or stream leader, no quorum).
const jsClusterNotAvailable = 10008

// unavailable marks err as store.ErrUnavailable when it says the cluster
// cannot answer now (no quorum, no leader, the connection moving to another
// node) rather than that the request was wrong. A write that failed so was
// not acknowledged: JetStream acknowledges only after a quorum commit.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var apiErr *jetstream.APIError
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse) ||
		errors.Is(err, nats.ErrConnectionClosed) || errors.Is(err, nats.ErrConnectionReconnecting) ||
		errors.Is(err, nats.ErrDisconnected) ||
		(errors.As(err, &apiErr) && apiErr.ErrorCode == jsClusterNotAvailable) {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}
