//go:build !amd64 || purego

package automaton

// forEachKernel runs check once: there is no block kernel to choose.
func forEachKernel(check func()) { check() }
