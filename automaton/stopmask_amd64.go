//go:build amd64 && !purego

package automaton

import "golang.org/x/sys/cpu"

// asciiStopMask returns the quotes, backslashes, control characters and
// bytes over 0x7F among d[i:i+64] as a bit mask, bit k for d[i+k]; the
// caller has checked i+64 <= len(d). It goes on to asciiStopMaskAVX2
// (three 32-byte compares per half) where the processor has AVX2, else
// to asciiStopMaskSSE2 (16 bytes a step), chosen in assembly as
// quoteMasks chooses. A control character and a byte over 0x7F are one
// signed compare: as signed bytes, both are below 0x20.
//
// Measured and not kept: an AVX-512 kernel (one 64-byte compare per
// kind into a mask register, 12 instructions against 20), as the
// trusted path's kernels have: in-process A/B, on-off median of 300
// rounds, Match mixed-10000 -1.44 %, escapes-unicode +0.28, cloudtrail-
// large -0.00, exact +0.34: the call, not the compares, is its cost.
//
//go:noescape
func asciiStopMask(d []byte, i int) uint64

// stopsAVX2 selects asciiStopMaskAVX2 (tests set it to try both).
var stopsAVX2 = cpu.X86.HasAVX2

//go:noescape
func asciiStopMaskAVX2(d []byte, i int) uint64

//go:noescape
func asciiStopMaskSSE2(d []byte, i int) uint64
