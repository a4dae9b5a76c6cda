//go:build amd64 && !purego

package automaton

import "golang.org/x/sys/cpu"

// indexAVX2 selects indexBlocksAVX2 (tests set it to try both).
var indexAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasBMI1

// indexBlocksAVX2 is indexWords with two 32-byte compares per kind of
// byte and block, and escapedBits' steps in registers; it needs
// len(d) >= 64.
//
//go:noescape
func indexBlocksAVX2(d, q, bs []byte, from, to int, carry uint64) (carry2, any uint64)
