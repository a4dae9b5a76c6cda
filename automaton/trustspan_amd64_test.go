//go:build amd64 && !purego

package automaton

// forEachMasks runs check with quoteMasksSSE2 and, where the processor
// has AVX2, with quoteMasksAVX2.
func forEachMasks(check func()) {
	saved := masksAVX2
	defer func() { masksAVX2 = saved }()
	masksAVX2 = false
	check()
	if saved {
		masksAVX2 = true
		check()
	}
}
