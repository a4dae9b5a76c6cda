//go:build amd64 && !purego

package automaton

import "golang.org/x/sys/cpu"

// skipCompactAVX2 is skipCompact's kernel (skipcompact_amd64.s): the end
// of the container at d[i] (depth levels down), or -1 where it leaves
// the container to skipContainer. The processor has AVX2 (stopsAVX2).
//
//go:noescape
func skipCompactAVX2(d []byte, i, depth int) int

// skipCompact returns the end of the container at d[i] of compact JSON
// whose strings are plain ASCII, validated as skipContainer validates
// it, or -1 for any other (skipContainer reads those, and writes the
// errors).
func skipCompact(d []byte, i, depth int) int {
	if !skipCompactOn {
		return -1
	}
	return skipCompactAVX2(d, i, depth)
}

// skipCompactOn is whether skipCompact runs its kernel (the processor
// has AVX2, and BMI1 for the kernel's TZCNT and BLSR).
var skipCompactOn = stopsAVX2 && cpu.X86.HasBMI1
