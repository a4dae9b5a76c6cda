package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patternc/patternc/internal/crashtest"
	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/events"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/lambda"
)

// TestMain lets the test binary act as the crash test's child process.
func TestMain(m *testing.M) { testsupport.MainCrash(m, crashChild) }

const crashItems = 150 // events, and as many invocations

func fail(what string, err error) {
	fmt.Fprintln(os.Stderr, what, err)
	os.Exit(3)
}

// crashChild runs a runtime on a bbolt data directory. A bus rule sends
// every event to a Go handler and a function records every invocation,
// each logging its id durably after a pause, so a kill lands mid-delivery.
// Mode "accept" also accepts new items and prints each acknowledged id.
func crashChild(mode, dir string) {
	if strings.HasPrefix(mode, "pipe-") {
		pipeCrashChild(strings.TrimPrefix(mode, "pipe-"), dir)
		return
	}
	rt, err := runtime.Open(runtime.Config{Dir: filepath.Join(dir, "data"), RetryBase: 10 * time.Millisecond})
	if err != nil {
		fail("open", err)
	}
	rec, err := crashtest.NewRecorder(dir)
	if err != nil {
		fail("log", err)
	}
	record := func(id string) error {
		time.Sleep(30 * time.Millisecond)
		return rec.Record(id)
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
		fail("PutRule", err)
	}
	if err := rt.Events.PutTargets(ctx, "", "crash", []events.Target{{ID: "h", Arn: "arn:patternc:go:::handler/crash"}}); err != nil {
		fail("PutTargets", err)
	}
	go rt.Run(ctx)
	if mode != "accept" {
		return
	}
	crashtest.Accept(4, crashItems, func(i int) []string {
		res, err := rt.Events.PutEvents(ctx, []events.Entry{{Source: "crash.test", DetailType: "Crash", Detail: fmt.Sprintf(`{"n":%d}`, i)}})
		if err != nil || res.FailedEntryCount != 0 {
			fail("PutEvents", fmt.Errorf("%v %+v", err, res))
		}
		id, err := rt.Lambda.Invoke(ctx, "work", []byte(fmt.Sprintf(`{"n":%d}`, i)))
		if err != nil {
			fail("Invoke", err)
		}
		return []string{"event " + res.Entries[0].EventId, "invoke " + id}
	})
}

// TestCrashEventsAndInvocations: a child process accepts events (PutEvents
// to a bus with a Go-handler target) and async invocations, is killed with
// SIGKILL mid-delivery, and restarts on the same data directory; every
// accepted item must be delivered at least once.
func TestCrashEventsAndInvocations(t *testing.T) {
	dir := t.TempDir()
	child := crashtest.Start(t, dir, "accept")
	child.ReadAccepted(crashItems) // two thirds of the 2 × crashItems items
	child.Kill()
	before := crashtest.Total(crashtest.Deliveries(dir))
	if before >= len(child.Accepted) {
		t.Fatalf("the kill came too late to test anything: %d of %d delivered", before, len(child.Accepted))
	}
	again := crashtest.Start(t, dir, "run")
	defer again.Kill()
	got := crashtest.WaitAll(t, dir, child.Accepted, 60*time.Second)
	evs := 0
	for item := range child.Accepted {
		if strings.HasPrefix(item, "event ") {
			evs++
		}
	}
	t.Logf("N=%d accepted (%d events, %d invocations), %d delivered before SIGKILL, all delivered after restart, %d duplicate deliveries",
		len(child.Accepted), evs, len(child.Accepted)-evs, before, crashtest.Total(got)-len(got))
}
