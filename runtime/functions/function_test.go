package functions

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// kinds are the three ways a function runs: a Go binary built with
// aws-lambda-go, and Python and Node handlers under the embedded clients.
type kind struct {
	runtime, handler, tool string
	errorType              string // what a raised error's type reads as
	zip                    func(t testing.TB) []byte
}

func readTestdata(t testing.TB, name string) string {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var kinds = []kind{
	{runtime: "provided.al2023", tool: "go", errorType: "errorString", zip: goFunctionZip},
	{runtime: "python3.12", handler: "handler.handler", tool: "python3", errorType: "ValueError", zip: func(t testing.TB) []byte {
		return makeZip(t, zipFile{name: "handler.py", body: readTestdata(t, "handler.py")})
	}},
	{runtime: "nodejs20.x", handler: "index.handler", tool: "node", errorType: "TypeError", zip: func(t testing.TB) []byte {
		return makeZip(t, zipFile{name: "index.js", body: readTestdata(t, "handler.js")})
	}},
}

var streamRE = regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`)

func TestFunctions(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.runtime, func(t *testing.T) {
			need(t, k.tool)
			s, logs := newService(t, nil)
			ctx := t.Context()
			if _, err := s.Create(ctx, Spec{Name: "f", Runtime: k.runtime, Handler: k.handler, Timeout: 2, MemorySize: 256}, k.zip(t)); err != nil {
				t.Fatal(err)
			}
			// Success, cold then warm.
			res := invoke(t, s, "f", `{"action":"echo","text":"hi"}`)
			var out struct {
				Echo, RequestID, Function string
				HasDeadline               bool
			}
			if err := json.Unmarshal(res.Payload, &out); err != nil || res.Error != nil {
				t.Fatalf("echo: %s %v %v", res.Payload, res.Error, err)
			}
			if out.Echo != "hi" || out.RequestID != res.RequestID || out.Function != "f" || !out.HasDeadline {
				t.Errorf("echo answer = %+v (request %s)", out, res.RequestID)
			}
			if !res.Cold || res.InitDuration <= 0 {
				t.Errorf("first invoke: cold=%v init=%v", res.Cold, res.InitDuration)
			}
			res2 := invoke(t, s, "f", `{"action":"print","text":"hello log"}`)
			if res2.Cold || res2.Error != nil {
				t.Errorf("second invoke: cold=%v err=%v", res2.Cold, res2.Error)
			}
			if !strings.Contains(string(res2.LogTail), "says: hello log") || !strings.Contains(string(res2.LogTail), "REPORT RequestId: "+res2.RequestID) {
				t.Errorf("tail of the second invoke:\n%s", res2.LogTail)
			}
			lines, streams := logs.lines("/aws/lambda/f")
			if len(streams) != 1 || !streamRE.MatchString(streams[0]) {
				t.Fatalf("streams = %q", streams)
			}
			text := strings.Join(lines, "\n")
			// The function's line sits between START and END of its invocation.
			start := strings.Index(text, "START RequestId: "+res2.RequestID+" Version: $LATEST")
			said := strings.Index(text, "says: hello log")
			end := strings.Index(text, "END RequestId: "+res2.RequestID)
			if start < 0 || said < start || end < said {
				t.Errorf("START/print/END out of order (%d %d %d):\n%s", start, said, end, text)
			}
			report := regexp.MustCompile(`REPORT RequestId: ` + res.RequestID + `\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d{2} ms\t`)
			if !report.MatchString(text) {
				t.Errorf("no cold REPORT line with Init Duration:\n%s", text)
			}
			if strings.Contains(text, "REPORT RequestId: "+res2.RequestID+"\t") && regexp.MustCompile(`REPORT RequestId: `+res2.RequestID+`[^\n]*Init Duration`).MatchString(text) {
				t.Errorf("warm REPORT line has an Init Duration")
			}

			// A raised error.
			res = invoke(t, s, "f", `{"action":"error","text":"payment service down"}`)
			if res.Error == nil || res.Error.ErrorType != k.errorType || res.Error.ErrorMessage != "payment service down" || res.FunctionError() != "Unhandled" {
				t.Errorf("error: %+v", res.Error)
			}
			var doc map[string]any
			if json.Unmarshal(res.Payload, &doc) != nil || doc["errorType"] != k.errorType || doc["stackTrace"] == nil {
				t.Errorf("error document: %s", res.Payload)
			}
			if res.Cold {
				t.Error("a handled error should not cost the warm process")
			}

			// A response over 6 MB.
			res = invoke(t, s, "f", fmt.Sprintf(`{"action":"big","size":%d}`, 7<<20))
			if res.Error == nil || res.Error.ErrorType != "Function.ResponseSizeTooLarge" {
				t.Errorf("big response: %+v", res.Error)
			}

			// A timeout kills the process: the next run is cold.
			began := time.Now()
			res = invoke(t, s, "f", `{"action":"sleep","sleepMs":8000}`)
			took := time.Since(began)
			if res.Error == nil || res.Error.ErrorType != "Sandbox.Timedout" || !strings.HasSuffix(res.Error.ErrorMessage, res.RequestID+" Task timed out after 2.00 seconds") {
				t.Errorf("timeout: %+v", res.Error)
			}
			if took < 2*time.Second || took > 5*time.Second {
				t.Errorf("the timeout took %v", took)
			}
			if res = invoke(t, s, "f", `{"action":"echo"}`); !res.Cold || res.Error != nil {
				t.Errorf("after a timeout: cold=%v err=%v", res.Cold, res.Error)
			}

			// A crash.
			res = invoke(t, s, "f", `{"action":"crash"}`)
			if res.Error == nil || res.Error.ErrorType != "Runtime.ExitError" || !strings.Contains(res.Error.ErrorMessage, "Runtime exited with error: exit status 3") {
				t.Errorf("crash: %+v", res.Error)
			}
			lines, _ = logs.lines("/aws/lambda/f")
			text = strings.Join(lines, "\n")
			for _, want := range []string{"Task timed out after 2.00 seconds", "Runtime.ExitError"} {
				if !strings.Contains(text, want) {
					t.Errorf("the log lacks %q", want)
				}
			}
			st := s.Stats()
			if st["function_timeouts"] != 1 || st["function_crashes"] != 1 {
				t.Errorf("stats = %v", st)
			}
		})
	}
}

// TestFlood: a handler printing 100 MB is drained, kept to the output
// limit, counted, and the invocation still succeeds.
func TestFlood(t *testing.T) {
	for _, k := range kinds[1:] {
		t.Run(k.runtime, func(t *testing.T) {
			need(t, k.tool)
			s, logs := newService(t, nil)
			if _, err := s.Create(t.Context(), Spec{Name: "f", Runtime: k.runtime, Handler: k.handler, Timeout: 60}, k.zip(t)); err != nil {
				t.Fatal(err)
			}
			res := invoke(t, s, "f", `{"action":"flood","mb":100}`)
			if res.Error != nil {
				t.Fatalf("flood: %+v", res.Error)
			}
			lines, _ := logs.lines("/aws/lambda/f")
			kept := 0
			for _, l := range lines {
				kept += len(l) + 1
			}
			if kept > 1<<20+4096 {
				t.Errorf("kept %d bytes of output, over the 1 MB limit", kept)
			}
			dropped := s.Stats()["function_output_dropped_bytes"]
			if dropped < 99<<20 {
				t.Errorf("dropped %d bytes, want about 99 MB", dropped)
			}
			if !strings.Contains(strings.Join(lines, "\n"), "bytes of output dropped") {
				t.Error("no line says output was dropped")
			}
			t.Logf("100 MB printed: %d bytes kept, %d dropped, invoke took %v", kept, dropped, res.Duration)
		})
	}
}

func TestNodeCallbackHandler(t *testing.T) {
	need(t, "node")
	s, _ := newService(t, nil)
	if _, err := s.Create(t.Context(), Spec{Name: "cb", Runtime: "nodejs22.x", Handler: "index.callback"}, kinds[2].zip(t)); err != nil {
		t.Fatal(err)
	}
	res := invoke(t, s, "cb", `{"text":"via callback"}`)
	if res.Error != nil || !strings.Contains(string(res.Payload), `"echo":"via callback"`) {
		t.Errorf("callback: %s %+v", res.Payload, res.Error)
	}
	res = invoke(t, s, "cb", `{"action":"error","text":"cb failed"}`)
	if res.Error == nil || res.Error.ErrorType != "Error" || res.Error.ErrorMessage != "cb failed" {
		t.Errorf("callback error: %+v", res.Error)
	}
}

// TestInitErrors: a handler that cannot load fails the invocation with
// the runtime's init error type, for each language.
func TestInitErrors(t *testing.T) {
	cases := []struct {
		tool, runtime, handler string
		files                  []zipFile
		errorType              string
	}{
		{"python3", "python3.12", "broken.handler", []zipFile{{name: "broken.py", body: readTestdata(t, "broken.py")}}, "Runtime.ImportModuleError"},
		{"python3", "python3.12", "missing.handler", []zipFile{{name: "x.py", body: ""}}, "Runtime.ImportModuleError"},
		{"python3", "python3.12", "x.nothing", []zipFile{{name: "x.py", body: ""}}, "Runtime.HandlerNotFound"},
		{"python3", "python3.12", "x.handler", []zipFile{{name: "x.py", body: "def handler(:"}}, "Runtime.UserCodeSyntaxError"},
		{"node", "nodejs20.x", "index.nothing", []zipFile{{name: "index.js", body: "exports.x = 1"}}, "Runtime.HandlerNotFound"},
		{"node", "nodejs20.x", "missing.handler", []zipFile{{name: "index.js", body: ""}}, "Runtime.ImportModuleError"},
		{"node", "nodejs20.x", "index.handler", []zipFile{{name: "index.js", body: "exports.handler = ("}}, "Runtime.UserCodeSyntaxError"},
		{"", "provided.al2023", "", []zipFile{{name: "readme", body: ""}}, "Runtime.InvalidEntrypoint"},
	}
	for _, c := range cases {
		t.Run(c.runtime+"/"+c.handler, func(t *testing.T) {
			if c.tool != "" {
				need(t, c.tool)
			}
			s, _ := newService(t, nil)
			if _, err := s.Create(t.Context(), Spec{Name: "f", Runtime: c.runtime, Handler: c.handler}, makeZip(t, c.files...)); err != nil {
				t.Fatal(err)
			}
			res := invoke(t, s, "f", `{}`)
			if res.Error == nil || res.Error.ErrorType != c.errorType {
				t.Fatalf("got %+v, want %s", res.Error, c.errorType)
			}
			if _, total := s.Processes("f"); total != 0 {
				t.Errorf("%d processes left after an init error", total)
			}
		})
	}
}

// TestGoPanic: a panicking aws-lambda-go handler is a function error, and
// the function keeps serving.
func TestGoPanic(t *testing.T) {
	s, _ := newService(t, nil)
	if _, err := s.Create(t.Context(), Spec{Name: "f", Runtime: "provided.al2023"}, goFunctionZip(t)); err != nil {
		t.Fatal(err)
	}
	res := invoke(t, s, "f", `{"action":"panic","text":"boom"}`)
	if res.Error == nil || !strings.Contains(res.Error.ErrorMessage, "boom") {
		t.Fatalf("panic: %+v", res.Error)
	}
	t.Logf("a Go panic reads as %s: %s", res.Error.ErrorType, res.Error.ErrorMessage)
	if res = invoke(t, s, "f", `{"action":"echo","text":"after"}`); res.Error != nil || !strings.Contains(string(res.Payload), `"echo":"after"`) {
		t.Errorf("after the panic: %s %+v", res.Payload, res.Error)
	}
}

// TestNodeUncaught: an exception thrown outside the handler's promise
// fails the invocation with that error, and the process is replaced.
func TestNodeUncaught(t *testing.T) {
	need(t, "node")
	s, _ := newService(t, nil)
	code := "exports.handler = async () => { setTimeout(() => { throw new RangeError('late'); }, 0); await new Promise((r) => setTimeout(r, 2000)); return 1; };"
	if _, err := s.Create(t.Context(), Spec{Name: "f", Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 10}, makeZip(t, zipFile{name: "index.js", body: code})); err != nil {
		t.Fatal(err)
	}
	res := invoke(t, s, "f", `{}`)
	if res.Error == nil || res.Error.ErrorType != "RangeError" || res.Error.ErrorMessage != "late" {
		t.Fatalf("uncaught: %+v", res.Error)
	}
	if res = invoke(t, s, "f", `{}`); !res.Cold {
		t.Error("the process that threw should have been replaced")
	}
}
