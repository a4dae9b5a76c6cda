package automaton

// The decision memo: the pattern ids deciding appended, kept per Matcher
// by the exact set of predicates that had fired when deciding began, in
// a small machine (decideEach's: up to needIDsFrom predicates, whose
// entries test the fired mask). Events repeat the values rules name (a
// country, a city, a currency, a status) far more often than they repeat
// themselves, so the set of predicates an event fires repeats, and
// deciding (each fired predicate's anchor entries, the candidate clauses,
// their patterns) is mostly a function of that set: it reads which
// predicates have fired. The intl corpus of escapes-unicode fires 400
// sets in 50 000 events, nine predicates and ten patterns a set; its
// deciding, about 660 instructions an event, becomes a lookup of some
// 270 (callgrind, trusted 5110 -> 4766 instructions per event; thread
// CPU -10%, Match -2..7%).
//
// Where deciding reads anything more — a predicate computed on demand
// (lazy), a kept range or an anything-but tested against the leaves, a
// path's presence, the array-consistency search — it sets
// Matcher.memoDep, and the set is kept as dependent: decided anew each
// time, its entry found without verifying it. Patterns of several
// clauses are appended once by their marks (patEpoch), which a hit does
// not write: where one was appended and the input has always clauses to
// decide after, the set is dependent too. An input with a hit inside an
// array is not looked up (Matcher.arrHits: the search may matter).
//
// The key is a hash of the fired ids kept as they fire (setFired), but a
// hit is exact: the entry keeps the ids and their count, and is taken
// only when the count is the input's and every id it keeps has fired in
// this input (a set of distinct ids, as many as the input's: the same
// set). A collision is a miss, never a wrong answer. In a machine of up
// to 64 predicates the key is the set itself, the mask of the fired ids
// (memoMaskMax), and a hit needs no such check. The result is the
// same set of pattern ids deciding would append, in the order deciding
// appended them for the input that filled the entry.
//
// A large machine (the fired marks, needIDs) has no memo: at ten
// thousand rules (mixed-10000) the corpus fires 7 200 sets in 20 000
// events, and four in ten sets have a kept range or an anything-but to
// decide from the leaves (some 14 clauses an event); an entry keeping
// the clauses that held and those to decide again (tried) cost the
// trusted path 750 instructions an event more with a table of 4096
// entries, which its sets overflow, and was slower by the clock with one
// of 65 536 (the memo's lines miss as listing's did).
//
// Bounds: a two-way table of memoSize entries and arenas of at most
// memoPredsMax fired ids and memoIDsMax pattern ids, allocated once and
// grown while they fill; a result longer than memoResultMax is not
// kept, and when an arena is full the memo starts over, as it does on a
// new snapshot: a new generation, so that nothing is cleared (a Matcher
// matching between writes would clear the table, 64 KB, after each).
// An arena only appends: an entry pushed out of its pair leaves its ids
// behind. So a full arena grows only while the entries in the table hold
// more than half of it (decisionMemo.held, counted then), and otherwise
// the memo starts over in the memory it has: the arenas stop growing
// once they are twice what the table holds, and a Matcher matching a
// stream allocates nothing more. (Grown on every fill, multi-field's
// arena of fired ids reached 43 008 ids for some 6 300 held, and a
// Matcher still allocated once in some 100 000 events after three
// passes over the corpus.)

// memoOn switches the decision memo (a variable, so that the tests run
// both ways).
var memoOn = true

// memoBits sizes the table. Smaller tables, measured so that their
// lines would stay in the cache (multi-field fires 898 sets in 50 000
// events; three runs each, alternated, trusted ratio to fastjson):
// 4096 entries 1.52, 1.55, 1.56; 2048 entries 1.49, 1.48, 1.52; 1024
// entries 1.41, 1.44, 1.45 — the sets that then share a pair and are
// decided anew cost more than the lines saved.
const (
	memoBits      = 12
	memoSize      = 1 << memoBits
	memoPredsMax  = 1 << 17
	memoIDsMax    = 1<<16 - 1 // memoEntry.ids is a uint16
	memoResultMax = 256
	memoFiredMax  = 1<<16 - 1
	// memoSeen is the nids of an entry whose set was seen once, and
	// whose decision was not kept.
	memoSeen = -2
)

// memoFewest is the fewest fired predicates an input must have to be
// looked up: one or two are decided in fewer instructions than a lookup
// takes (exact-geometry-first, one predicate and a pattern or two an
// event: +71 instructions per event with the memo). (A variable, so that
// the tests look small sets up too.)
var memoFewest int32 = 3

// memoMul mixes a fired id into the memo's key (setFired): the key is
// the XOR of the ids' multiples, the same in any order, and its high
// bits, which choose the entry, depend on every bit of every id. (A sum
// of multiples gave the sets of the same sum of ids one entry: the intl
// corpus missed half its sets.) Kept as the ids fire, the key costs no
// loop over them; a list of them kept likewise, for the entries, cost
// multi-field some five instructions per predicate, about as much as the
// memo saved it (appendFired finds them for a miss instead).
const memoMul = 0x9e3779b97f4a7c15

// memoInput mixes the input kind into the key: a sub-machine's
// predicates are not another's.
const memoInput = 0xff51afd7ed558ccd

// memoEntry is one fired set's decision: its fired ids are
// decisionMemo.preds[at:at+n] and the pattern ids it appends
// decisionMemo.ids[ids:ids+nids]; nids < 0: the set is dependent,
// decided as if there were no memo. An entry of another generation than
// the memo's is empty. key is, in a machine of up to memoMaskMax
// predicates, the set itself: the mask of the fired ids (setFired's
// firedBits, one bit an id there); else the low half of the set's hash,
// whose high bits chose the entry's pair, and in the high half at.
//
// Measured and lost: the set's ids kept in the entry's own line (up to
// twelve, the entry 64 bytes, the table 256 KB; the arena beyond), so
// that a hit verifies them without a second line, whose address the
// first holds, to wait for. With deciding skipped altogether (a scratch
// build, answers wrong), multi-field's trusted path ran 6 % fewer
// instructions and 11 % less time, and a clock profile put a quarter of
// deciding on memoSame's first load; callgrind's cache model lost one L1
// read miss an event (12.9 -> 11.9, instructions 3827 -> 3824). But
// bench/ablayout (four layouts, two runs each, against d18fdb1) read
// trusted multi-field +0.1 % (paired +0.8), escapes-unicode -2.9 %
// (-1.9; its keys are masks, and its entries four times as far apart),
// mixed-10000 (no memo: the control) -1.0 % (-0.7).
type memoEntry struct {
	key  uint64
	ids  uint16
	gen  uint16
	n    uint16
	nids int16
}

// at is where the entry's fired ids start in decisionMemo.preds (a
// machine of more than memoMaskMax predicates).
func (e *memoEntry) at() int32 { return int32(e.key >> 32) }

// memoMaskMax is the most predicates a machine may have for the memo to
// key its sets by the fired mask, exact: firedBits has a bit per id
// modulo 64, so where every id held is below 64 (snapshot.predWide: ids
// freed by a Delete do not count) the mask is the set, and a hit needs no check
// of the entry's ids against the input's (memoSame: an arena line and a
// predicate's scratch per id). escapes-unicode (49 predicates, every
// input a hit, 8.3 ids a set): paired thread CPU trusted -18..-36 ns an
// event, where skipping memoSame altogether measured -22; keeping the
// ids in the entry's own line instead of the arena, in the same loop or
// a branch-free one of sixteen, had measured neutral. Tried and lost
// besides (paired, 600 pairs, load 6-7): the exact set of a machine of
// up to 1024 predicates in words beside the entry, kept as they fire,
// compared in place of memoSame (multi-field, 133 predicates: -3 ns,
// the same as the control family's -2); a hit's ids copied one by one
// in place of append's one copy (escapes-unicode +14 ns). (A variable,
// so that the tests run the hashed keys in small machines too.)
var memoMaskMax int32 = 64

// decisionMemo is a Matcher's memo, for one snapshot.
type decisionMemo struct {
	snap   *snapshot
	gen    uint16 // of the entries in use
	exact  bool   // keys are fired masks (memoMaskMax)
	table  []memoEntry
	preds  []int32
	ids    []ID
	hits   int // inputs the memo decided (for the tests)
	resets int // times the memo started over (for the tests)
}

// full tells whether n more fired ids and nids more pattern ids would
// start the memo over: past the arenas' bounds, or where an arena
// without room for them is at least half ids no entry holds.
func (d *decisionMemo) full(n, nids int) bool {
	if len(d.preds)+n > memoPredsMax || len(d.ids)+nids > memoIDsMax {
		return true
	}
	predsFull := !d.exact && len(d.preds)+n > cap(d.preds)
	idsFull := len(d.ids)+nids > cap(d.ids)
	if !predsFull && !idsFull {
		return false // room: the usual case, without counting
	}
	preds, ids := d.held()
	return predsFull && 2*(preds+n) <= cap(d.preds) || idsFull && 2*(ids+nids) <= cap(d.ids)
}

// held counts the arenas' ids that the table's entries of this
// generation hold: the rest were left by entries pushed out of their
// pair. A pass over the table (64 KB), made only when an arena is
// full: a count kept up as entries come and go gave the same restarts
// (TestMemoArenaBounded: 9, and 76 516 hits, either way), but had to be
// kept right at every write of an entry.
func (d *decisionMemo) held() (preds, ids int) {
	for k := range d.table {
		if e := &d.table[k]; e.gen == d.gen && e.nids >= 0 {
			if !d.exact {
				preds += int(e.n)
			}
			ids += int(e.nids)
		}
	}
	return preds, ids
}

// reset empties the memo for snapshot s, keeping its memory: a new
// generation, the table cleared only when the generation wraps. (The
// arena's ids of an old snapshot stay until they are written over: some
// strings of deleted patterns, not their snapshot.)
func (d *decisionMemo) reset(s *snapshot) {
	d.snap = s
	// Every id below memoMaskMax, by the ids ever given out or, at 64,
	// by the ids held: a machine whose patterns were added and deleted
	// again keeps its mask keys.
	d.exact = memoMaskMax <= 64 && (s.predCap <= memoMaskMax || memoMaskMax == 64 && s.predWide == 0)
	if d.gen++; d.gen == 0 {
		clear(d.table)
		d.gen = 1
	}
	d.preds = d.preds[:0]
	d.ids = d.ids[:0]
	d.resets++
}

// decideMemo is decideAll through the memo (see above). The way of a
// hit is this function's, the rest decideMiss's: with both in one, the
// frame and spills of the miss cost every hit.
func (mt *Matcher) decideMemo(dst []ID, input int) []ID {
	if !memoOn || mt.marks || mt.arrHits || mt.nall < memoFewest || mt.nall > memoFiredMax {
		return mt.decideAll(dst)
	}
	d := mt.dmemo
	if d == nil || d.snap != mt.snap {
		return mt.decideMiss(dst, input, nil)
	}
	n := int(mt.nall)
	h := mt.fhash ^ uint64(input+1)*memoInput
	// (The table as pairs, *[memoSize/2][2]memoEntry, its pair found by
	// the hash's top bits with no bounds check nor slicing, measured
	// neutral: callgrind multi-field trusted decideMemo 115 -> 102
	// instr/event, decideMiss +3; paired thread CPU on-off median, 3000
	// pairs, ab / ba, load 3-6: +0.1 / +1.1, -0.8 / -1.9 ns/event,
	// quartiles about +-15; escapes-unicode -4.8 / -0.2, 1500 pairs.)
	way := d.table[h>>(64-memoBits)&^1:][:2]
	key, km := mt.memoKey(d, h)
	for k := range way {
		e := &way[k]
		if e.key&km != key || int(e.n) != n || e.gen != d.gen {
			continue
		}
		if e.nids == memoSeen {
			break // the second time: kept whole now (decideMiss)
		}
		if e.nids < 0 {
			return mt.decideAll(dst) // dependent: no need to verify
		}
		if !d.exact && !mt.memoSame(d.preds[e.at():e.at()+int32(e.n)]) {
			break
		}
		d.hits++
		if e.nids != 0 {
			// append's typedslicecopy and memmove (75 instr/event on
			// escapes-unicode trusted) beat a loop of stores: the
			// usual event there gets some ten ids (the loop where dst
			// had room: decideMemo 138 -> 277 instr/event; paired
			// thread CPU, 3x1000 pairs, load 6-11, +6 to +14 ns,
			// A/A +5 and -3).
			dst = append(dst, d.ids[e.ids:int(e.ids)+int(e.nids)]...)
		}
		return dst
	}
	return mt.decideMiss(dst, input, way)
}

// decideMiss decides an input the memo did not answer (way: the pair of
// entries of its set, nil where the memo is new) and keeps the decision
// there. A miss goes first in its pair, the first moved second (an entry
// of a set that does recur is soon found again).
//
//go:noinline
func (mt *Matcher) decideMiss(dst []ID, input int, way []memoEntry) []ID {
	d := mt.dmemo
	if d == nil {
		d = &decisionMemo{table: make([]memoEntry, memoSize)}
		mt.dmemo = d
	}
	if d.snap != mt.snap {
		d.reset(mt.snap)
	}
	n := int(mt.nall)
	h := mt.fhash ^ uint64(input+1)*memoInput
	if way == nil {
		way = d.table[h>>(64-memoBits)&^1:][:2]
	}
	key, km := mt.memoKey(d, h)
	e := &way[0]
	if seen := way[1].key&km == key && way[1].n == uint16(n) && way[1].gen == d.gen && way[1].nids == memoSeen; seen {
		e = &way[1] // its place: the first is the newer
	} else if way[0].key&km != key || way[0].n != uint16(n) || way[0].gen != d.gen || way[0].nids != memoSeen {
		// A set not seen before is only marked seen: its decision is
		// kept the second time. A stream whose sets do not repeat then
		// pays a table line, not a scan of the predicates and a copy of
		// its ids, for every input (BenchmarkMemoNewSets: 900 rules
		// over four fields of a hundred values, every set new; trusted,
		// callgrind per event: 2884 instructions without the memo,
		// 3631 keeping each set at once, 2998 marking it first; by
		// the clock the first was 4x slower).
		way[1] = way[0]
		way[0] = memoEntry{key: key, gen: d.gen, n: uint16(n), nids: memoSeen}
		return mt.decideAll(dst)
	}
	from := len(dst)
	mt.memoDep, mt.memoMarks = false, false
	dst = mt.decideAll(dst)
	// (A machine of the mask deciding in two passes, which only the
	// tests make, keeps no entry either: it would need one per clause.)
	if mt.memoDep || mt.memoMarks && len(mt.sub.always) > 0 || len(mt.pred) > decideInOnePass {
		*e = memoEntry{key: key, gen: d.gen, n: uint16(n), nids: -1}
		return dst
	}
	res := dst[from:]
	if len(res) > memoResultMax {
		*e = memoEntry{}
		return dst
	}
	// (e is the set's mark, seen once: it held nothing in the arenas.)
	if d.full(n, len(res)) {
		d.reset(mt.snap)
		e = &d.table[h>>(64-memoBits)&^1]
	}
	if !d.exact {
		at := len(d.preds)
		if d.preds = mt.appendFired(d.preds); len(d.preds)-at != n {
			d.preds = d.preds[:at] // cannot happen: nall counts them
			*e = memoEntry{}
			return dst
		}
		key |= uint64(uint32(at)) << 32
	}
	*e = memoEntry{key: key, ids: uint16(len(d.ids)), gen: d.gen, n: uint16(n), nids: int16(len(res))}
	d.ids = append(d.ids, res...)
	return dst
}

// memoKey returns what an entry of this input's set holds in its key,
// and the bits of the key to compare: the fired mask, all of it, where
// the memo's keys are masks (exact), else the low half of hash h.
func (mt *Matcher) memoKey(d *decisionMemo, h uint64) (key, mask uint64) {
	if d.exact {
		return mt.firedBits, ^uint64(0)
	}
	return uint64(uint32(h)), 1<<32 - 1
}

// memoSame tells whether every predicate of ids has fired in this input.
// Not inlined: in decideMemo's loop over the pair its loop kept its
// index and decideMemo's values on the stack, some twenty instructions
// per predicate (escapes-unicode: 176 per hit, for nine predicates; ten
// now).
//
//go:noinline
func (mt *Matcher) memoSame(ids []int32) bool {
	pred, epoch := mt.pred, mt.epoch
	for _, p := range ids {
		if q := uint(uint32(p)); q >= uint(len(pred)) || pred[q].epoch != epoch {
			return false
		}
	}
	return true
}

// appendFired appends the predicates with hits in this input to ids,
// found in their scratch, for a miss the memo keeps. Deciding computed
// no predicate (the set is not dependent): they are the set of the key.
func (mt *Matcher) appendFired(ids []int32) []int32 {
	epoch := mt.epoch
	for p, ps := range mt.pred[:min(int(mt.snap.predCap), len(mt.pred))] {
		if ps.epoch == epoch {
			ids = append(ids, int32(p))
		}
	}
	return ids
}
