package server

import (
	"context"
	"errors"

	"github.com/patternc/patternc/runtime/store"
)

// Follow passes a shared engine's follows through the timing wrapper, so
// that the status API of every instance hears of the transitions any
// instance commits (docs/deployment.md).
func (t timedSharedStore) Follow(ctx context.Context, bucket string, fn func(store.WatchEvent)) error {
	f, ok := t.shared.(store.Follower)
	if !ok {
		return errors.New("server: the shared store cannot follow a bucket")
	}
	return f.Follow(ctx, bucket, fn)
}
