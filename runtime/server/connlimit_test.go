package server

import (
	"net"
	"net/http"
	"testing"
	"time"
)

// TestConnectionLimit holds MaxConns idle connections open: the next
// client is not served until one of them closes, and then it is.
func TestConnectionLimit(t *testing.T) {
	s := startServer(t, "none", func(c *Config) { c.MaxConns = 2 })
	var idle []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		idle = append(idle, c)
	}
	// Let the server accept both before the third client comes.
	time.Sleep(100 * time.Millisecond)

	done := make(chan int, 1)
	go func() {
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Get(s.URL() + "/health")
		if err != nil {
			done <- -1
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	select {
	case code := <-done:
		t.Fatalf("a third connection was served (%d) while two were held at a limit of 2", code)
	case <-time.After(300 * time.Millisecond):
	}
	idle[0].Close()
	select {
	case code := <-done:
		if code != http.StatusOK {
			t.Fatalf("after a slot freed: status %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the waiting client was never served after a connection closed")
	}
}
