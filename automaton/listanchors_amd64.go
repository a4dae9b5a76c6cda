//go:build amd64 && !purego

package automaton

import "unsafe"

// listAnchors is listAnchorsAMD64 over the slices.
func listAnchors(buf []candidate, fired []int32, pred []predState, fm []uint8, mark uint8, epoch, snapEpoch uint32) (n, done int) {
	return listAnchorsAMD64(unsafe.SliceData(buf), len(buf), unsafe.SliceData(fired), len(fired),
		unsafe.SliceData(pred), len(pred), unsafe.SliceData(fm), len(fm), mark, epoch, snapEpoch)
}

// listAnchorsAMD64 is listAnchorsGo over out[0:nout], fired[0:nfired],
// pred[0:npred] and fm[0:nfm] (listanchors_amd64.s).
//
//go:noescape
func listAnchorsAMD64(out *candidate, nout int, fired *int32, nfired int, pred *predState, npred int, fm *uint8, nfm int, mark uint8, epoch, snapEpoch uint32) (n, done int)

// The kernel steps over entries and candidates 16 bytes at a time, and
// reads the fields it takes from go_asm.h's offsets at these sizes: a
// field that changes its size must change the kernel.
var (
	_ [0]struct{} = [unsafe.Sizeof(anchorRef{}) - 16]struct{}{}
	_ [0]struct{} = [unsafe.Sizeof(candidate{}) - 16]struct{}{}
	_ [0]struct{} = [unsafe.Sizeof(candidate{}.kind) + unsafe.Sizeof(candidate{}.arr) + unsafe.Sizeof(clauseRec{}.kind) - 3]struct{}{}
	_ [0]struct{} = [unsafe.Sizeof(predState{}.anchors) + unsafe.Sizeof(predState{}.arr) + unsafe.Sizeof(predState{}.recEpoch) - 12]struct{}{}
)
