//go:build amd64 && !purego

package automaton

// quoteMasks returns the quotes and the backslashes among d[i:i+64] as
// bit masks, bit k for d[i+k]; the caller has checked i+64 <= len(d).
// It goes on to quoteMasksAVX2 (two 32-byte compares per kind) where the
// processor has AVX2, else to quoteMasksSSE2 (four 16-byte ones): the
// choice is made in assembly, where a Go function making it did not
// inline and cost a call more per block.
//
//go:noescape
func quoteMasks(d []byte, i int) (q, b uint64)

// masksAVX2 selects quoteMasksAVX2 (tests set it to try both).
var masksAVX2 = blocksAVX2

//go:noescape
func quoteMasksAVX2(d []byte, i int) (q, b uint64)

//go:noescape
func quoteMasksSSE2(d []byte, i int) (q, b uint64)
