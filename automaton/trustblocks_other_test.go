//go:build !amd64 || purego

package automaton

// forEachKernel runs check once: there is no block kernel to choose.
func forEachKernel(check func()) { check() }

// forEachRunKernel runs check once: there is no run kernel to choose.
func forEachRunKernel(check func(kernel string)) { check("memberRun.test") }
