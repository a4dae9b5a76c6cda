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
