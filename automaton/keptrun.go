package automaton

import (
	"math/bits"
	"slices"
	"unsafe"
)

// decideKeptFrom decides cands[0], a clause with kept entries, with the
// run after it that decideKeptRun can take, or alone when it can take
// none; it returns how many candidates it decided. decideAll and
// decideDirect (rangedirect.go) both go through it.
func (mt *Matcher) decideKeptFrom(dst []ID, cands []candidate, named bool) ([]ID, int) {
	dst, took := mt.decideKeptRun(dst, cands, named)
	if took == 0 {
		return mt.decideKept(dst, cands[0].clause(), named), 1
	}
	return dst, took
}

// decideKeptRun decides the candidates from the first of cands on while
// each is a clause with kept entries (lazyrange.go) of one pattern, once,
// whose answer the fired predicates' scratch and its kept entries'
// leaves tell: no field computed on demand, every kept path recording
// its leaves, none of them in an array. It returns dst with the patterns
// of those that hold and how many candidates it decided; decideKept takes
// any other (it asks the predicates, with calls). No hit lies in an array
// (decideAll's test), and nothing here changes that.
//
// One loop over the run, where decideAll called
// decideKept for each: Go kept the loops' values on the stack around the
// calls in decideKept (computing on demand, asking a predicate, growing
// dst), reloading them for every field, and each call cost its
// arguments, frame and result besides. dst is grown once for the run,
// each pattern written and kept only if its clause holds. mixed-10000's S3
// events list 20 such clauses, 15 of which hold: decideAll + decideKept
// 4483 -> 3252 instructions per event (trusted, callgrind; 3704 with
// decideKept's loops made call-free alone). The Matcher's slices are
// read from mt where they are used: held in locals, they took registers
// the loops' values then lacked (3631). The fields' loops are now
// keptFields, a call, which answerRestBy shares: most clauses here find
// their rest answered and call nothing, and the call costs the whole
// corpus 3 instr/event (callgrind trusted 7659 -> 7662; in-process A/B
// trusted +0.13 / +0.75 %, Match -1.32 %, 1000 rounds each).
//
// A shared rest's answer is read before the fields' bounds (nf, from,
// end), which only a clause whose rest is not yet answered needs (6 of
// an S3 event's 10 range clauses find theirs answered): S3 events
// callgrind trusted 8095 -> 8009 instr/event; in-process A/B, on-off
// median, mixed-10000's S3 events alone -1.02 / -1.12 % trusted (600
// rounds; the harness against itself -0.15), -1.26 % Match; the whole
// family within its noise, trusted +0.47 / -0.44 %, Match -0.83 / +1.54
// (300 rounds; against itself +0.23 / -0.71).
func (mt *Matcher) decideKeptRun(dst []ID, cands []candidate, named bool) ([]ID, int) {
	dst = slices.Grow(dst, len(cands))
	n := len(dst)
	out := dst[:cap(dst)]
	epoch := mt.epoch
	i := 0
	for ; i < len(cands); i++ {
		c := &cands[i]
		if c.kind != decideOthers {
			break
		}
		cl := c.clause()
		if cl.rngs == 0 || !cl.once || len(cl.pats) != 1 {
			break
		}
		// A shared rest (rests.go): decided once per input, its answer
		// then read by every further clause that has it.
		if r := keptOf(cl).rest; r != 0 {
			rs := &mt.rests[r]
			if rs.epoch != epoch && !mt.answerRestBy(rs, cl) {
				break
			}
			out[n] = cl.pats[0].id
			n += int(rs.hold)
			continue
		}
		from := 0
		if named {
			from = int(cl.named)
		}
		fail, slow := mt.keptFields(cl, from)
		if slow != 0 {
			break
		}
		out[n] = cl.pats[0].id
		n += b2i(fail == 0)
	}
	if i > 0 {
		mt.memoDep = true // kept entries are tested against the leaves (memo.go)
	}
	return out[:n], i
}

// keptFields answers cl's fields besides its anchor, from field from on,
// from the fired predicates' scratch and its kept entries' leaves: fail
// is nonzero where one fails, slow where they cannot tell (a field to
// compute on demand, a kept entry the leaves do not tell), which
// decideKept then asks with calls.
func (mt *Matcher) keptFields(cl *clauseRec, from int) (fail uint32, slow int) {
	epoch := mt.epoch
	r := keptOf(cl)
	nf := min(int(cl.n), clauseOthers)
	end := nf - bits.OnesCount8(cl.rngs)
	for k := from; k < end; k++ {
		ps := &mt.pred[cl.others[k]]
		slow |= int(cl.lazy>>k&1) & b2i(ps.lazy != epoch)
		fail |= ps.epoch ^ epoch
	}
	for k := end; k < nf; k++ {
		pl := &mt.pathLeaves[r.path]
		in := 0
		switch {
		case pl.epoch != epoch:
			// No leaf recorded: an anything-but fails; a range may
			// still have a hit of the free leaf (leafNow).
			slow |= b2i(r.lo <= r.hi)
		case !pl.pm.recordAll:
			slow = 1
		case r.lo > r.hi:
			// A lone anything-but (loneAnythingBut): its one leaf in
			// no array decides it, as decideAB does.
			l := &mt.leaves[pl.head]
			slow |= b2i(pl.head != pl.tail) | b2i(l.tr1 > l.tr0)
			in = b2i(mt.abEx[cl.others[k]] != epoch)
		default:
			for li := pl.head; li >= 0; li = mt.leaves[li].next {
				l := &mt.leaves[li]
				slow |= b2i(l.tr1 > l.tr0)
				in |= b2i(l.numOK) & b2i(l.num-r.lo <= r.hi-r.lo)
			}
		}
		fail |= uint32(in) ^ 1
		r = (*keptRange)(unsafe.Add(unsafe.Pointer(r), keptSize))
	}
	return fail, slow
}

// answerRestBy answers rest rs in this input by cl, a clause that has
// it: its fields from the first on (the answer of every clause of the
// rest, named or not), as keptFields tells them; false, rs unanswered,
// where they cannot tell. decideKeptRun and decideRestHits both answer
// rests through it.
func (mt *Matcher) answerRestBy(rs *restState, cl *clauseRec) bool {
	fail, slow := mt.keptFields(cl, 0)
	if slow != 0 {
		return false
	}
	rs.epoch, rs.hold = mt.epoch, uint32(b2i(fail == 0))
	return true
}
