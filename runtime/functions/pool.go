package functions

import (
	"sync"
	"time"
)

// pool holds a function's processes: idle (warm) ones waiting for work
// and a count of all, bounded by the function's concurrency.
type pool struct {
	mu    sync.Mutex
	idle  []*sandbox // most recently used last: it is taken first
	total int        // idle + busy + starting
}

// acquire returns a warm sandbox, or reports that the caller may start a
// new one (cold), or neither when max are taken (a throttle).
func (p *pool) acquire(max int) (sb *sandbox, startNew bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for n := len(p.idle); n > 0; n = len(p.idle) {
		sb = p.idle[n-1]
		p.idle = p.idle[:n-1]
		select {
		case <-sb.exited: // it ended while idle: clean up, look further
			p.total--
			go sb.stop()
			continue
		default:
		}
		return sb, false
	}
	if p.total < max {
		p.total++
		return nil, true
	}
	return nil, false
}

// release returns a healthy sandbox to the idle list; an unhealthy one
// (or one of an older code version) is stopped.
func (p *pool) release(sb *sandbox, healthy bool) {
	if healthy {
		sb.lastUsed = time.Now()
		p.mu.Lock()
		p.idle = append(p.idle, sb)
		p.mu.Unlock()
		return
	}
	p.mu.Lock()
	p.total--
	p.mu.Unlock()
	go sb.stop()
}

// cancelStart gives back the slot of a start that failed.
func (p *pool) cancelStart() {
	p.mu.Lock()
	p.total--
	p.mu.Unlock()
}

// reap stops sandboxes idle since before cutoff (all of them with a zero
// cutoff) and returns how many it stopped.
func (p *pool) reap(cutoff time.Time, all bool) int {
	p.mu.Lock()
	var keep, stop []*sandbox
	for _, sb := range p.idle {
		if all || sb.lastUsed.Before(cutoff) {
			stop = append(stop, sb)
		} else {
			keep = append(keep, sb)
		}
	}
	p.idle = keep
	p.total -= len(stop)
	p.mu.Unlock()
	for _, sb := range stop {
		sb.stop()
	}
	return len(stop)
}

// counts returns the number of idle and all processes.
func (p *pool) counts() (idle, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle), p.total
}

// StopIdle stops a function's idle processes (its next invocation starts
// cold) and returns how many it stopped.
func (s *Service) StopIdle(nameOrARN string) int {
	fn, err := s.lookup(nameOrARN)
	if err != nil {
		return 0
	}
	return fn.pool.reap(time.Time{}, true)
}
