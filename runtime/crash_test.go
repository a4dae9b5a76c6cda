package runtime_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/events"
	"github.com/patternc/patternc/runtime/lambda"
)

// TestMain lets the test binary act as the crash test's child process.
func TestMain(m *testing.M) {
	if mode := os.Getenv("PATTERNC_RUNTIME_CRASH"); mode != "" {
		crashChild(mode, os.Getenv("PATTERNC_RUNTIME_DIR"))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const crashItems = 150 // events, and as many invocations

// crashChild runs a runtime on a bbolt data directory. A bus rule sends
// every event to a Go handler and a function records every invocation,
// each appending the id to deliveries.log (fsynced) after a pause, so a
// kill lands mid-delivery. Mode "accept" also accepts new items and prints
// each acknowledged id.
func crashChild(mode, dir string) {
	rt, err := runtime.Open(runtime.Config{Dir: filepath.Join(dir, "data"), RetryBase: 10 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	log, err := os.OpenFile(filepath.Join(dir, "deliveries.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		os.Exit(3)
	}
	var logMu sync.Mutex
	record := func(id string) error {
		time.Sleep(30 * time.Millisecond)
		logMu.Lock()
		defer logMu.Unlock()
		if _, err := log.WriteString(id + "\n"); err != nil {
			return err
		}
		return log.Sync()
	}
	ctx := context.Background()
	rt.Events.RegisterHandler("arn:patternc:go:::handler/crash", func(ctx context.Context, p []byte) error {
		var ev struct{ ID string }
		if err := json.Unmarshal(p, &ev); err != nil {
			return err
		}
		return record("event " + ev.ID)
	})
	rt.Lambda.Register("work", func(ctx context.Context, p []byte) ([]byte, error) {
		return nil, record("invoke " + lambda.RequestIDFrom(ctx))
	}, lambda.FunctionOptions{})
	if _, err := rt.Events.PutRule(ctx, events.PutRuleInput{Name: "crash", EventPattern: `{"source":["crash.test"]}`}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if err := rt.Events.PutTargets(ctx, "", "crash", []events.Target{{ID: "h", Arn: "arn:patternc:go:::handler/crash"}}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	go rt.Run(ctx)
	if mode == "accept" {
		out := bufio.NewWriter(os.Stdout)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for c := 0; c < 4; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for i := c; i < crashItems; i += 4 {
					res, err := rt.Events.PutEvents(ctx, []events.Entry{{Source: "crash.test", DetailType: "Crash", Detail: fmt.Sprintf(`{"n":%d}`, i)}})
					if err != nil || res.FailedEntryCount != 0 {
						fmt.Fprintln(os.Stderr, "PutEvents:", err, res)
						os.Exit(3)
					}
					id, err := rt.Lambda.Invoke(ctx, "work", []byte(fmt.Sprintf(`{"n":%d}`, i)))
					if err != nil {
						fmt.Fprintln(os.Stderr, "Invoke:", err)
						os.Exit(3)
					}
					mu.Lock()
					fmt.Fprintln(out, "accepted event", res.Entries[0].EventId)
					fmt.Fprintln(out, "accepted invoke", id)
					out.Flush()
					mu.Unlock()
				}
			}(c)
		}
		wg.Wait()
	}
	select {} // until killed
}

// TestCrashEventsAndInvocations: a child process accepts events (PutEvents
// to a bus with a Go-handler target) and async invocations, is killed with
// SIGKILL mid-delivery, and restarts on the same data directory; every
// accepted item must be delivered at least once.
func TestCrashEventsAndInvocations(t *testing.T) {
	dir := t.TempDir()
	start := func(mode string) (*exec.Cmd, *bufio.Scanner) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "PATTERNC_RUNTIME_CRASH="+mode, "PATTERNC_RUNTIME_DIR="+dir)
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
	delivered := func() map[string]int {
		data, _ := os.ReadFile(filepath.Join(dir, "deliveries.log"))
		got := map[string]int{}
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if l != "" {
				got[l]++
			}
		}
		return got
	}
	total := func(m map[string]int) int {
		n := 0
		for _, c := range m {
			n += c
		}
		return n
	}
	cmd, sc := start("accept")
	accepted := map[string]bool{}
	for sc.Scan() {
		if item, ok := strings.CutPrefix(sc.Text(), "accepted "); ok {
			accepted[item] = true
		}
		if len(accepted) >= crashItems { // two thirds of the 2 × crashItems items
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	for sc.Scan() { // what was acknowledged before the kill counts too
		if item, ok := strings.CutPrefix(sc.Text(), "accepted "); ok {
			accepted[item] = true
		}
	}
	cmd.Wait()
	before := total(delivered())
	if before >= len(accepted) {
		t.Fatalf("the kill came too late to test anything: %d of %d delivered", before, len(accepted))
	}

	cmd, _ = start("run")
	defer func() { cmd.Process.Signal(syscall.SIGKILL); cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := delivered()
		missing := 0
		for item := range accepted {
			if got[item] == 0 {
				missing++
			}
		}
		if missing == 0 {
			events, invokes := 0, 0
			for item := range accepted {
				if strings.HasPrefix(item, "event ") {
					events++
				} else {
					invokes++
				}
			}
			t.Logf("N=%d accepted (%d events, %d invocations), %d delivered before SIGKILL, all delivered after restart, %d duplicate deliveries",
				len(accepted), events, invokes, before, total(got)-len(got))
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d accepted items never delivered after restart", missing, len(accepted))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
