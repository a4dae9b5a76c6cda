//go:build amd64 && !purego

package automaton

// forEachMasks runs check with quoteMasksSSE2 and, where the processor
// has AVX2, with quoteMasksAVX2.
func forEachMasks(check func()) { forEachAVX2(&masksAVX2, check) }
