package testsupport

import (
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// StartJetStream starts an in-process JetStream server storing in dir, on a
// free loopback port, with fsync before every acknowledgement (as
// production should run: docs/semantics/runtime.md §0.4).
func StartJetStream(dir string) (*server.Server, error) {
	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir,
		SyncAlways: true, NoLog: true, NoSigs: true,
	})
	if err != nil {
		return nil, err
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, errors.New("testsupport: embedded JetStream server did not start")
	}
	return s, nil
}

// The server of this test binary, started on first use.
var js struct {
	once sync.Once
	dir  string
	srv  *server.Server
	url  string
	err  error
}

func jetStreamURL() (string, error) {
	js.once.Do(func() {
		if js.dir, js.err = os.MkdirTemp("", "patternc-jetstream-*"); js.err != nil {
			return
		}
		if js.srv, js.err = StartJetStream(js.dir); js.err != nil {
			return
		}
		js.url = js.srv.ClientURL()
	})
	return js.url, js.err
}

// stopJetStream shuts the binary's server down and removes its directory.
func stopJetStream() {
	if js.srv != nil {
		js.srv.Shutdown()
		js.srv.WaitForShutdown()
	}
	if js.dir != "" {
		_ = os.RemoveAll(js.dir)
	}
}

// JetStreamURL is the client URL of the binary's embedded server, started
// on first use, for tests that open stores with their own settings (a
// short claim lease, say).
func JetStreamURL(t testing.TB) string {
	t.Helper()
	url, err := jetStreamURL()
	if err != nil {
		t.Fatal(err)
	}
	return url
}
