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
// bytes with SSE2 compares — quotes, backslashes, opening and closing
// brackets, one bit per byte — marks the bytes inside strings by a
// prefix XOR of the quote bits, and walks the brackets outside strings
// in order; the last bytes, fewer than 64, are the last 64 bytes of the
// input with those read already masked off. It returns the position
// after the bracket that closes the last open container (done), or, not
// done, the start of the first block with a backslash, or len(d), or i
// of an input shorter than a block, with the count and the state there:
// finishWords takes it from there.
//
// finishBlocksAVX2 does it with 32-byte compares and the prefix XOR as a
// carry-less multiplication, where the processor has both (blocksAVX2);
// finishBlocksSSE2 on any amd64.
func finishBlocks(d []byte, i, open int, in uint64) (end, open2 int, in2 uint64, done bool) {
	if blocksAVX2 {
		return finishBlocksAVX2(d, i, open, in)
	}
	return finishBlocksSSE2(d, i, open, in)
}

// blocksAVX2 selects finishBlocksAVX2 (tests set it to try both).
var blocksAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasPCLMULQDQ

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
