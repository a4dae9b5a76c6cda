// Package clock lets the runtime's delays (retry backoff, event age,
// retention, dedup windows) run on a fake clock in tests, so a test of a
// 6-hour retry schedule takes milliseconds.
//
// Real is the wall clock. Fake moves only when a test calls Advance,
// which fires every After whose deadline has passed; NextWait tells a
// test when the next timer is due, so it can jump straight there.
package clock
