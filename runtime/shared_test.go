package runtime_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/functions"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/pipes"
)

// sharedHandler appends one line per run to $RUNS: the instance that ran
// it, the event's n and the request id; events with "fail" raise.
const sharedHandler = `import os

def handler(event, context):
    with open(os.environ["RUNS"], "a") as f:
        f.write("%s %s %s\n" % (os.environ["INSTANCE"], event["n"], context.aws_request_id))
    if event.get("fail"):
        raise RuntimeError("fails on purpose")
    return {"n": event["n"]}
`

func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// isBad reports whether r is a run of the failing function (n ≥ 1000).
func isBad(r run) bool { return len(r.n) == 4 }

// run is one line of $RUNS.
type run struct{ instance, n, request string }

func readRuns(t testing.TB, path string) []run {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []run
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if f := strings.Fields(line); len(f) == 3 {
			out = append(out, run{f[0], f[1], f[2]})
		}
	}
	return out
}

// TestSharedAcrossInstances opens two runtimes (two serve instances) on
// one 3-node R3 JetStream cluster, each with its own code directory.
// Functions, event-invoke configs, queues, pipes and schema discoverers
// written through one are seen by the other (the delays are reported);
// async invokes accepted by either run once each, on whichever instance
// claimed them, with the code fetched from the store where it was not
// created; a failing function's retries and its OnFailure destination
// work whichever instance claims.
func TestSharedAcrossInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH: the functions need it")
	}
	cl := testsupport.StartCluster(t, 3)
	e := testsupport.SharedEngine(cl, "rt-shared")
	runs := filepath.Join(t.TempDir(), "runs")
	open := func(instance string) *runtime.Runtime {
		st := e.Open(t, "")
		t.Cleanup(func() { st.Close() })
		rt, _, stop := runRuntime(t, runtime.Config{Store: st, CodeDir: t.TempDir(), Region: "us-east-1", Account: "123456789012",
			LambdaRetryBase: 50 * time.Millisecond,
			Functions:       functions.Options{Env: map[string]string{"RUNS": runs, "INSTANCE": instance}}})
		t.Cleanup(stop)
		return rt
	}
	a, b := open("a"), open("b")
	ctx := context.Background()
	code := zipOf(t, map[string]string{"handler.py": sharedHandler})
	spec := func(name string) functions.Spec {
		return functions.Spec{Name: name, Runtime: "python3.12", Handler: "handler.handler", Timeout: 30, Role: "arn:aws:iam::123456789012:role/r"}
	}

	// Both instances opened their buckets at once, racing to create them
	// (slow under -race): propagation is measured once their watches run.
	if _, err := a.Functions.Create(ctx, spec("warm"), code); err != nil {
		t.Fatal(err)
	}
	testsupport.Within(t, time.Minute, "B's functions watch", func() bool { _, err := b.Functions.Get("warm"); return err == nil })
	t.Run("functions", func(t *testing.T) {
		var created, updated, deleted testsupport.Propagation
		for i := 0; i < 10; i++ {
			name := fmt.Sprintf("f%d", i)
			start := time.Now()
			if _, err := a.Functions.Create(ctx, spec(name), code); err != nil {
				t.Fatal(err)
			}
			created.Await(t, "function "+name, start, func() bool { _, err := b.Functions.Get(name); return err == nil })
			start = time.Now()
			desc := fmt.Sprintf("v%d", i)
			if _, err := a.Functions.UpdateConfig(ctx, name, func(s *functions.Spec) { s.Description = desc }); err != nil {
				t.Fatal(err)
			}
			updated.Await(t, "update of "+name, start, func() bool { f, err := b.Functions.Get(name); return err == nil && f.Description == desc })
			start = time.Now()
			if err := b.Functions.Delete(ctx, name); err != nil {
				t.Fatal(err)
			}
			deleted.Await(t, "delete of "+name, start, func() bool { _, err := a.Functions.Get(name); return err != nil })
		}
		created.Report(t, "CreateFunction A→B")
		updated.Report(t, "UpdateFunctionConfiguration A→B")
		deleted.Report(t, "DeleteFunction B→A")
	})

	t.Run("invoke configs and queues", func(t *testing.T) {
		if _, err := a.Functions.Create(ctx, spec("cfg"), code); err != nil {
			t.Fatal(err)
		}
		var queues, configs testsupport.Propagation
		for i := 0; i < 10; i++ {
			q := fmt.Sprintf("dest-%d", i)
			start := time.Now()
			arn, err := a.Queues.Create(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			queues.Await(t, "queue "+q, start, func() bool { _, err := b.Queues.Resolve(arn); return err == nil })
			retries := i % 3
			start = time.Now()
			if err := a.Functions.PutEventInvokeConfig(ctx, "cfg", lambda.EventInvokeConfig{MaximumRetryAttempts: &retries, OnFailure: arn}); err != nil {
				t.Fatal(err)
			}
			configs.Await(t, "invoke config of cfg", start, func() bool {
				c, err := b.Lambda.GetEventInvokeConfig("cfg")
				return err == nil && c.OnFailure == arn && c.MaximumRetryAttempts != nil && *c.MaximumRetryAttempts == retries
			})
		}
		queues.Report(t, "CreateQueue A→B")
		configs.Report(t, "PutFunctionEventInvokeConfig A→B")
	})

	t.Run("pipes and discoverers", func(t *testing.T) {
		src, _ := a.Queues.Create(ctx, "pipe-src")
		dst, _ := a.Queues.Create(ctx, "pipe-dst")
		var made, stopped, discs testsupport.Propagation
		for i := 0; i < 10; i++ {
			name := fmt.Sprintf("p%d", i)
			start := time.Now()
			if _, err := a.Pipes.Create(ctx, pipes.Spec{Name: name, Source: src, Target: dst, RoleArn: "arn:aws:iam::123456789012:role/r"}); err != nil {
				t.Fatal(err)
			}
			made.Await(t, "pipe "+name, start, func() bool { _, err := b.Pipes.Describe(name); return err == nil })
			start = time.Now()
			if _, err := a.Pipes.Stop(ctx, name); err != nil {
				t.Fatal(err)
			}
			stopped.Await(t, "stop of "+name, start, func() bool { p, err := b.Pipes.Describe(name); return err == nil && p.DesiredState == pipes.Stopped })
			bus := fmt.Sprintf("arn:aws:events:us-east-1:123456789012:event-bus/bus%d", i)
			start = time.Now()
			d, err := a.Schemas.CreateDiscoverer(ctx, bus, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			discs.Await(t, "discoverer of "+bus, start, func() bool {
				_, err := b.Schemas.DescribeDiscoverer(d.DiscovererId)
				return err == nil && b.Schemas.Discovering(bus)
			})
		}
		made.Report(t, "CreatePipe A→B")
		stopped.Report(t, "StopPipe A→B")
		discs.Report(t, "CreateDiscoverer A→B")
	})

	t.Run("async invokes", func(t *testing.T) {
		start := time.Now()
		if _, err := a.Functions.Create(ctx, spec("work"), code); err != nil {
			t.Fatal(err)
		}
		testsupport.Within(t, 10*time.Second, "work on B", func() bool { _, err := b.Functions.Get("work"); return err == nil })
		const n = 40
		ids := map[string]bool{}
		for i := 0; i < n; i++ {
			rt := []*runtime.Runtime{a, b}[i%2]
			id, err := rt.Lambda.Invoke(ctx, "work", []byte(fmt.Sprintf(`{"n":%d}`, i)))
			if err != nil {
				t.Fatal(err)
			}
			ids[id] = true
		}
		// A failing function, invoked through B, configured through A: one
		// retry, then its OnFailure queue.
		if _, err := a.Functions.Create(ctx, spec("bad"), code); err != nil {
			t.Fatal(err)
		}
		failures, _ := a.Queues.Create(ctx, "failures")
		one := 1
		if err := a.Functions.PutEventInvokeConfig(ctx, "bad", lambda.EventInvokeConfig{MaximumRetryAttempts: &one, OnFailure: failures}); err != nil {
			t.Fatal(err)
		}
		testsupport.Within(t, 10*time.Second, "bad's config on B", func() bool {
			c, err := b.Lambda.GetEventInvokeConfig("bad")
			return err == nil && c.OnFailure == failures
		})
		const nbad = 4
		for i := 0; i < nbad; i++ {
			if _, err := b.Lambda.Invoke(ctx, "bad", []byte(fmt.Sprintf(`{"n":%d,"fail":true}`, 1000+i))); err != nil {
				t.Fatal(err)
			}
		}
		var got []run
		testsupport.Within(t, 60*time.Second, "every invoke run", func() bool {
			got = readRuns(t, runs)
			seen := map[string]bool{}
			bad := 0
			for _, r := range got {
				if ids[r.request] {
					seen[r.request] = true
				} else if isBad(r) {
					bad++
				}
			}
			return len(seen) == n && bad >= 2*nbad
		})
		per, times := map[string]int{}, map[string]int{}
		for _, r := range got {
			if ids[r.request] {
				per[r.instance]++
				times[r.request]++
			}
		}
		dups := 0
		for _, k := range times {
			dups += k - 1
		}
		if dups != 0 {
			t.Errorf("%d duplicate runs with no instance failing (claims hand each invocation to one instance)", dups)
		}
		// Every failing invoke ends in the OnFailure queue, read through A.
		recs := map[string]bool{}
		testsupport.Within(t, 30*time.Second, "the failure records", func() bool {
			ms, err := a.Queues.Receive(ctx, "failures", 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				var rec struct {
					RequestPayload struct{ N int } `json:"requestPayload"`
				}
				if err := json.Unmarshal([]byte(m.Body), &rec); err != nil {
					t.Fatalf("failure record %q: %v", m.Body, err)
				}
				recs[fmt.Sprint(rec.RequestPayload.N)] = true
			}
			return len(recs) == nbad
		})
		got = readRuns(t, runs)
		badRuns, badTimes := map[string]int{}, map[string]int{}
		for _, r := range got {
			if isBad(r) {
				badRuns[r.instance]++
				badTimes[r.request]++
			}
		}
		for req, k := range badTimes {
			if k != 2 {
				t.Errorf("failing invocation %s ran %d times, want 2 (one retry)", req, k)
			}
		}
		t.Logf("async invokes through both instances: N=%d, run once each (duplicates %d), split a=%d b=%d; failing function: %d invokes × 2 runs (a=%d b=%d), %d failure records; %v",
			n, dups, per["a"], per["b"], nbad, badRuns["a"], badRuns["b"], len(recs), time.Since(start).Round(time.Millisecond))
	})
}
