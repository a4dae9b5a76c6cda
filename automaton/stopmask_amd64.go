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
//go:noescape
func asciiStopMask(d []byte, i int) uint64

// stopsAVX2 selects asciiStopMaskAVX2 (tests set it to try both).
var stopsAVX2 = cpu.X86.HasAVX2

//go:noescape
func asciiStopMaskAVX2(d []byte, i int) uint64

//go:noescape
func asciiStopMaskSSE2(d []byte, i int) uint64
