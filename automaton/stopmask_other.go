//go:build !amd64 || purego

package automaton

// asciiStopMask returns the quotes, backslashes, control characters and
// bytes over 0x7F among d[i:i+64] as a bit mask, bit k for d[i+k]; the
// caller has checked i+64 <= len(d). Here, without the amd64 kernels, a
// word at a time.
func asciiStopMask(d []byte, i int) uint64 {
	return asciiStopMaskWords(d, i)
}
