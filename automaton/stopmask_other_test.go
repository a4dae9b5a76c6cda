//go:build !amd64 || purego

package automaton

// forEachStops runs check once: there is no kernel to choose.
func forEachStops(check func()) { check() }
