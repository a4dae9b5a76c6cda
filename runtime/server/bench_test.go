package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/functions"
)

// BenchmarkAsyncInvoke sends b.N Event invokes over HTTP (8 clients) to
// a provided.al2023 function built with aws-lambda-go, and reports how
// fast they were accepted (202, committed) and completed (succeeded).
func BenchmarkAsyncInvoke(b *testing.B) {
	dir := b.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bootstrap"), "github.com/patternc/patternc/runtime/functions/internal/lambdago")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building the function: %v\n%s", err, out)
	}
	bin, _ := os.ReadFile(filepath.Join(dir, "bootstrap"))
	s := startServer(b, "none", nil)
	body, _ := json.Marshal(map[string]any{"FunctionName": "echo", "Runtime": "provided.al2023", "Role": "arn:aws:iam::000000000000:role/r",
		"Code": map[string]any{"ZipFile": zipOf(map[string]string{"bootstrap": string(bin)})}})
	resp, err := http.Post(s.URL()+"/2015-03-31/functions", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 201 {
		b.Fatal(err, resp)
	}
	resp.Body.Close()
	rt, _ := s.Runtime("000000000000")
	if res, err := rt.Functions.Invoke(b.Context(), "echo", []byte(`{}`), functions.InvokeOptions{}); err != nil || res.Error != nil {
		b.Fatal(err, res)
	}
	done0 := rt.Lambda.Stats()["invocations_succeeded"]
	b.ResetTimer()
	began := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				req, _ := http.NewRequest("POST", s.URL()+"/2015-03-31/functions/echo/invocations", bytes.NewReader([]byte(fmt.Sprintf(`{"action":"echo","text":"%d"}`, i))))
				req.Header.Set("X-Amz-Invocation-Type", "Event")
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != 202 {
					b.Error(err, resp)
					return
				}
				resp.Body.Close()
			}
		}()
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
	accepted := time.Since(began)
	for rt.Lambda.Stats()["invocations_succeeded"]-done0 < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	completed := time.Since(began)
	b.ReportMetric(float64(b.N)/accepted.Seconds(), "accepted/s")
	b.ReportMetric(float64(b.N)/completed.Seconds(), "completed/s")
}
