//go:build amd64 && !purego

package automaton

// forEachMasks runs check with quoteMasksSSE2 and, where the processor
// has what they need, with quoteMasksAVX2 and quoteMasksAVX512.
func forEachMasks(check func()) {
	saved := masksAVX512
	defer func() { masksAVX512 = saved }()
	masksAVX512 = false
	forEachAVX2(&masksAVX2, check)
	if saved {
		masksAVX512 = true
		check()
	}
}
