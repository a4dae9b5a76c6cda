// Package crashtest is the harness of the runtime's crash tests: the test
// binary re-runs itself as a child process that accepts work and prints
// each acknowledged id, the parent kills it with SIGKILL mid-delivery,
// starts it again on the same data directory, and checks the durable
// delivery log.
package crashtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	envMode = "PATTERNC_CRASH_MODE"
	envDir  = "PATTERNC_CRASH_DIR"
	logName = "deliveries.log"
)

// Main runs the tests, or, in a child process, child(mode, dir) until the
// parent kills it. Call it from TestMain.
func Main(m *testing.M, child func(mode, dir string)) {
	ServeChild(child)
	os.Exit(m.Run())
}

// ServeChild, in a child process, runs child(mode, dir) until the parent
// kills it, and never returns; in the parent it returns at once. TestMain
// functions that do more than Main call it first.
func ServeChild(child func(mode, dir string)) {
	if mode := os.Getenv(envMode); mode != "" {
		child(mode, os.Getenv(envDir))
		select {} // run until killed
	}
}

// Recorder appends delivered ids to the delivery log, fsynced, so what the
// parent reads survived the kill.
type Recorder struct {
	mu sync.Mutex
	f  *os.File
}

// NewRecorder opens the delivery log of dir.
func NewRecorder(dir string) (*Recorder, error) {
	f, err := os.OpenFile(filepath.Join(dir, logName), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	return &Recorder{f: f}, err
}

// Record logs one delivery.
func (r *Recorder) Record(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.f.WriteString(id + "\n"); err != nil {
		return err
	}
	return r.f.Sync()
}

// Child is a started child process.
type Child struct {
	t        testing.TB
	cmd      *exec.Cmd
	sc       *bufio.Scanner
	Accepted map[string]bool // ids the child acknowledged ("accepted ID" lines)
}

// Start runs the test binary as a child in mode on dir.
func Start(t testing.TB, dir, mode string) *Child {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envMode+"="+mode, envDir+"="+dir)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &Child{t: t, cmd: cmd, sc: bufio.NewScanner(stdout), Accepted: map[string]bool{}}
}

// ReadAccepted reads acknowledgements until n are in, or the child closes
// its output.
func (c *Child) ReadAccepted(n int) {
	for len(c.Accepted) < n && c.sc.Scan() {
		if id, ok := strings.CutPrefix(c.sc.Text(), "accepted "); ok {
			c.Accepted[id] = true
		}
	}
}

// Kill sends SIGKILL, keeps every acknowledgement printed before it, and
// waits for the process to end.
func (c *Child) Kill() {
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.ReadAccepted(int(^uint(0) >> 1))
	c.cmd.Wait()
}

// Deliveries counts each id of dir's delivery log.
func Deliveries(dir string) map[string]int {
	data, _ := os.ReadFile(filepath.Join(dir, logName))
	got := map[string]int{}
	for _, id := range strings.Split(string(data), "\n") {
		if id != "" {
			got[id]++
		}
	}
	return got
}

// Total is the number of deliveries, duplicates included.
func Total(d map[string]int) int {
	n := 0
	for _, c := range d {
		n += c
	}
	return n
}

// WaitAll waits until every accepted id is in dir's delivery log and
// returns the log, or fails the test after timeout.
func WaitAll(t testing.TB, dir string, accepted map[string]bool, timeout time.Duration) map[string]int {
	deadline := time.Now().Add(timeout)
	for {
		got := Deliveries(dir)
		missing := 0
		for id := range accepted {
			if got[id] == 0 {
				missing++
			}
		}
		if missing == 0 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d accepted items never delivered after restart", missing, len(accepted))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Accept runs clients goroutines that call accept for items 0..n-1 and
// print every id it returns as acknowledged ("accepted ID"), the way a
// child tells the parent what it has committed. accept exits the process
// on error.
func Accept(clients, n int, accept func(i int) []string) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := c; i < n; i += clients {
				ids := accept(i)
				mu.Lock()
				for _, id := range ids {
					fmt.Println("accepted", id)
				}
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
}
