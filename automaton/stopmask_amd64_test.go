//go:build amd64 && !purego

package automaton

// forEachStops runs check with asciiStopMaskSSE2 and, where the processor
// has AVX2, with asciiStopMaskAVX2.
func forEachStops(check func()) { eachWay(&stopsAVX2, check) }
