//go:build !race

package automaton

const raceEnabled = false
