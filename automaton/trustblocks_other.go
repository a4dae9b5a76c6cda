//go:build !amd64 || purego

package automaton

// haveBlocks: no block kernel here; finishWords does all the skipping.
const haveBlocks = false

// finishBlocks is never called where haveBlocks is false.
func finishBlocks(d []byte, i, open int, in uint64) (end, open2 int, in2 uint64, done bool) {
	return i, open, in, false
}

// stringBlocks is never called where haveBlocks is false.
func stringBlocks(d []byte, i int) (end int, done bool) {
	return i, false
}
