package server

import (
	"net"
	"sync"
)

// connLimit bounds the connections the server holds open at once
// (docs/semantics/serve.md §6). HTTP/1.1 serves one request at a time per
// connection, so MaxInFlight bounds the work and this bounds the memory
// that idle or slow connections may pin. When the limit is reached,
// Accept waits for a connection to close: further clients wait in the
// kernel's listen backlog instead of in an unbounded queue of ours.
type connLimit struct {
	net.Listener
	slots chan struct{}
}

func limitConns(ln net.Listener, n int) net.Listener {
	return &connLimit{Listener: ln, slots: make(chan struct{}, n)}
}

func (l *connLimit) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

// limitedConn gives its slot back once, on the first Close (the HTTP
// server and a hijacking WebSocket handler may both close it).
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
