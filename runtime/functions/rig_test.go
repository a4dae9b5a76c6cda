package functions

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// memLogs is a LogSink that keeps events by group and stream.
type memLogs struct {
	mu      sync.Mutex
	streams map[string][]LogEvent // group + "|" + stream
}

func (m *memLogs) AppendLogs(group, stream string, ev []LogEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.streams == nil {
		m.streams = map[string][]LogEvent{}
	}
	m.streams[group+"|"+stream] = append(m.streams[group+"|"+stream], ev...)
	return nil
}

// lines returns every message of group, stream by stream (sorted by
// stream name), and the stream names.
func (m *memLogs) lines(group string) (lines, streams []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.streams {
		if g, s, _ := strings.Cut(k, "|"); g == group {
			streams = append(streams, s)
		}
	}
	sort.Strings(streams)
	for _, s := range streams {
		for _, e := range m.streams[group+"|"+s] {
			lines = append(lines, e.Message)
		}
	}
	return lines, streams
}

type zipFile struct {
	name, body string
	mode       os.FileMode
}

func makeZip(t testing.TB, files ...zipFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		mode := f.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newService(t testing.TB, mut func(*Options)) (*Service, *memLogs) {
	t.Helper()
	dir := t.TempDir()
	st, err := boltstore.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	logs := &memLogs{}
	cfg := Options{Dir: dir, Logs: logs}
	if mut != nil {
		mut(&cfg)
	}
	s, err := New(kernel.Env{Store: st, Region: "us-east-1", Account: "123456789012"}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); st.Close() })
	return s, logs
}

// need skips a test that needs a tool this machine lacks, naming it.
func need(t testing.TB, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s is not on PATH: this case needs it", tool)
	}
}

var (
	goBootstrapOnce sync.Once
	goBootstrap     []byte
	goBootstrapErr  error
)

// goFunctionZip builds internal/lambdago (a main package using
// aws-lambda-go) for this machine and zips it as bootstrap.
func goFunctionZip(t testing.TB) []byte {
	t.Helper()
	need(t, "go")
	goBootstrapOnce.Do(func() {
		dir, err := os.MkdirTemp("", "patternc-lambdago-*")
		if err != nil {
			goBootstrapErr = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "bootstrap")
		cmd := exec.Command("go", "build", "-o", out, "./internal/lambdago")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			goBootstrapErr = err
			goBootstrap = msg
			return
		}
		goBootstrap, goBootstrapErr = os.ReadFile(out)
	})
	if goBootstrapErr != nil {
		t.Fatalf("building the Go function: %v\n%s", goBootstrapErr, goBootstrap)
	}
	return makeZip(t, zipFile{name: "bootstrap", body: string(goBootstrap), mode: 0o755})
}

func invoke(t testing.TB, s *Service, name, payload string) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := s.Invoke(ctx, name, []byte(payload), InvokeOptions{})
	if err != nil {
		t.Fatalf("Invoke %s: %v", name, err)
	}
	return res
}
