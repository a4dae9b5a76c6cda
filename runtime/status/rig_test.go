package status

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/sqs"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

type rig struct {
	s   *Server
	d   *lambda.Dispatcher
	q   *sqs.Service
	srv *httptest.Server
	run func() // starts the dispatcher
}

func newRig(t testing.TB, mut func(*Options)) *rig {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	q, err := sqs.New(kernel.Env{Store: st}, sqs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	env := kernel.Env{Store: st, Resolver: kernel.ResolverFunc(q.Resolve)}
	d, err := lambda.New(env, lambda.Options{RetryBaseDelay: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Dispatcher: d, Queues: q}
	if mut != nil {
		mut(&opts)
	}
	s, err := New(env, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(s)
	srv.Config.ConnContext = ConnContext
	srv.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	started := false
	r := &rig{s: s, d: d, q: q, srv: srv}
	r.run = func() {
		started = true
		go func() { d.Run(ctx); close(done) }()
	}
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		s.Close()
		cancel()
		if started {
			<-done
		}
	})
	return r
}

func (r *rig) do(t testing.TB, method, path string, body string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, r.srv.URL+path, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func (r *rig) invoke(t testing.TB, fn, payload string, hdr map[string]string) string {
	t.Helper()
	resp, body := r.do(t, "POST", "/v1/functions/"+fn+"/invocations", payload, hdr)
	var out struct{ InvocationID, Status, StatusURL, WebsocketURL string }
	json.Unmarshal(body, &out)
	if resp.StatusCode != 202 || out.InvocationID == "" || resp.Header.Get("Location") != "/v1/invocations/"+out.InvocationID ||
		out.StatusURL != "/v1/invocations/"+out.InvocationID || out.WebsocketURL != out.StatusURL+"/ws" {
		t.Fatalf("invoke: %d %s %v", resp.StatusCode, body, resp.Header)
	}
	return out.InvocationID
}

func (r *rig) dial(t testing.TB, path string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(r.srv.URL, "http")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return c
}

type frame struct {
	Op             string
	PreviousStatus string
	Code, Message  string
	Invocation     lambda.Status
	Record         json.RawMessage
}

func readFrame(t testing.TB, c *websocket.Conn) frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, data, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("frame %s: %v", data, err)
	}
	return f
}

func writeMsg(t testing.TB, c *websocket.Conn, msg string) {
	t.Helper()
	if err := c.Write(context.Background(), websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}
