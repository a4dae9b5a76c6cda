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
