//go:build amd64 && !purego

package automaton

import "unsafe"

// listFrom is listAnchors into mt.cands after its first n candidates,
// to its capacity, over mt's predicates and fired marks: it returns how
// many candidates the list then holds and how many of the fired
// predicates it has listed. The kernel reads mt's fields itself
// (go_asm.h): the slices taken apart for an 11-argument call, and the
// Matcher's fields loaded for it, cost mixed-10000 about 80 instructions
// per event.
func (mt *Matcher) listFrom(n int, fired []int32) (end, done int) {
	return listAnchorsAMD64(mt, n, unsafe.SliceData(fired), len(fired))
}

// listAnchorsAMD64 is listAnchorsGo over mt.cands[n:cap(mt.cands)],
// fired[0:nfired], mt.pred and mt.firedMark (listanchors_amd64.s),
// counting n in end.
//
//go:noescape
func listAnchorsAMD64(mt *Matcher, n int, fired *int32, nfired int) (end, done int)

// The kernel steps over entries and candidates 16 bytes at a time, and
// reads the fields it takes from go_asm.h's offsets at these sizes: a
// field that changes its size must change the kernel.
var (
	_ [0]struct{} = [unsafe.Sizeof(anchorRef{}) - 16]struct{}{}
	_ [0]struct{} = [unsafe.Sizeof(candidate{}) - 16]struct{}{}
	_ [0]struct{} = [unsafe.Sizeof(candidate{}.kind) + unsafe.Sizeof(candidate{}.arr) + unsafe.Sizeof(clauseRec{}.kind) - 3]struct{}{}
	_ [0]struct{} = [unsafe.Sizeof(predState{}.anchors) + unsafe.Sizeof(predState{}.arr) + unsafe.Sizeof(predState{}.recEpoch) - 12]struct{}{}
	_ [0]struct{} = [unsafe.Sizeof(Matcher{}.mark) + unsafe.Sizeof(Matcher{}.epoch) + unsafe.Sizeof(Matcher{}.snapEpoch) - 9]struct{}{}
)
