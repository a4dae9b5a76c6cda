package automaton

import (
	"math/bits"
	"unsafe"
)

// Shared rests. A clause with kept entries (lazyrange.go) is mostly its
// anchor and a rest that many clauses share: mixed-10000's 1667 S3 size
// rules {"source":[{"prefix":"aws."}],"region":[{"anything-but":[R]}],
// "detail":{"object":{"size":[{"numeric":[...]}]}}} have four rests (R
// one of four regions), and an S3 event decides some twenty of them,
// each testing its source's predicate, its region's leaf and exclusion
// again. The writer interns a clause's rest (its fields besides the
// anchor: the predicates, which of them are computed on demand, and the
// kept entries) once a second clause has it, and the first kept entry
// carries its id (keptRange.rest; 0: a rest of one clause); decideKeptRun
// decides a rest once per input and keeps the answer in the Matcher
// (restState), so each further clause with it only reads the answer.
// The answer does not depend on the anchor: decideKeptRun takes no hit in
// an array (no consistency search), and a rest that needs a field
// computed on demand is left to decideKept, unkept. Callgrind per event
// (trusted): mixed-10000's S3 events decideKeptRun 1790 -> 1292
// instructions; the whole corpus 359 -> 259 on both paths.

// restKey is what the clauses of one rest share.
type restKey struct {
	others        [clauseOthers]int32
	n, lazy, rngs uint8
	kept          [clauseOthers]keptRange
}

// restW is the writer's record of a rest: its id (0 until a second
// clause has it) and how many clauses have it.
type restW struct {
	id   int32
	refs int32
}

// restState is a rest's answer in the Matcher: it holds (hold 1) or
// not, in input epoch.
type restState struct {
	epoch uint32
	hold  uint32
}

// keptOf returns the first of cl's kept entries (cl.rngs != 0).
func keptOf(cl *clauseRec) *keptRange {
	kept := bits.OnesCount8(cl.rngs)
	return (*keptRange)(unsafe.Add(unsafe.Pointer(cl.field0), -kept*keptSize))
}

// restKeyOf returns the key of cl's rest, a clause with kept entries.
func restKeyOf(cl *clauseRec) restKey {
	k := restKey{n: cl.n, lazy: cl.lazy, rngs: cl.rngs}
	copy(k.others[:], cl.others[:cl.n])
	r := unsafe.Slice(keptOf(cl), bits.OnesCount8(cl.rngs))
	for i := range r {
		k.kept[i] = r[i]
		k.kept[i].rest = 0
	}
	return k
}

// internRest counts cl, a new clause with kept entries, as having its
// rest, and returns the rest's id for it (0: the first to have it).
func (t *tx) internRest(cl *clauseRec) int32 {
	m := t.m
	if m.rests == nil {
		m.rests = make(map[restKey]*restW)
		m.restIDs.next = 1 // 0 is no rest
	}
	k := restKeyOf(cl)
	rw := m.rests[k]
	if rw == nil {
		m.rests[k] = &restW{refs: 1}
		return 0
	}
	rw.refs++
	if rw.id == 0 {
		rw.id = m.restIDs.get()
	}
	return rw.id
}

// releaseRest uncounts cl, a clause removed from the machine, from its
// rest, if it has kept entries.
func (t *tx) releaseRest(cl *clauseRec) {
	m := t.m
	if cl.rngs == 0 || m.rests == nil {
		return
	}
	k := restKeyOf(cl)
	rw := m.rests[k]
	if rw == nil {
		return
	}
	if rw.refs--; rw.refs == 0 {
		if rw.id != 0 {
			m.restIDs.put(rw.id)
		}
		delete(m.rests, k)
	}
}
