//go:build !amd64 || purego

package automaton

// indexAVX2: no kernel here; indexWords builds the index.
const indexAVX2 = false

// indexBlocksAVX2 is never called where indexAVX2 is false.
func indexBlocksAVX2(d, q, bs []byte, from, to int, carry uint64) (carry2, any uint64) {
	return indexWords(d, q, bs, from, to, carry)
}
