//go:build amd64 && !purego

package automaton

// forEachKernel runs check with finishBlocksSSE2 and, where the processor
// has what they need, with finishBlocksAVX2 and finishBlocksAVX512.
func forEachKernel(check func()) { forEachSIMD(&blocksAVX2, &blocksAVX512, check) }

// forEachSIMD runs check with the SSE2 kernel that *useAVX2 and
// *useAVX512 select when both are false, then as forEachAVX2 does with
// the AVX2 one, and, where the processor has AVX-512 (*useAVX512 is true
// to begin with), with the AVX-512 one; and puts the choices back.
func forEachSIMD(useAVX2, useAVX512 *bool, check func()) {
	saved := *useAVX512
	defer func() { *useAVX512 = saved }()
	*useAVX512 = false
	forEachAVX2(useAVX2, check)
	if saved {
		*useAVX512 = true
		check()
	}
}

// forEachAVX2 runs check with the SSE2 kernel that *useAVX2 selects when
// false and, where the processor has AVX2 (*useAVX2 is true to begin
// with), with the AVX2 one, and puts the choice back.
func forEachAVX2(useAVX2 *bool, check func()) {
	saved := *useAVX2
	defer func() { *useAVX2 = saved }()
	*useAVX2 = false
	check()
	if saved {
		*useAVX2 = true
		check()
	}
}

// forEachRunKernel runs check with runBytesAVX2 and, where the processor
// has AVX-512BW, with runBytesAVX512, named.
func forEachRunKernel(check func(kernel string)) {
	saved := runs512
	defer func() { runs512 = saved }()
	runs512 = false
	check("runBytesAVX2")
	if saved {
		runs512 = true
		check("runBytesAVX512")
	}
}
