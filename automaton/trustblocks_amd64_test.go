//go:build amd64 && !purego

package automaton

// forEachKernel runs check with finishBlocksSSE2 and, where the processor
// has what they need, with finishBlocksAVX2 and finishBlocksAVX512.
func forEachKernel(check func()) { forEachSIMD(&blocksAVX2, &blocksAVX512, check) }

// forEachSIMD runs check with the SSE2 kernel that *useAVX2 and
// *useAVX512 select when both are false, then with the AVX2 one, and
// with the AVX-512 one, each where the processor has it (eachWay).
func forEachSIMD(useAVX2, useAVX512 *bool, check func()) {
	eachWay(useAVX512, func() {
		if *useAVX512 {
			check()
		} else {
			eachWay(useAVX2, check)
		}
	})
}

// eachWay runs check with the kernel choice *use false and, where it is
// true to begin with (the processor has what the kernel it selects
// needs), again with it true; and puts the choice back.
func eachWay(use *bool, check func()) {
	saved := *use
	defer func() { *use = saved }()
	*use = false
	check()
	if saved {
		*use = true
		check()
	}
}

// forEachRunKernel runs check with runBytesAVX2 and, where the processor
// has AVX-512BW, with runBytesAVX512, named.
func forEachRunKernel(check func(kernel string)) {
	eachWay(&runs512, func() {
		kernel := "runBytesAVX2"
		if runs512 {
			kernel = "runBytesAVX512"
		}
		check(kernel)
	})
}
