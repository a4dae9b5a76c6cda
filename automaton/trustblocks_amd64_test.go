//go:build amd64 && !purego

package automaton

// forEachKernel runs check with finishBlocksSSE2 and, where the processor
// has what it needs, with finishBlocksAVX2.
func forEachKernel(check func()) {
	saved := blocksAVX2
	defer func() { blocksAVX2 = saved }()
	blocksAVX2 = false
	check()
	if saved {
		blocksAVX2 = true
		check()
	}
}
