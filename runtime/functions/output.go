package functions

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Output bounds [P, after AWS's quotas]: one log event holds at most
// 256 KB (longer lines are split, as CloudWatch Logs splits them); one
// invocation keeps at most OutputLimit bytes of output, the rest is
// drained from the pipe, counted and dropped, so a handler printing
// 100 MB costs the pipe's throughput and not memory or disk.
const (
	maxEventBytes = 256 << 10
	tailBytes     = 4 << 10 // LogType=Tail [AWS]
)

// output reads one process's stdout and stderr (one pipe, so their lines
// keep their order) into log events for its stream.
type output struct {
	pipe  *os.File
	limit int
	drops *atomic.Int64 // the service's counter of dropped bytes

	mu      sync.Mutex
	pending []LogEvent
	tail    []byte // text of the current invocation, trimmed to tailBytes
	used    int    // bytes of output this invocation
	dropped int    // bytes dropped this invocation

	inRead atomic.Bool  // the reader is in (or about to enter) read(2)
	reads  atomic.Int64 // completed reads
	done   chan struct{}
}

func newOutput(pipe *os.File, limit int, drops *atomic.Int64) *output {
	o := &output{pipe: pipe, limit: limit, drops: drops, done: make(chan struct{})}
	go o.read()
	return o
}

func (o *output) read() {
	defer close(o.done)
	buf := make([]byte, 64<<10)
	var line []byte // a partial line waiting for its newline
	for {
		o.inRead.Store(true)
		n, err := o.pipe.Read(buf)
		o.inRead.Store(false)
		chunk := buf[:n]
		o.mu.Lock()
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				room := maxEventBytes - len(line)
				if len(chunk) >= room {
					line = append(line, chunk[:room]...)
					o.addLocked(string(line), false)
					line, chunk = line[:0], chunk[room:]
					continue
				}
				line = append(line, chunk...)
				break
			}
			part := chunk[:i]
			chunk = chunk[i+1:]
			for len(line)+len(part) > maxEventBytes {
				room := maxEventBytes - len(line)
				line = append(line, part[:room]...)
				o.addLocked(string(line), false)
				line, part = line[:0], part[room:]
			}
			line = append(line, part...)
			o.addLocked(string(bytes.TrimSuffix(line, []byte("\r"))), false)
			line = line[:0]
		}
		if err != nil && len(line) > 0 {
			o.addLocked(string(line), false)
		}
		o.mu.Unlock()
		o.reads.Add(1)
		if err != nil {
			return
		}
	}
}

// addLocked records one line. Platform lines (START, END, REPORT, errors
// the platform writes) are always kept; the function's own are kept
// within the invocation's budget.
func (o *output) addLocked(msg string, platform bool) {
	if !platform {
		if o.used+len(msg) > o.limit {
			o.dropped += len(msg) + 1
			o.drops.Add(int64(len(msg) + 1))
			return
		}
		o.used += len(msg) + 1
	}
	o.pending = append(o.pending, LogEvent{Time: time.Now().UTC(), Message: msg})
	o.tail = append(o.tail, msg...)
	o.tail = append(o.tail, '\n')
	if len(o.tail) > 2*tailBytes {
		o.tail = append(o.tail[:0], o.tail[len(o.tail)-tailBytes:]...)
	}
}

// platform writes a line of the platform's own.
func (o *output) platform(msg string) {
	o.mu.Lock()
	o.addLocked(msg, true)
	o.mu.Unlock()
}

// begin starts a new invocation's budget and tail.
func (o *output) begin() {
	o.mu.Lock()
	o.used, o.dropped = 0, 0
	o.tail = o.tail[:0]
	o.mu.Unlock()
}

// finish notes dropped output and returns the invocation's last 4 KB.
func (o *output) finish() (tail []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dropped > 0 {
		o.addLocked(fmt.Sprintf("patternc: %d bytes of output dropped: over the limit of %d bytes per invocation", o.dropped, o.limit), true)
	}
	t := o.tail
	if len(t) > tailBytes {
		t = t[len(t)-tailBytes:]
	}
	return append([]byte(nil), t...)
}

// take returns the events not yet handed to the log sink.
func (o *output) take() []LogEvent {
	o.mu.Lock()
	defer o.mu.Unlock()
	ev := o.pending
	o.pending = nil
	return ev
}

// settle waits (at most max) until what the process wrote before now has
// been read: a handler prints and then answers, and its lines must land
// before the END line that follows the answer.
func (o *output) settle(max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		select {
		case <-o.done:
			return
		default:
		}
		n := o.reads.Load()
		if o.inRead.Load() && pipeEmpty(o.pipe) {
			time.Sleep(200 * time.Microsecond)
			if o.reads.Load() == n && o.inRead.Load() {
				return
			}
			continue
		}
		time.Sleep(100 * time.Microsecond)
	}
}
