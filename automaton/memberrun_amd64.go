//go:build amd64 && !purego

package automaton

// runsOn says whether passMembers keeps runs (memberrun.go): where the
// processor has AVX2, whose compares test a run's bytes 32 at a time.
var runsOn = blocksAVX2

// runBytesAVX2 tells whether the nb 32-byte blocks at p (nb from 1 to 8)
// pass run t's test (memberRun.test, the definition).
//
//go:noescape
func runBytesAVX2(p *byte, t *memberRun, nb int) bool
