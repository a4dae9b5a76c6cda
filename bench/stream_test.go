package bench

import (
	"runtime"
	"syscall"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/patternc/patternc/automaton"
)

// BenchmarkStream matches a family's events as a stream: 200 000 events
// (about 80 MB for the aws corpus), each read once per pass, so that
// every event comes from memory, not the cache, as a third of them do in
// the acceptance run (a contender that reads a chunk first). BenchmarkFamilies
// cycles 5000 events, which stay in the cache. The fastjson sub-benchmark is
// the baseline on the same events. Run it with -test.benchtime 200000x
// and GOMAXPROCS=1; cpu-ns/op is the process's CPU time per event.
func BenchmarkStream(b *testing.B) {
	for _, name := range []string{"multi-field", "mixed-10000", "escapes-unicode"} {
		var m *automaton.Machine
		var evs [][]byte
		load := func(b *testing.B) {
			if m == nil {
				m, evs, _ = loadFamily(b, name, 200000)
			}
		}
		for _, path := range []string{"fastjson", "match", "trusted"} {
			b.Run(name+"/"+path, func(b *testing.B) {
				load(b)
				mt := m.NewMatcher()
				var dst []automaton.ID
				var p fastjson.Parser
				for _, ev := range evs[:1000] { // warm the scratch
					dst, _ = mt.MatchTrusted(dst, ev)
					dst, _ = mt.Match(dst, ev)
					_, _ = p.ParseBytes(ev)
				}
				runtime.GC()
				b.ResetTimer()
				cpu0 := cpuTime()
				for i := 0; i < b.N; i++ {
					ev := evs[i%len(evs)]
					switch path {
					case "fastjson":
						_, _ = p.ParseBytes(ev)
					case "match":
						dst, _ = mt.Match(dst[:0], ev)
					default:
						dst, _ = mt.MatchTrusted(dst[:0], ev)
					}
				}
				b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// cpuTime is the process's user and system time in nanoseconds: on a
// loaded machine, where the wall clock counts the time other processes
// run, it is the steadier clock (run with GOMAXPROCS=1).
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
