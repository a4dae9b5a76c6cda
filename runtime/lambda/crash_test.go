package lambda

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/store/boltstore"
)

// TestMain lets the test binary act as the crash test's child process.
func TestMain(m *testing.M) {
	if mode := os.Getenv("PATTERNC_CRASH_CHILD"); mode != "" {
		crashChild(mode, os.Getenv("PATTERNC_CRASH_DIR"))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const crashN = 300

// crashChild accepts invocations (mode "invoke") and runs them, recording
// each delivery durably in deliveries.log; mode "run" only runs.
func crashChild(mode, dir string) {
	st, err := boltstore.Open(filepath.Join(dir, "data"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	log, err := os.OpenFile(filepath.Join(dir, "deliveries.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		os.Exit(3)
	}
	d, _ := New(Config{Store: st, Workers: 4, RetryBaseDelay: 10 * time.Millisecond})
	d.Register("work", func(ctx context.Context, p []byte) ([]byte, error) {
		time.Sleep(40 * time.Millisecond) // deliveries take time: the kill lands mid-way
		id := RequestIDFrom(ctx)
		if _, err := log.WriteString(id + "\n"); err != nil {
			return nil, err
		}
		return nil, log.Sync()
	}, FunctionOptions{})
	go d.Run(context.Background())
	out := bufio.NewWriter(os.Stdout)
	if mode == "invoke" {
		// Eight clients at once, so bbolt group-commits their invokes.
		var mu sync.Mutex
		var wg sync.WaitGroup
		for c := 0; c < 8; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for i := c; i < crashN; i += 8 {
					id, err := d.Invoke(context.Background(), "work", []byte(fmt.Sprintf(`{"n":%d}`, i)))
					if err != nil {
						fmt.Fprintln(os.Stderr, err)
						os.Exit(3)
					}
					mu.Lock()
					fmt.Fprintln(out, "accepted", id)
					out.Flush()
					mu.Unlock()
				}
			}(c)
		}
		wg.Wait()
	}
	select {} // run until killed
}

// TestCrash kills a process with SIGKILL while it delivers, restarts it on
// the same data directory, and checks that every accepted invocation is
// delivered at least once.
func TestCrash(t *testing.T) {
	dir := t.TempDir()
	start := func(mode string) (*exec.Cmd, *bufio.Scanner) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "PATTERNC_CRASH_CHILD="+mode, "PATTERNC_CRASH_DIR="+dir)
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, bufio.NewScanner(stdout)
	}
	delivered := func() []string {
		data, _ := os.ReadFile(filepath.Join(dir, "deliveries.log"))
		return strings.Fields(string(data))
	}
	cmd, sc := start("invoke")
	accepted := map[string]bool{}
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "accepted "); ok {
			accepted[id] = true
		}
		if len(accepted) == crashN*2/3 {
			break
		}
	}
	// Kill mid-delivery: some accepted invocations are done, others not.
	deadline := time.Now().Add(10 * time.Second)
	for len(delivered()) < 5 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	for sc.Scan() { // ids printed before the kill are accepted too
		if id, ok := strings.CutPrefix(sc.Text(), "accepted "); ok {
			accepted[id] = true
		}
	}
	cmd.Wait()
	before := len(delivered())
	if before >= len(accepted) {
		t.Fatalf("the kill came too late to test anything: %d of %d delivered", before, len(accepted))
	}

	cmd, _ = start("run")
	defer func() { cmd.Process.Signal(syscall.SIGKILL); cmd.Wait() }()
	deadline = time.Now().Add(30 * time.Second)
	for {
		got := map[string]int{}
		for _, id := range delivered() {
			got[id]++
		}
		missing := 0
		for id := range accepted {
			if got[id] == 0 {
				missing++
			}
		}
		if missing == 0 {
			dups := len(delivered()) - len(got)
			t.Logf("N=%d accepted, %d delivered before SIGKILL, all delivered after restart, %d duplicate deliveries", len(accepted), before, dups)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d accepted invocations never delivered after restart", missing, len(accepted))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
