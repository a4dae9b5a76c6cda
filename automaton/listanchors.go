package automaton

import (
	"slices"
	"unsafe"
)

// listAnchors (listFrom: the kernel, or listAnchorsGo) writes the
// clauses the fired predicates anchor at buf, each with its kind (from
// the entry's need, needKind), and
// whether its anchor has a hit inside an array, and returns how many of
// them have their need fired (fm, mark: the fired marks) and how many of
// the fired predicates it has listed: it stops at one whose record is
// stale (snapEpoch) or whose entries buf has no room for, for listNamed
// to load it or grow buf and go on. The
// entries hold predicate ids (needIDs). It is called once for all the
// fired predicates, not once each (mixed-10000: 93 instructions per
// event less, the call's arguments set up and spilled for each of some
// eight predicates). Every clause is written at the list's end, which
// moves past it only when its need has fired: a test without a branch.
// Most fail (a region or a state the event does not have), in no order a
// predictor learns, and each mispredicted branch also held back the
// loads after it (mixed-10000: 2-4% faster by the clock for about 500
// instructions more per event). A list is read from its end, every
// entry, both predicates its need names tested without a branch. It was
// read a run of entries with the same first predicate at a time
// (groupAnchors), a run whose predicate had not fired passed over
// unread, but the branch on each run's predicate, and the loops' exits
// over runs of every length, were mispredicted: mixed-10000 (7.7 fired
// lists, 36 entries, 17.8 runs per event) the kernel's mispredicts in
// callgrind's model 17.8 -> 7.8 per event, for 1006 -> 1259
// instructions; in-process paired thread CPU (toggled, 300 pairs of
// 1000-event chunks, load 4.5-5) trusted -39/-32/-24 ns and Match
// -22/-43 ns per event (about -2%). A list of more than flatMax entries
// is still read a run at a time, a run whose predicate has not fired
// passed over unread, so that a long list of long runs costs its runs,
// not its entries (a branch per list that mixed-10000, whose longest
// lists have forty entries, never takes; skipping runs of eight or more
// within the entry loop instead cost it 93 instructions and 2.6
// mispredicts per event). Measured at dfcb32a (mixed-10000 trusted, 5000
// events): 4.79 lists read per event, 2.33 of them one entry in its
// record's line; 25.1 entries on 10.6 lines for 3.39 candidates, 18.1
// of the entries in the 0.94 lists of eight or more (7.4 runs, 1.7 of
// them fired, 6.0 entries). Reading lists of more than 24 (or 12)
// entries a run at a time: the kernel 960 -> 833 (778) instructions,
// L1 misses 9.9 -> 9.7 (9.6), mispredicts in callgrind's model 9.4 ->
// 12.4 (the runs' heads lie in most of the lines anyway), clock within
// the noise. The needs in an array of their own, the clause read only
// for an entry that passes, would read about 7.3 + 2.9 lines for 10.6:
// not built. Prefetching each passing entry's clause in the entry loop
// (a hot line for the others) in place of the loop at the end: paired
// thread CPU +21 ns per event twice (600 pairs, load 7); prefetching
// each list's first and last lines as the records arrive: +4 ns.
//
// On amd64 it is a kernel (listanchors_amd64.s), listAnchorsGo's loops
// written out with every value in a register: the compiler kept the
// loops' counters on the stack, around the write barrier's call while
// the list held pointers and for want of registers after (mixed-10000:
// 1313 instructions per event in Go, 824 in the kernel, when it read
// runs).
//
// Measured and lost (3597be9): the kernel's entry 27 -> 23 instructions,
// the marks sized to a power of two so that each id is masked into them
// (len-1) in place of its two bounds checks, and the kind and arr bytes
// written in one store: callgrind mixed-10000 trusted 7814 -> 7770
// instr/event, small CloudTrail events 7131 -> 7040, intl 6752 -> 6738;
// in-process A/B on-off median, whole corpus +0.36 / +1.51 % (300
// rounds), small CloudTrail events alone -0.01 / +0.14 % (1000 rounds):
// the loop waits on its loads, not its instructions. What those events
// list (5000 of them, trusted): 32.5 entries per event for 4.1
// candidates; 13.9 of the entries are CloudTrail rules anchored on
// eventName whose need's first predicate, their source "aws.<service>",
// never fires on "aws.cloudtrail" (8.2 of them in lists of 25, read a
// run at a time; 5.7 in flat lists of 16 and 3, runs of one or two
// sources); about 16 are one userName's multi-field rules (a list of
// 10-18 per user), 30 % of them passing on their eventName pair.
//
// An id outside fm counts as not fired, and a predicate outside pred as
// anchoring nothing: neither happens (the entries name predicates of the
// snapshot, whose scratch the Matcher has sized), but no read leaves the
// slices.

// flatMax is the most entries a list may have for the listing to read
// each: a longer one is read a run at a time (listRuns).
//
// It was 64; 24 reads mixed-10000's list of the EC2 rules anchored on
// "i-0" (36 entries, in 4 runs by region: needorder.go) and the
// CloudTrail lists of 25 entries a run at a time (see orderNeed for the
// figures).
const flatMax = 24

// listRuns writes the candidates of anchors, a list of more than flatMax
// entries, at buf[n:], a run at a time, and returns the new n (see
// listAnchorsGo).
func listRuns(buf []candidate, n int, anchors []anchorRef, arr bool, fm []uint8, mark uint8) int {
	for k := len(anchors) - 1; k >= 0; {
		need := anchors[k].need
		lo := max(k-max(needRunOf(need), 1), -1)
		if firedIn(fm, needFirst(need), mark) {
			for j := k; j > lo; j-- {
				a := &anchors[j]
				c := &buf[n]
				c.cl, c.kind, c.arr = uintptr(unsafe.Pointer(a.cl)), needKindOf(a.need), arr
				if firedIn(fm, a.need>>24&needMax, mark) {
					n++
				}
			}
		}
		k = lo
	}
	return n
}

// listAnchorsGo is listAnchors in Go (without the kernel, and the
// kernel's reference in the tests).
func listAnchorsGo(buf []candidate, fired []int32, pred []predState, fm []uint8, mark uint8, epoch, snapEpoch uint32) (n, done int) {
	for ; done < len(fired); done++ {
		p := fired[done]
		if uint(p) >= uint(len(pred)) {
			continue
		}
		ps := &pred[p]
		if ps.recEpoch < snapEpoch {
			break
		}
		if ps.anchors == 0 {
			continue
		}
		// The entries without their capacity, which is in the record's
		// next line: a slice passed whole, or resliced, loads it (a
		// cache miss per fired predicate).
		as := ps.rec.anchors
		anchors := unsafe.Slice(unsafe.SliceData(as), len(as))
		if len(anchors) > len(buf)-n {
			break
		}
		arr := ps.arr == epoch
		if len(anchors) > flatMax {
			n = listRuns(buf, n, anchors, arr, fm, mark)
			continue
		}
		for k := len(anchors) - 1; k >= 0; k-- {
			a := &anchors[k]
			c := &buf[n]
			c.cl, c.kind, c.arr = uintptr(unsafe.Pointer(a.cl)), needKindOf(a.need), arr
			n += b2i(firedIn(fm, needFirst(a.need), mark)) & b2i(firedIn(fm, a.need>>24&needMax, mark))
		}
	}
	return n, done
}

// setKinds sets each candidate's kind from its record, for entries that
// hold masks, which have no room for it: listAnchors writes it from the
// entry (needKind) instead, without waiting on the record's line. A
// loop of its own that nothing waits on, so that the loads overlap
// (deciding the clauses without it, each waited for its line in turn:
// 2-3% slower).
func setKinds(cands []candidate) {
	for i := range cands {
		cands[i].kind = cands[i].clause().kind
	}
}

// listNamed lists the candidates of the fired predicates, whose entries
// hold ids (listAnchors), in mt.cands, which it grows. Their records are
// read by the kernel, which first asks for all their lines at once so
// that the misses overlap; it was a loop of its own over the fired
// predicates, loading each record and adding up their entries to size
// the list (mixed-10000: 200 instructions per event).
func (mt *Matcher) listNamed(fired []int32) []candidate {
	n := 0
	for {
		end, done := mt.listFrom(n, fired)
		n = end
		if fired = fired[done:]; len(fired) == 0 {
			return mt.cands[:n]
		}
		p := fired[0]
		if ps := &mt.pred[p]; ps.recEpoch < mt.snapEpoch {
			mt.loadRec(ps, p)
		} else {
			buf := slices.Grow(mt.cands[:n], len(ps.rec.anchors))
			mt.cands = buf[:cap(buf)]
		}
	}
}

// firedIn tells whether predicate id has fired by the marks fm (false
// for an id outside them).
func firedIn(fm []uint8, id uint64, mark uint8) bool {
	return id < uint64(len(fm)) && fm[id] == mark
}

// listMasked is listNamed for entries that hold masks (listMasks).
func (mt *Matcher) listMasked(fired []int32) []candidate {
	total := 0
	for _, p := range fired {
		ps := &mt.pred[p]
		if ps.recEpoch < mt.snapEpoch {
			mt.loadRec(ps, p)
		}
		if ps.anchors != 0 {
			total += len(ps.rec.anchors)
		}
	}
	if total > cap(mt.cands) {
		mt.cands = slices.Grow(mt.cands[:0], total)
	}
	buf := mt.cands[:cap(mt.cands)]
	n := listMasks(buf, fired, mt.pred, mt.firedBits, mt.epoch)
	setKinds(buf[:n])
	return buf[:n]
}

// listMasks is listAnchors for entries that hold masks (needMask,
// tested against bits, the mask of the fired predicates): a machine
// that has grown past decideInOnePass without passing needIDsFrom,
// which only the tests make.
func listMasks(buf []candidate, fired []int32, pred []predState, bits uint64, epoch uint32) int {
	n := 0
	for _, p := range fired {
		ps := &pred[p]
		if ps.anchors == 0 {
			continue
		}
		arr := ps.arr == epoch
		for _, a := range ps.rec.anchors {
			buf[n] = candidate{cl: uintptr(unsafe.Pointer(a.cl)), arr: arr}
			if a.need&^bits == 0 {
				n++
			}
		}
	}
	return n
}
