//go:build amd64 && !purego

package automaton

// runsOn says whether passMembers keeps runs (memberrun.go): where the
// processor has AVX2, whose compares test a run's bytes 32 at a time.
var runsOn = blocksAVX2

// runBytes tells whether the nb 32-byte blocks at p (nb from 1 to 8)
// pass run t's test (memberRun.test, the definition): runBytesAVX512
// where the AVX-512 kernels run (runs512: blocksAVX512), else
// runBytesAVX2.
func runBytes(p *byte, t *memberRun, nb int) bool {
	if runs512 {
		return runBytesAVX512(p, t, nb)
	}
	return runBytesAVX2(p, t, nb)
}

// runs512 selects runBytesAVX512 (tests set it to try both).
var runs512 = blocksAVX512

//go:noescape
func runBytesAVX2(p *byte, t *memberRun, nb int) bool

//go:noescape
func runBytesAVX512(p *byte, t *memberRun, nb int) bool
