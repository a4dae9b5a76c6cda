package bench

import (
	"fmt"
	"math/rand"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
)

// exactPatterns compiles n distinct exact patterns the way the
// exact-100000 family makes them, with their ids.
func exactPatterns(b *testing.B, r *rand.Rand, from, n int, prefix string) ([]automaton.ID, []*compiler.Pattern) {
	ids := make([]automaton.ID, n)
	ps := make([]*compiler.Pattern, n)
	for i := range ps {
		p, err := compiler.Compile([]byte(exactUnique(r, from+i)), compiler.EventBridge, nil)
		if err != nil {
			b.Fatal(err)
		}
		ids[i], ps[i] = automaton.ID(fmt.Sprint(prefix, from+i)), p
	}
	return ids, ps
}

// cpuClock reads the CPU time of the calling thread and of the whole
// process (the latter includes the garbage collector's workers).
func cpuClock() (thread, process time.Duration) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	thread = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return thread, time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAddInto100k measures single Adds into a machine of 100 000
// exact patterns, as the bench's Add/s column does: batches of 1000 Adds,
// each but the last followed by the same patterns' deletion (untimed). Besides wall
// time it reports the CPU time of the adding thread and of the process
// (GC workers included) per Add, which a loaded machine does not inflate.
func BenchmarkAddInto100k(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	ids, ps := exactPatterns(b, r, 0, 100000, "")
	m := automaton.New(automaton.Config{})
	if err := m.AddAll(ids, ps); err != nil {
		b.Fatal(err)
	}
	more, mps := exactPatterns(b, r, 100000, 1000, "extra-")
	runtime.GC() // as the bench does after AddAll: no collection of the set-up's garbage in the Adds
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var thread, process time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		n := min(len(more), b.N-i)
		t0, p0 := cpuClock()
		for k := range n {
			if err := addOne(m, more[k], mps[k]); err != nil {
				b.Fatal(err)
			}
		}
		t1, p1 := cpuClock()
		thread, process = thread+t1-t0, process+p1-p0
		if i += n; i < b.N {
			b.StopTimer()
			for _, id := range more[:n] {
				m.Delete(id)
			}
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "patterns/s")
	b.ReportMetric(float64(thread.Nanoseconds())/float64(b.N), "thread-cpu-ns/op")
	b.ReportMetric(float64(process.Nanoseconds())/float64(b.N), "process-cpu-ns/op")
}

// BenchmarkAddAll100k measures one AddAll of 100 000 exact patterns into
// an empty machine, with the CPU time of the adding thread and of the
// process per pattern.
func BenchmarkAddAll100k(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	ids, ps := exactPatterns(b, r, 0, 100000, "")
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var thread, process time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		t0, p0 := cpuClock()
		if err := automaton.New(automaton.Config{}).AddAll(ids, ps); err != nil {
			b.Fatal(err)
		}
		t1, p1 := cpuClock()
		thread, process = thread+t1-t0, process+p1-p0
	}
	n := float64(b.N * len(ps))
	b.ReportMetric(n/b.Elapsed().Seconds(), "patterns/s")
	b.ReportMetric(float64(thread.Nanoseconds())/n, "thread-cpu-ns/op")
	b.ReportMetric(float64(process.Nanoseconds())/n, "process-cpu-ns/op")
}

// addOne is Machine.Add out of line, so that an instruction-counting
// profiler can collect exactly the Adds (valgrind --tool=callgrind
// --toggle-collect=github.com/patternc/patternc/bench.addOne).
//
//go:noinline
func addOne(m *automaton.Machine, id automaton.ID, p *compiler.Pattern) error {
	return m.Add(id, p)
}
