//go:build amd64 && !purego

package automaton

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
func prefetchInput(d []byte) {
	if n := min(len(d), 1024); n > 64 {
		prefetchLines(&d[64], n-64)
	}
}
