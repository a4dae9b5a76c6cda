//go:build !amd64 || purego

package automaton

// listFrom is listAnchorsGo into mt.cands after its first n candidates,
// to its capacity, where there is no kernel (listanchors_amd64.go).
func (mt *Matcher) listFrom(n int, fired []int32) (end, done int) {
	k, done := listAnchorsGo(mt.cands[n:cap(mt.cands)], fired, mt.pred, mt.firedMark, mt.mark, mt.epoch, mt.snapEpoch)
	return n + k, done
}
