package testsupport

import (
	"testing"
	"time"
)

// Eventually polls cond in real time until it holds, failing the test
// after 10 s: delivery runs on other goroutines.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// Within polls cond every 20 ms until it holds, failing the test after
// d: for states that take a while to reach (a pipe RUNNING, a batch
// redriven after its visibility timeout).
func Within(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
