package functions

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRuntimeAPI walks one invocation through the endpoints and checks
// the status codes and headers of the Runtime API.
func TestRuntimeAPI(t *testing.T) {
	api := newRuntimeAPI()
	srv := httptest.NewServer(api.handler())
	defer srv.Close()
	base := srv.URL + "/2018-06-01/runtime"
	inv := &invocation{id: "req-1", payload: []byte(`{"a":1}`), deadline: time.UnixMilli(1718447400123),
		functionARN: "arn:aws:lambda:us-east-1:123456789012:function:f", traceID: "Root=1-x", clientContext: "e30=", result: make(chan answer, 1)}
	go func() { api.next <- inv }()

	resp, err := http.Get(base + "/invocation/next")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"a":1}` {
		t.Fatalf("next: %d %s", resp.StatusCode, body)
	}
	for h, want := range map[string]string{
		"Lambda-Runtime-Aws-Request-Id":       "req-1",
		"Lambda-Runtime-Deadline-Ms":          strconv.FormatInt(1718447400123, 10),
		"Lambda-Runtime-Invoked-Function-Arn": inv.functionARN,
		"Lambda-Runtime-Trace-Id":             "Root=1-x",
		"Lambda-Runtime-Client-Context":       "e30=",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	post := func(path, body string) (int, string) {
		resp, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, b := post("/invocation/nope/response", "{}"); code != 400 || !strings.Contains(b, `"errorType":"InvalidRequestID"`) {
		t.Errorf("unknown id: %d %s", code, b)
	}
	if code, _ := post("/invocation/req-1/response", `{"ok":true}`); code != 202 {
		t.Errorf("response: %d", code)
	}
	if a := <-inv.result; string(a.payload) != `{"ok":true}` || a.err != nil {
		t.Errorf("answer = %+v", a)
	}
	if code, b := post("/invocation/req-1/error", `{"errorType":"X","errorMessage":"late"}`); code != 403 || !strings.Contains(b, "InvalidStateTransition") {
		t.Errorf("second answer: %d %s", code, b)
	}
	if len(inv.result) != 0 {
		t.Error("a second answer reached the invocation")
	}

	// An error answer, typed by the header when the body has no errorType.
	inv2 := &invocation{id: "req-2", payload: []byte(`{}`), result: make(chan answer, 1)}
	go func() { api.next <- inv2 }()
	resp, _ = http.Get(base + "/invocation/next")
	resp.Body.Close()
	req, _ := http.NewRequest("POST", base+"/invocation/req-2/error", strings.NewReader(`{"errorMessage":"bad"}`))
	req.Header.Set("Lambda-Runtime-Function-Error-Type", "Custom.Error")
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if a := <-inv2.result; resp.StatusCode != 202 || a.err == nil || a.err.ErrorType != "Custom.Error" || a.err.ErrorMessage != "bad" {
		t.Errorf("error answer: %d %+v", resp.StatusCode, a.err)
	}

	// An oversized response: 413 to the runtime, a function error to the caller.
	inv3 := &invocation{id: "req-3", payload: []byte(`{}`), result: make(chan answer, 1)}
	go func() { api.next <- inv3 }()
	resp, _ = http.Get(base + "/invocation/next")
	resp.Body.Close()
	if code, _ := post("/invocation/req-3/response", strings.Repeat("x", MaxResponseSize+1)); code != 413 {
		t.Errorf("oversized response: %d", code)
	}
	if a := <-inv3.result; a.err == nil || a.err.ErrorType != "Function.ResponseSizeTooLarge" {
		t.Errorf("oversized answer = %+v", a.err)
	}

	if code, _ := post("/init/error", `{"errorType":"Runtime.ImportModuleError","errorMessage":"x"}`); code != 202 {
		t.Errorf("init error: %d", code)
	}
	if e := <-api.initErr; e.ErrorType != "Runtime.ImportModuleError" {
		t.Errorf("init error = %+v", e)
	}
}
