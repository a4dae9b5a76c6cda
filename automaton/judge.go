package automaton

import (
	"math/bits"
	"unsafe"
)

// Candidates judged in a loop without calls. decideAll decided each
// candidate through a call (decide, decideKept, decideCand) whose loops
// called lazy or abLeaves on their rare paths, and Go kept their values on
// the stack around those calls, reloading them on every pass; decideAll's
// own loop, across its calls, likewise. At ten thousand rules an event
// has about eight candidates, and nearly all are the usual clause: one
// pattern, every field it tests already fired or computed, its kept
// entries told by leaves in no array. judge decides those in one loop that
// calls nothing and writes each one's answer beside it (candidate.verdict);
// decideAll appends the pattern of each, kept if it holds, and sends the
// others (candAsk) where they went before. mixed-10000 trusted, callgrind
// per event (4.7 of 8.2 candidates judged here): decideAll + decideKept +
// decide + decideCand 1336 -> 1218 instructions (judge, judgeOne and
// decideAll 1014 of them), all of deciding with the listing 2782 -> 2674.

// A candidate's verdict (candidate.verdict).
const (
	candFails uint8 = 0 // its one pattern is not matched
	candHolds uint8 = 1 // its one pattern is matched
	candAsk   uint8 = 2 // decideAll decides it the general way
)

// judge sets the verdict of each of cands (listed by a need of predicate
// ids when named, see decide). A candidate is judged here only if it has
// one pattern, which no other clause has (once), and is of kind
// decideAlone or decideOthers, while no hit lies in an array (a later
// computation on demand adds hits only to the predicates it computes, and
// judge asks about a candidate with a field not yet computed): decide and
// decideKept then answer what judge answers, without a search. (It sets no
// memoDep: the decision memo keeps nothing of a machine this large.)
func (mt *Matcher) judge(cands []candidate, named bool) {
	if mt.arrHits {
		for i := range cands {
			cands[i].verdict = candAsk
		}
		return
	}
	for i := range cands {
		c := &cands[i]
		cl := c.clause()
		v := candAsk
		if cl.once && len(cl.pats) == 1 {
			switch c.kind {
			case decideAlone:
				v = candHolds
			case decideOthers:
				v = mt.judgeOne(cl, named)
			}
		}
		c.verdict = v
	}
}

// judgeOne is judge for one candidate of kind decideOthers, cl: a
// function that calls nothing, whose values stay in registers (judge's
// one loop over them all kept its counters on the stack).
func (mt *Matcher) judgeOne(cl *clauseRec, named bool) uint8 {
	n := int(cl.n)
	from := 0
	if named {
		from = int(cl.named)
	}
	end := n - bits.OnesCount8(cl.rngs)
	if n > clauseOthers || from > end {
		return candAsk
	}
	epoch := mt.epoch
	pred := mt.pred
	// The fields other than the kept ones, as decide tests them.
	lazy := cl.lazy >> from
	fail := uint32(0)
	for k := from; k < end; k++ {
		ps := &pred[cl.others[k]]
		if lazy&1 != 0 && ps.lazy != epoch {
			return candAsk // not computed yet in this input
		}
		lazy >>= 1
		fail |= ps.epoch ^ epoch
	}
	// The kept entries, as decideKept tests them.
	r := (*keptRange)(unsafe.Add(unsafe.Pointer(cl.field0), -(n-end)*keptSize))
	for k := end; k < n; k++ {
		pl := &mt.pathLeaves[r.path]
		in := uint32(0)
		switch {
		case pl.epoch != epoch:
			// No leaf recorded: an anything-but holds by none; a range
			// holds if the scan fired it at a leaf it did not record
			// (lazy adds no hit where none is recorded).
			if r.lo <= r.hi {
				in = uint32(b2i(pred[cl.others[k]].epoch == epoch))
			}
		case !pl.pm.recordAll:
			return candAsk
		case r.lo > r.hi:
			// A lone anything-but, as abLeaves and decideAB decide it: by
			// its one leaf, in no array.
			if l := &mt.leaves[pl.head]; pl.head != pl.tail || l.tr1 > l.tr0 {
				return candAsk
			}
			in = uint32(b2i(mt.abEx[cl.others[k]] != epoch))
		default:
			leaves := mt.leaves
			for li := pl.head; li >= 0; li = leaves[li].next {
				l := &leaves[li]
				if l.tr1 > l.tr0 {
					return candAsk
				}
				in |= uint32(b2i(l.numOK)) & uint32(b2i(l.num-r.lo <= r.hi-r.lo))
			}
		}
		fail |= in ^ 1
		r = (*keptRange)(unsafe.Add(unsafe.Pointer(r), keptSize))
	}
	return uint8(b2i(fail == 0))
}
