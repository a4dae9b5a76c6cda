//go:build !amd64 || purego

package automaton

// forEachMasks runs check once: there is no kernel to choose.
func forEachMasks(check func()) { check() }
