package automaton

import (
	"math/rand"
	"testing"
	"unsafe"
)

// listCase builds, from data, fired predicates with anchor lists as
// encodeIDs groups them (or, when data says so, with runs that do not
// fit their lists), fired marks, and a candidate buffer with room for
// every entry (or less).
func listCase(data []byte) (buf []candidate, fired []int32, pred []predState, fm []uint8, mark uint8, epoch, snapEpoch uint32) {
	at := 0
	next := func() int {
		if at >= len(data) {
			return 0
		}
		at++
		return int(data[at-1])
	}
	npred := 1 + next()%40
	pred = make([]predState, npred)
	fm = make([]uint8, max(npred-next()%3, 0))
	mark, epoch, snapEpoch = uint8(1+next()%3), uint32(1+next()%2), uint32(1+next()%2)
	for i := range fm {
		if fm[i] = uint8(next() % 4); next()%2 == 0 {
			fm[i] = mark
		}
	}
	badRuns := next()%8 == 0
	id := func() uint64 { return uint64(next() % (npred + 2)) }
	for p := range pred {
		n := next() % 24
		if n == 23 {
			n = flatMax + next()%40 // read a run at a time
		}
		if n == 0 {
			continue
		}
		as := make([]anchorRef, n)
		for k := range as {
			kind := decideKind(next() % 5)
			as[k] = anchorRef{cl: &clauseRec{nfields: int32(p*100 + k), kind: kind}, need: needIDs | uint64(kind)<<needKind | id()<<24 | id()}
		}
		groupAnchors(as)
		if badRuns {
			for k := range as {
				as[k] = withRun(as[k], next()%(n+2))
			}
		}
		pred[p] = predState{arr: uint32(next() % 3), rec: &predRec{anchors: as}, anchors: int32(n), recEpoch: uint32(next()%8 + 1)}
	}
	total := 0
	for range next() % 12 {
		p := int32(next()%(npred+2)) - 1
		fired = append(fired, p)
		if p >= 0 && p < int32(npred) {
			total += int(pred[p].anchors)
		}
	}
	if next()%6 == 0 {
		total = next() % (total + 1)
	}
	return make([]candidate, total), fired, pred, fm, mark, epoch, snapEpoch
}

// listVia is listAnchors as listNamed calls it (listFrom, the kernel on
// amd64), into buf after its first off candidates, which it leaves as
// they were; it returns the candidates written.
func listVia(buf []candidate, off int, fired []int32, pred []predState, fm []uint8, mark uint8, epoch, snapEpoch uint32) (n, done int) {
	mt := &Matcher{cands: buf[:0], pred: pred, firedMark: fm, mark: mark, epoch: epoch, snapEpoch: snapEpoch}
	end, done := mt.listFrom(off, fired)
	return end - off, done
}

// checkList compares listAnchors with listAnchorsGo on the case data
// makes, written after a few candidates already listed.
func checkList(t *testing.T, data []byte) {
	buf, fired, pred, fm, mark, epoch, snapEpoch := listCase(data)
	off := len(data) % 3
	held := make([]candidate, off+len(buf))
	for i := range off {
		held[i] = candidate{cl: uintptr(i + 1), kind: decideKind(i)}
	}
	ref := make([]candidate, len(buf))
	n, done := listVia(held, off, fired, pred, fm, mark, epoch, snapEpoch)
	nr, doneRef := listAnchorsGo(ref, fired, pred, fm, mark, epoch, snapEpoch)
	if n != nr || done != doneRef {
		t.Fatalf("%x: listAnchors listed %d of %d predicates, listAnchorsGo %d of %d", data, n, done, nr, doneRef)
	}
	for i := range off {
		if held[i] != (candidate{cl: uintptr(i + 1), kind: decideKind(i)}) {
			t.Fatalf("%x: candidate %d before the list changed: %+v", data, i, held[i])
		}
	}
	for i := range n {
		if buf := held[off:]; buf[i] != ref[i] {
			t.Fatalf("%x: candidate %d: %+v, want %+v", data, i, buf[i], ref[i])
		}
	}
}

func TestListAnchorsKernel(t *testing.T) {
	r := rand.New(rand.NewSource(13))
	data := make([]byte, 600)
	for range 20000 {
		r.Read(data)
		checkList(t, data[:r.Intn(len(data))])
	}
}

// TestListAnchorsRuns checks the Go loop itself on a list of three runs:
// the entries of a run whose first predicate has not fired are not
// counted, and a candidate is counted when its second has fired too.
func TestListAnchorsRuns(t *testing.T) {
	cl := func() *clauseRec { return &clauseRec{} }
	need := func(first, second uint64) uint64 { return needIDs | second<<24 | first }
	as := []anchorRef{{cl(), need(1, 2)}, {cl(), need(3, 2)}, {cl(), need(3, 4)}, {cl(), need(5, 1)}}
	groupAnchors(as)
	pred := []predState{{rec: &predRec{anchors: as}, anchors: int32(len(as)), arr: 7, recEpoch: 5}}
	fm := []uint8{0, 9, 9, 9, 0, 0}
	buf := make([]candidate, len(as))
	via := func(buf []candidate, fired []int32, pred []predState, fm []uint8, mark uint8, epoch, snapEpoch uint32) (int, int) {
		return listVia(buf, 0, fired, pred, fm, mark, epoch, snapEpoch)
	}
	for _, list := range []func([]candidate, []int32, []predState, []uint8, uint8, uint32, uint32) (int, int){via, listAnchorsGo} {
		// 5 has not fired: its run is not counted; 3 has, with 2, not 4.
		if n, done := list(buf, []int32{0}, pred, fm, 9, 7, 5); n != 2 || done != 1 ||
			buf[0] != (candidate{cl: addrOf(as[1].cl), arr: true}) || buf[1] != (candidate{cl: addrOf(as[0].cl), arr: true}) {
			t.Fatalf("listed %d: %+v", n, buf[:n])
		}
	}
}

// TestListAnchorsLongList checks a list of more than flatMax entries,
// read a run at a time: a run whose first predicate has not fired is
// passed over, on both the kernel and the Go loop.
func TestListAnchorsLongList(t *testing.T) {
	need := func(first, second uint64) uint64 { return needIDs | second<<24 | first }
	var as []anchorRef
	per := flatMax/3 + 2
	for _, first := range []uint64{1, 2, 3} {
		for k := range per {
			second := uint64(4)
			if k%3 == 0 {
				second = 0 // not fired
			}
			as = append(as, anchorRef{&clauseRec{nfields: int32(first*100) + int32(k)}, need(first, second)})
		}
	}
	groupAnchors(as)
	pred := []predState{{rec: &predRec{anchors: as}, anchors: int32(len(as)), recEpoch: 5}}
	fm := []uint8{0, 9, 0, 9, 9} // 1, 3 and 4 fired, 0 and 2 not
	var want []uintptr
	for k := len(as) - 1; k >= 0; k-- {
		if f := needFirst(as[k].need); f != 2 && as[k].need>>24&needMax == 4 {
			want = append(want, addrOf(as[k].cl))
		}
	}
	via := func(buf []candidate, fired []int32, pred []predState, fm []uint8, mark uint8, epoch, snapEpoch uint32) (int, int) {
		return listVia(buf, 0, fired, pred, fm, mark, epoch, snapEpoch)
	}
	for _, list := range []func([]candidate, []int32, []predState, []uint8, uint8, uint32, uint32) (int, int){via, listAnchorsGo} {
		buf := make([]candidate, len(as))
		n, done := list(buf, []int32{0}, pred, fm, 9, 7, 5)
		if n != len(want) || done != 1 {
			t.Fatalf("listed %d of %d, want %d", n, done, len(want))
		}
		for i, c := range buf[:n] {
			if c.cl != want[i] {
				t.Fatalf("candidate %d: %x, want %x", i, c.cl, want[i])
			}
		}
	}
}

func addrOf(cl *clauseRec) uintptr { return uintptr(unsafe.Pointer(cl)) }

func FuzzListAnchors(f *testing.F) {
	f.Add([]byte{3, 0, 1, 0, 1, 1, 1, 0, 5, 4, 2, 1, 0, 3, 3, 9, 1, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) { checkList(t, data) })
}
