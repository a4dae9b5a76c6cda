package jsstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"

	"github.com/patternc/patternc/runtime/store"
)

// unavailable marks err as store.ErrUnavailable: the cluster could not
// answer now, nothing was acknowledged, and the caller may retry (the
// server answers 503, which SDKs retry). Past the answers the callers
// handle themselves (a key not found, a compare-and-set conflict, a bucket
// not found), what JetStream returns at run time says the cluster is
// busy or moving: deadlines, no responders, a connection reconnecting,
// no meta or stream leader (10008), a consumer for a listing that could
// not be made or lost its heartbeats while a node stopped. CI once saw a
// 500 for one such error that an allow-list did not name, so every error
// counts but those that say the request itself cannot succeed: the caller
// went away, or a value above the server's payload limit.
func unavailable(err error) error {
	if err == nil || errors.Is(err, store.ErrUnavailable) ||
		errors.Is(err, context.Canceled) || errors.Is(err, nats.ErrMaxPayload) {
		return err
	}
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}
