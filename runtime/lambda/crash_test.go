package lambda

import (
	"context"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/patternc/patternc/internal/crashtest"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// TestMain lets the test binary act as the crash test's child process.
func TestMain(m *testing.M) { testsupport.MainCrash(m, crashChild) }

const crashN = 300

// crashChild accepts invocations (mode "invoke") and runs them, recording
// each delivery durably; mode "run" only runs.
func crashChild(mode, dir string) {
	st, err := boltstore.Open(filepath.Join(dir, "data"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	rec, err := crashtest.NewRecorder(dir)
	if err != nil {
		os.Exit(3)
	}
	d, _ := New(kernel.Env{Store: st}, Options{Workers: 4, RetryBaseDelay: 10 * time.Millisecond})
	d.Register("work", func(ctx context.Context, p []byte) ([]byte, error) {
		time.Sleep(40 * time.Millisecond) // deliveries take time: the kill lands mid-way
		return nil, rec.Record(RequestIDFrom(ctx))
	}, FunctionOptions{})
	go d.Run(context.Background())
	if mode != "invoke" {
		return
	}
	// Eight clients at once, so bbolt group-commits their invokes.
	crashtest.Accept(8, crashN, func(i int) []string {
		id, err := d.Invoke(context.Background(), "work", []byte(fmt.Sprintf(`{"n":%d}`, i)))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		return []string{id}
	})
}

// TestCrash kills a process with SIGKILL while it delivers, restarts it on
// the same data directory, and checks that every accepted invocation is
// delivered at least once.
func TestCrash(t *testing.T) {
	dir := t.TempDir()
	child := crashtest.Start(t, dir, "invoke")
	child.ReadAccepted(crashN * 2 / 3)
	// Kill mid-delivery: some accepted invocations are done, others not.
	deadline := time.Now().Add(10 * time.Second)
	for crashtest.Total(crashtest.Deliveries(dir)) < 5 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	child.Kill()
	before := crashtest.Total(crashtest.Deliveries(dir))
	if before >= len(child.Accepted) {
		t.Fatalf("the kill came too late to test anything: %d of %d delivered", before, len(child.Accepted))
	}
	again := crashtest.Start(t, dir, "run")
	defer again.Kill()
	got := crashtest.WaitAll(t, dir, child.Accepted, 30*time.Second)
	t.Logf("N=%d accepted, %d delivered before SIGKILL, all delivered after restart, %d duplicate deliveries",
		len(child.Accepted), before, crashtest.Total(got)-len(got))
}
