//go:build amd64 && !purego

package automaton

// quoteMasks returns the quotes and the backslashes among d[i:i+64] as
// bit masks, bit k for d[i+k]; the caller has checked i+64 <= len(d).
// It goes on to quoteMasksAVX512 (one 64-byte compare per kind) where
// the AVX-512 kernels run (blocksAVX512), to quoteMasksAVX2 (two 32-byte compares
// per kind) where it has AVX2, else to quoteMasksSSE2 (four 16-byte
// ones): the choice is made in assembly, where a Go function making it
// did not inline and cost a call more per block.
//
//go:noescape
func quoteMasks(d []byte, i int) (q, b uint64)

// masksAVX2 selects quoteMasksAVX2 (tests set it to try both).
var masksAVX2 = blocksAVX2

// masksAVX512 selects quoteMasksAVX512 over both (one 64-byte compare
// per kind into a mask register, where the AVX-512 kernels run:
// blocksAVX512).
var masksAVX512 = blocksAVX512

//go:noescape
func quoteMasksAVX512(d []byte, i int) (q, b uint64)

//go:noescape
func quoteMasksAVX2(d []byte, i int) (q, b uint64)

//go:noescape
func quoteMasksSSE2(d []byte, i int) (q, b uint64)
