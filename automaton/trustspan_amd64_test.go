//go:build amd64 && !purego

package automaton

// forEachMasks runs check with quoteMasksSSE2 and, where the processor
// has what they need, with quoteMasksAVX2 and quoteMasksAVX512.
func forEachMasks(check func()) { forEachSIMD(&masksAVX2, &masksAVX512, check) }
