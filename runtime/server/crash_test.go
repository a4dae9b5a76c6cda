package server

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/internal/crashtest"
	"github.com/patternc/patternc/runtime"
)

// TestMain lets the test binary act as the crash test's child: a
// `patternc serve` that is killed with SIGKILL and started again.
func TestMain(m *testing.M) { crashtest.Main(m, serveChild) }

// crashN async invocations are accepted over HTTP before and while the
// server is killed.
const crashN = 1000

// crashHandler records each run durably in the delivery log (the
// crashtest recorder's format), and fails the first run of every third
// order, so that retries are pending when the kill lands.
const crashHandler = `import os, time

def handler(event, context):
    n = event["n"]
    with open(os.environ["DELIVERIES"], "a") as f:
        f.write(context.aws_request_id + "\n")
        f.flush()
        os.fsync(f.fileno())
    time.sleep(0.01)
    marker = os.path.join(os.environ["MARKERS"], context.aws_request_id)
    if n % 3 == 0 and not os.path.exists(marker):
        open(marker, "w").close()
        raise RuntimeError("first try of order %d fails" % n)
    return {"n": n}
`

// serveChild runs a server on dir; in mode "invoke" it creates the
// function and sends crashN async invokes to itself over HTTP, printing
// each acknowledged request id.
func serveChild(mode, dir string) {
	if mode == "bolt" || strings.HasPrefix(mode, "js=") || strings.HasPrefix(mode, "cluster=") {
		loadChild(mode, dir) // TestCrashOverHTTP (crash_http_test.go)
		return
	}
	markers := filepath.Join(dir, "markers")
	os.MkdirAll(markers, 0o755)
	s, err := New(Config{Listen: "127.0.0.1:0", DataDir: filepath.Join(dir, "data"), Runtime: func(c *runtime.Config) {
		c.LambdaRetryBase = 50 * time.Millisecond
		c.Functions.Env = map[string]string{"DELIVERIES": filepath.Join(dir, "deliveries.log"), "MARKERS": markers}
	}})
	if err == nil {
		err = s.Start()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.WriteFile(filepath.Join(dir, "url.tmp"), []byte(s.URL()), 0o644)
	os.Rename(filepath.Join(dir, "url.tmp"), filepath.Join(dir, "url"))
	if mode != "invoke" {
		return
	}
	zip := zipOf(map[string]string{"handler.py": crashHandler})
	body, _ := json.Marshal(map[string]any{"FunctionName": "orders", "Runtime": "python3.12", "Handler": "handler.handler",
		"Role": "arn:aws:iam::000000000000:role/r", "Timeout": 30, "Code": map[string]any{"ZipFile": zip}})
	resp, err := http.Post(s.URL()+"/2015-03-31/functions", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 201 {
		fmt.Fprintln(os.Stderr, "create-function:", err, resp)
		os.Exit(3)
	}
	resp.Body.Close()
	crashtest.Accept(8, crashN, func(i int) []string {
		req, _ := http.NewRequest("POST", s.URL()+"/2015-03-31/functions/orders/invocations", strings.NewReader(fmt.Sprintf(`{"n":%d}`, i)))
		req.Header.Set("X-Amz-Invocation-Type", "Event")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 202 {
			fmt.Fprintln(os.Stderr, "invoke:", err, resp)
			os.Exit(3)
		}
		resp.Body.Close()
		return []string{resp.Header.Get("X-Amzn-Requestid")}
	})
}

// TestKill9 kills serve with SIGKILL while 1 000 async invocations of a
// Python function are queued, running and retrying, starts it again on
// the same data directory, and checks over HTTP that every acknowledged
// invocation reaches a terminal status the spec allows (here: succeeded,
// each failing order on its second run) and that its status document is
// still served.
func TestKill9(t *testing.T) {
	if os.Getenv("PATTERNC_KILL9") == "" {
		t.Skip("1 000 invocations across a SIGKILL take ~40 s: set PATTERNC_KILL9=1 (.ci/run does)")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH: this test needs it")
	}
	dir := t.TempDir()
	child := crashtest.Start(t, dir, "invoke")
	child.ReadAccepted(crashN)
	// Kill once some runs are done and retries are pending.
	deadline := time.Now().Add(30 * time.Second)
	for crashtest.Total(crashtest.Deliveries(dir)) < 50 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	child.Kill()
	before := crashtest.Total(crashtest.Deliveries(dir))
	accepted := len(child.Accepted)
	if before >= accepted {
		t.Fatalf("the kill came too late to test anything: %d runs for %d accepted", before, accepted)
	}
	os.Remove(filepath.Join(dir, "url"))
	again := crashtest.Start(t, dir, "run")
	defer again.Kill()
	var url []byte
	for deadline := time.Now().Add(30 * time.Second); len(url) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the restarted server never wrote its URL")
		}
		url, _ = os.ReadFile(filepath.Join(dir, "url"))
	}
	// Every accepted invocation's document is served and becomes terminal.
	type doc struct{ Status, InvocationID string }
	pending := map[string]bool{}
	for id := range child.Accepted {
		pending[id] = true
	}
	statuses := map[string]string{}
	for deadline := time.Now().Add(120 * time.Second); len(pending) > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d invocations not terminal after restart", len(pending), accepted)
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		ids := make(chan string)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range ids {
					resp, err := http.Get(string(url) + "/v1/invocations/" + id)
					if err != nil {
						continue
					}
					var d doc
					json.NewDecoder(resp.Body).Decode(&d)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						t.Errorf("invocation %s: status %d after restart", id, resp.StatusCode)
						continue
					}
					mu.Lock()
					if d.Status == "succeeded" || d.Status == "failed" || d.Status == "expired" {
						statuses[id] = d.Status
						delete(pending, id)
					}
					mu.Unlock()
				}
			}()
		}
		mu.Lock()
		todo := make([]string, 0, len(pending))
		for id := range pending {
			todo = append(todo, id)
		}
		mu.Unlock()
		for _, id := range todo {
			ids <- id
		}
		close(ids)
		wg.Wait()
		if t.Failed() {
			return
		}
	}
	runs := crashtest.Deliveries(dir)
	for id, st := range statuses {
		if st != "succeeded" {
			t.Errorf("invocation %s ended %s", id, st)
		}
		if runs[id] == 0 {
			t.Errorf("invocation %s succeeded without a recorded run", id)
		}
	}
	marks, _ := os.ReadDir(filepath.Join(dir, "markers"))
	failedFirst := len(marks)
	expected := accepted + failedFirst // one run each, two for the orders that fail once
	total := crashtest.Total(runs)
	t.Logf("N=%d accepted, %d runs before SIGKILL, all %d succeeded after restart; %d handler runs for %d expected: %d duplicates from the kill",
		accepted, before, len(statuses), total, expected, total-expected)
	if total < expected {
		t.Errorf("%d runs, fewer than the %d the retries need", total, expected)
	}
}

// zipOf zips files (name → content) for a ZipFile field (base64 in JSON).
func zipOf(files map[string]string) string {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}
