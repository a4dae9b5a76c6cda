//go:build !amd64 || purego

package automaton

// quoteMasks returns the quotes and the backslashes among d[i:i+64] as
// bit masks, bit k for d[i+k]; the caller has checked i+64 <= len(d).
// Here, without the amd64 kernels, a word at a time.
func quoteMasks(d []byte, i int) (q, b uint64) {
	return quoteMasksWords(d, i)
}
