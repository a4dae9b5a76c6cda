//go:build !amd64 || purego

package automaton

// validStringBlock has no kernel here: it answers -1 (undecided), and
// the word-at-a-time readers read every string.
func validStringBlock(d []byte, j int) (end, esc int, wide bool) {
	return -1, 0, false
}
