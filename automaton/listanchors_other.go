//go:build !amd64 || purego

package automaton

// listAnchors is listAnchorsGo where there is no kernel.
func listAnchors(buf []candidate, fired []int32, pred []predState, fm []uint8, mark uint8, epoch, snapEpoch uint32) (n, done int) {
	return listAnchorsGo(buf, fired, pred, fm, mark, epoch, snapEpoch)
}
