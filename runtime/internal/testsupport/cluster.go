package testsupport

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Cluster is an in-process JetStream cluster: n nats-server nodes routed on
// loopback, file storage in the test's temp dirs, fsync before every
// acknowledgement (sync_interval: always), as docs/deployment.md asks of
// production.
type Cluster struct {
	Nodes []*server.Server
}

// StartCluster starts an n-node cluster and waits until it has a
// JetStream meta leader. The nodes stop when the test ends.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	// The route ports are found free and then given to the nodes, so a
	// test binary running beside this one (go test ./... runs packages
	// in parallel) can take one in between, and that node never becomes
	// ready: .ci/run saw it once. Fresh ports, a few times, end that race.
	c, err := startNodes(t, n)
	for attempt := 2; err != nil && attempt <= 3; attempt++ {
		t.Logf("testsupport: %v; again with fresh ports (attempt %d)", err, attempt)
		c, err = startNodes(t, n)
	}
	if err != nil {
		t.Fatal(err)
	}
	// Ready means an R(n) stream can be placed: every node has joined the
	// meta group (a leader alone is not enough).
	nc, err := nats.Connect(c.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "patternc-probe", Replicas: n, Storage: jetstream.MemoryStorage, Subjects: []string{"patternc-probe"}})
		if err == nil {
			err = js.DeleteStream(ctx, "patternc-probe")
		}
		cancel()
		if err == nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("testsupport: cluster cannot place an R%d stream after 30 s: %v", n, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startNodes starts n routed nodes on fresh ports and waits until each
// accepts connections; on failure it stops the ones it started.
func startNodes(t testing.TB, n int) (*Cluster, error) {
	ports := make([]int, n)
	for i := range ports {
		ports[i] = freePort(t)
	}
	var routes []*url.URL
	for _, p := range ports {
		routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", p)})
	}
	c := &Cluster{}
	stop := func() {
		for _, s := range c.Nodes {
			s.Shutdown()
			s.WaitForShutdown()
		}
	}
	base := t.TempDir()
	for i := 0; i < n; i++ {
		s, err := server.NewServer(&server.Options{
			ServerName: fmt.Sprintf("n%d", i),
			Host:       "127.0.0.1", Port: -1,
			JetStream: true, StoreDir: filepath.Join(base, fmt.Sprintf("n%d", i)), SyncAlways: true,
			Cluster: server.ClusterOpts{Name: "patternc", Host: "127.0.0.1", Port: ports[i]},
			Routes:  routes,
			NoLog:   true, NoSigs: true,
		})
		if err != nil {
			stop()
			return nil, err
		}
		go s.Start()
		c.Nodes = append(c.Nodes, s)
	}
	for i, s := range c.Nodes {
		if !s.ReadyForConnections(20 * time.Second) {
			stop()
			return nil, fmt.Errorf("testsupport: cluster node %d (route port %d) did not start", i, ports[i])
		}
	}
	t.Cleanup(stop)
	return c, nil
}

// URL is every node's client URL, comma-separated: a client connected to
// a node that stops reconnects to another.
func (c *Cluster) URL() string {
	var u []string
	for _, s := range c.Nodes {
		u = append(u, s.ClientURL())
	}
	return strings.Join(u, ",")
}

// Stop shuts node i down (its data stays on disk).
func (c *Cluster) Stop(i int) {
	c.Nodes[i].Shutdown()
	c.Nodes[i].WaitForShutdown()
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
