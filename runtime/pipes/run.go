package pipes

import (
	"context"
	"strings"
	"sync"
	"time"
)

// worker is one running pipe's goroutine.
type worker struct {
	version time.Time // the pipe's LastModifiedTime it runs
	cancel  context.CancelFunc
	done    chan struct{}
}

// Run moves records through the running pipes until ctx is done, and
// settles the pipes' transitional states: CREATING, STARTING and
// UPDATING become RUNNING or STOPPED as DesiredState asks, STOPPING
// becomes STOPPED once the pipe's batch in progress is finished, and a
// DELETING pipe is removed once stopped. Records are deleted from the
// source only after the target accepted them, so a pipe stopped or killed
// mid-batch delivers that batch again (at least once).
func (s *Service) Run(ctx context.Context) error {
	mirrored := make(chan struct{})
	go func() { defer close(mirrored); _ = s.shared.Run(ctx, s.env.Logf, s.syncShared) }()
	defer func() { <-mirrored }()
	workers := map[string]*worker{}
	stop := func(name string) {
		if w, ok := workers[name]; ok {
			w.cancel()
			<-w.done
			delete(workers, name)
		}
	}
	defer func() {
		for name := range workers {
			stop(name)
		}
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		s.mu.Lock()
		snapshot := make([]Pipe, 0, len(s.pipes))
		for _, p := range s.pipes {
			snapshot = append(snapshot, *p)
		}
		s.mu.Unlock()
		live := map[string]bool{}
		for _, p := range snapshot {
			live[p.Name] = true
			want := p.DesiredState == Running && p.CurrentState != Deleting
			if w, ok := workers[p.Name]; ok && (!want || !w.version.Equal(p.LastModifiedTime) && p.CurrentState == Updating) {
				stop(p.Name)
			}
			if want {
				if _, ok := workers[p.Name]; !ok {
					workers[p.Name] = s.startWorker(ctx, p)
				}
			}
			switch {
			case p.CurrentState == Deleting:
				s.settle(ctx, p.Name, p.LastModifiedTime, p.CurrentState, "")
			case want && p.CurrentState != Running:
				s.settle(ctx, p.Name, p.LastModifiedTime, p.CurrentState, Running)
			case !want && p.CurrentState != Stopped:
				s.settle(ctx, p.Name, p.LastModifiedTime, p.CurrentState, Stopped)
			}
		}
		for name := range workers {
			if !live[name] {
				stop(name)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.wake:
		case <-tick.C:
		}
	}
}

func (s *Service) startWorker(ctx context.Context, p Pipe) *worker {
	wctx, cancel := context.WithCancel(ctx)
	w := &worker{version: p.LastModifiedTime, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		s.loop(wctx, &p)
	}()
	return w
}

// pollers is how many batches of one pipe are in progress at once: the
// receiver's commits (and a queue target's) then share fsyncs, as AWS
// scales a queue source's pollers. A FIFO source has one, to keep order.
const pollers = 4

// loop receives batches for pipe p and processes them until ctx is done.
func (s *Service) loop(ctx context.Context, p *Pipe) {
	run, err := s.prepare(p)
	if err != nil {
		s.env.Logf("pipes: %s cannot run: %v", p.Name, err)
		<-ctx.Done()
		return
	}
	n := pollers
	if strings.HasSuffix(p.queue(), ".fifo") {
		n = 1
	}
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.poll(ctx, p, run)
		}()
	}
	wg.Wait()
}

// poll is one poller of a running pipe.
func (s *Service) poll(ctx context.Context, p *Pipe, run *runner) {
	for ctx.Err() == nil {
		msgs := s.collect(ctx, p)
		if len(msgs) == 0 {
			continue
		}
		// The batch is finished even when the pipe is being stopped: its
		// messages are hidden on the source until then.
		run.batch(context.WithoutCancel(ctx), msgs)
	}
}

// collect gathers one batch: up to the batch size, waiting at most the
// batching window once the first message is in (a window of 0 takes what
// one receive finds).
func (s *Service) collect(ctx context.Context, p *Pipe) []Message {
	size, window := p.batchSize(), p.batchWindow()
	var out []Message
	var deadline time.Time
	for ctx.Err() == nil && len(out) < size {
		wait := s.opts.Poll
		if len(out) > 0 {
			left := time.Until(deadline)
			if left <= 0 {
				break
			}
			if left < wait {
				wait = left
			}
		}
		n := size - len(out)
		if n > 10 {
			n = 10
		}
		msgs, err := s.opts.Queues.Receive(ctx, p.queue(), n, wait)
		if err != nil {
			if ctx.Err() == nil {
				s.env.Logf("pipes: %s: receiving from %s: %v", p.Name, p.queue(), err)
				sleep(ctx, time.Second)
			}
			return out
		}
		if len(out) == 0 {
			if len(msgs) == 0 {
				return nil
			}
			deadline = time.Now().Add(window)
		}
		out = append(out, msgs...)
		if window == 0 && len(msgs) < n {
			break
		}
	}
	return out
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
