//go:build race

package automaton

// raceEnabled: under the race detector sync.Pool drops a quarter of what
// is put back, at random, so allocation counts that rely on a pool vary.
const raceEnabled = true
