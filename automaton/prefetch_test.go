package automaton

import "testing"

// TestPrefetchInput: prefetchInput takes any input — empty, shorter than
// a line, not aligned, past its first kilobyte — and changes nothing
// (a prefetch reads nothing into the program: the kernel's loop must
// stop at the input's end, which the race detector's and the fuzzers'
// runs of Match check too).
func TestPrefetchInput(t *testing.T) {
	buf := make([]byte, 5000)
	for i := range buf {
		buf[i] = byte(i)
	}
	for _, off := range []int{0, 1, 63} {
		for _, n := range []int{0, 1, 64, 65, 127, 128, 129, 1024, 1025, 4000} {
			d := buf[off : off+n]
			prefetchInput(d)
			for i := range d {
				if d[i] != byte(off+i) {
					t.Fatalf("offset %d, length %d: byte %d changed", off, n, i)
				}
			}
		}
	}
}

// TestPrefetchClause: prefetchClause takes a clause of any size, the last
// of its allocation or not, and changes nothing.
func TestPrefetchClause(t *testing.T) {
	for _, cl := range []*clauseRec{new(clauseRec), &new(rangedClause).r, &make([]clauseRec, 3)[2]} {
		cl.n, cl.kind = 3, decideOthers
		want := *cl
		prefetchClause(cl)
		if cl.n != want.n || cl.kind != want.kind || cl.field0 != want.field0 {
			t.Fatalf("prefetchClause changed the clause: %+v, was %+v", *cl, want)
		}
	}
}
