package testsupport

import (
	"log/slog"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/clock"
	"github.com/patternc/patternc/runtime/kernel"
)

// T0 is the time fake clocks start at.
var T0 = time.Date(2024, 6, 15, 10, 30, 0, 0, time.UTC)

// Discard is a logger that drops everything: services under test log
// expected failures.
var Discard = slog.New(slog.DiscardHandler)

// Env opens a store of engine e in a fresh temporary directory (closed when
// the test ends) and returns an environment on it with a fake clock at T0,
// the given account and region (empty: kernel's defaults) and Discard.
func Env(t testing.TB, e Engine, region, account string) (kernel.Env, *clock.Fake) {
	t.Helper()
	st := e.Open(t, t.TempDir())
	t.Cleanup(func() { _ = st.Close() })
	clk := clock.NewFake(T0)
	return kernel.Env{Store: st, Clock: clk, Region: region, Account: account, Logger: Discard}, clk
}
