// Package clock lets the runtime's delays (retry backoff, event age,
// retention, dedup windows) run on a fake clock in tests, so a test of a
// 6-hour retry schedule takes milliseconds.
package clock

import "time"

// CONTRACT (written before the implementation; keep these signatures).

// Clock is the time source of the runtime.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed on this clock.
	After(d time.Duration) <-chan time.Time
}

// Real is the wall clock.
type Real struct{}

func (Real) Now() time.Time                         { return time.Now() }
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }
