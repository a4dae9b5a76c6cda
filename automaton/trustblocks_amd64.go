//go:build amd64 && !purego

package automaton

import "golang.org/x/sys/cpu"

// haveBlocks: finishBlocks and stringBlocks are the kernels of
// trustblocks_amd64.s: SSE2, part of every amd64 processor, and AVX2
// where the processor has it. The build tag purego selects the pure-Go
// skipper instead.
const haveBlocks = true

// finishBlocks is finishTrusted 64 bytes at a step: from d[i] (inside a
// string when in is all ones, else zero) it classifies each block's
// bytes with SIMD compares — quotes, backslashes, opening and closing
// brackets, one bit per byte — finds the bytes escaped by odd runs of
// backslashes (adding a run's first bit to the run carries onto the byte
// after it; where the run started, at an odd or an even byte, tells its
// parity from where the carry lands; an escape at a block's end carries
// into the next), marks the bytes inside strings by a prefix XOR of the
// quote bits not escaped, and walks the brackets outside strings in
// order. The last bytes, fewer than 64, are the last 64 bytes of the
// input with those read already masked off. It returns the position
// after the bracket that closes the last open container (done), or, not
// done, the start of the first block with a backslash outside a string
// (the byte-wise definition has no escape there, so finishWords reads
// it; valid JSON never has one), or len(d), or i of an input shorter
// than a block, with the count and the state there, past a byte escaped
// from the block before.
//
// finishBlocksAVX2 does it with 32-byte compares and the prefix XOR as a
// carry-less multiplication, where the processor has AVX2, PCLMULQDQ,
// BMI1 and POPCNT (blocksAVX2); finishBlocksAVX512 with 64-byte compares
// into mask registers where it also has AVX-512F, BW and VBMI
// (blocksAVX512):
// in-process A/B, on-off median of 600 rounds, cloudtrail-large trusted
// -4.06 %, mixed-10000 trusted -1.25 and -1.51 %; finishBlocksSSE2 on
// any amd64. (Valgrind's CPU has no AVX-512: callgrind counts the AVX2
// kernel.)
func finishBlocks(d []byte, i, open int, in uint64) (end, open2 int, in2 uint64, done bool) {
	if blocksAVX512 {
		return finishBlocksAVX512(d, i, open, in)
	}
	if blocksAVX2 {
		return finishBlocksAVX2(d, i, open, in)
	}
	return finishBlocksSSE2(d, i, open, in)
}

// blocksAVX2 selects finishBlocksAVX2 (tests set it to try both).
var blocksAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasPCLMULQDQ && cpu.X86.HasBMI1 && cpu.X86.HasPOPCNT

// blocksAVX512 selects finishBlocksAVX512 over both (tests set it to try
// each), and the other AVX-512 kernels (runs512, masksAVX512). It asks
// for AVX-512 VBMI too, which no processor has that lowers its clock for
// 512-bit instructions (Skylake-SP and Cascade Lake, where the kernels'
// short bursts would slow the code around them): Ice Lake and later, and
// Zen 4, have it, as simdjson's AVX-512 kernel asks for the same reason.
var blocksAVX512 = blocksAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI

//go:noescape
func finishBlocksAVX512(d []byte, i, open int, in uint64) (end, open2 int, in2 uint64, done bool)

//go:noescape
func finishBlocksSSE2(d []byte, i, open int, in uint64) (end, open2 int, in2 uint64, done bool)

//go:noescape
func finishBlocksAVX2(d []byte, i, open int, in uint64) (end, open2 int, in2 uint64, done bool)

// stringBlocks is skipStringTrusted 16 bytes at a step: from d[i], in a
// string, it returns the position after the closing quote (done), or,
// not done, the first position with fewer than 16 bytes left (or one
// past it, after an escape).
//
//go:noescape
func stringBlocks(d []byte, i int) (end int, done bool)
