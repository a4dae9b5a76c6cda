//go:build amd64 && !purego

package automaton

import "unsafe"

// prefetchLines asks for the cache lines of p[0:n] (n > 0) at once
// (prefetch_amd64.s).
//
//go:noescape
func prefetchLines(p *byte, n int)

// prefetchInput asks for the lines of an input about to be read, so that
// their misses overlap: an event not in the cache otherwise waits for its
// lines one after another, as the reading reaches each, where the
// hardware's stream detection has not yet caught on (a new event starts
// a new stream). The first kilobyte is asked for; beyond it the detection
// has.
//
// Rule data is asked for ahead only where its address needs no load
// (prefetchClause, below). Other rule data was tried too,
// at mixed-10000, where events of one kind follow another's and their
// rules' lines have left L1 (paired thread CPU, 400-1200 pairs, load
// 6-10): the path records' first lines of an object's members, in the
// order the nameMemo predicts from its first name, all asked for at its
// start (a walk of 25 memo nodes an event: +843 instr/event, trusted
// +75..85 ns, Match +71 ns; the prefetches alone, walk kept: +7 ns);
// a predicate record's line asked for as the predicate fires, for the
// listing kernel (trusted +31, Match +20 ns). What is asked for is
// a clause a range hands straight to deciding (prefetchClause, from
// hitRange): its address is in the range's entry, with no load to wait
// for, and its lines are read only once the scan of the event is over.
//
// The first line is asked for too, first: the scan's first read (skipWS
// at d[0]) waits for it (perf put ~3.5% of mixed-10000 Match's samples
// there), and asked for ahead of the others and of begin's work it comes
// sooner. Left to that read, it had measured no gain at mixed-10000
// Match (paired thread CPU, median on-off +2.5 ns/event, 400 pairs, load
// 8; +4.8, 1500 pairs, the other build order, load 12); the A/B harness
// (in-process, alternating whole-corpus passes, GOMAXPROCS=1), on-off
// median per round (q1, q3), two runs each: escapes-unicode trusted
// -1.62% (-4.02, +1.18) and -1.12% (-3.01, +0.64), 300 rounds, -1.43%
// (-4.26, +1.12) and -1.11% (-4.22, +1.95), 1000 rounds; multi-field
// trusted -1.80, -2.70 (300), -2.86, -2.79 (1000; q3 +0.45, +0.62);
// exact trusted -3.90 (-7.59, -0.11), -2.75 (-6.14, -0.06); mixed-10000
// trusted -0.98, -0.88; cloudtrail-large trusted -1.10, -0.82; Match
// escapes-unicode -1.53, -1.44, mixed-10000 -0.85, -0.72, multi-field
// -1.14, -1.32, exact +0.09, -0.29 (300 rounds; quartiles about +-3 %);
// a third pair, this function against the old one, escapes-unicode
// trusted -1.72 (-5.07, +2.15) and -1.54 (-4.48, +0.93). Instructions unchanged (callgrind trusted
// escapes-unicode 3911.4 -> 3911.4/event, multi-field 4005.0 -> 4006.4;
// the offset and its bounds check go). (Without any prefetch,
// escapes-unicode trusted is +23 %, multi-field +4..5 %: these events
// come from beyond L2.) Measured and dropped (A/B, 300 rounds, two
// runs): PREFETCHNTA for T0 (events are read once), escapes-unicode
// +0.23, -0.00 %, multi-field +0.70, -0.32, mixed-10000 +1.34, +0.60;
// the first 2 KB asked for, not 1, cloudtrail-large +0.11, +0.32,
// mixed-10000 +0.17, +0.92.
func prefetchInput(d []byte) {
	if n := min(len(d), 1024); n > 0 {
		prefetchLines(unsafe.SliceData(d), n)
	}
}

// prefetchClause asks for the first two lines of the clause at cl: a
// rangedClause's record and its pattern and kept entries (lazyrange.go).
// A smaller record has a neighbour's line after it, which a prefetch
// only brings in: it reads nothing into the program and cannot fault.
func prefetchClause(cl *clauseRec) {
	prefetchLines((*byte)(unsafe.Pointer(cl)), 128)
}
