package automaton

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"unsafe"

	"github.com/patternc/patternc/compiler"
)

// Matcher holds one goroutine's scratch memory for matching, the way a
// fastjson.Parser does; it is not safe for concurrent use. Everything it
// needs per event lives in slices it reuses, indexed by the dense ids the
// machine hands out, and stamped with an epoch instead of being cleared.
type Matcher struct {
	// The fields the stamps, leaves and member loops read most come
	// first: within the Matcher's first 128 bytes an access takes a
	// one-byte displacement, not four, and they share two cache lines
	// (they lay over bytes 280-1220). Callgrind, trusted, the bytes of the
	// instructions run at least once in 20 events: mixed-10000 26573 ->
	// 26229, escapes-unicode 10030 -> 9867; instr/event 7792 -> 7782 and
	// 3790 -> 3798. patternc bench, the old and new binaries alternated
	// (default layout and -randlayout 1-7, 64 runs a side), mean ratios:
	// mixed-10000 trusted +2.9 % (median of the eight layouts +1.9 %),
	// multi-field +2.3 %, escapes-unicode +1.9 %; Match +2.9, +1.9, +2.2 %.
	epoch uint32
	// snapEpoch is the first epoch of the current snapshot: cached
	// predicate records from before it are stale.
	snapEpoch uint32
	nfired    int32
	cur       int32 // the leaf being matched's index once recorded, else -1
	nall      int32 // predicates with hits in this input, in a small machine (see memoDep)
	nalone    int32 // alone[:nalone] (see alone)
	mark      uint8
	marks     bool
	// free: the leaf being matched hits as the free leaf (see leafNow):
	// it is in no array (at a path that records all its leaves it is
	// recorded too, for their readers, but its hits are leaf 0's). It is
	// so for the whole leaf, so addLeaf works it out once for all its
	// marks.
	free bool
	// arrHits: some predicate has a hit inside an array in this input
	// (predState.arr); without one, no clause needs the search.
	arrHits bool
	// firedBits has bit id%64 set for each predicate with hits, in fired
	// or not; with marks (a large machine), firedMark[p] is mark instead
	// when predicate p has hits in this input (fired.go).
	firedBits uint64
	fhash     uint64      // their key, in a small machine (see memoDep)
	pred      []predState // by predicate id
	firedMark []uint8     // with mark and marks: see firedBits
	// fired[:nfired] are the predicates with hits that may anchor a
	// clause, in order: a predicate whose cached record says it anchors
	// none is left out when it fires (source and detail-type in most
	// rule sets: three of five that a multi-field event fires), so
	// decideAll does not pass over it. fired is as long as pred (a
	// predicate fires once per input), so a fire is a store, without
	// append's test and call.
	fired []int32
	curPM *pathMatcher // the path of the leaf being matched

	m    *Machine
	snap *snapshot
	sub  *subMachine

	leaves   []leafRec
	trails   []arrayStep // trail of every leaf, back to back
	stack    []arrayStep // arrays on the way to the current value
	arrays   int32       // arrays seen in this event
	path     []byte
	keyBuf   []byte
	valBuf   []byte
	foldBuf  []byte
	tmpBuf   []byte
	numBuf   []byte
	attrBuf  []byte    // MessageAttributes rendered as a flat event
	numShape numShape  // of the number leaf being matched
	curKind  byte      // its kind
	hull     hullCache // integer parts outside a path's ranges (hull.go)
	inHull   bool      // the number leaf being matched is inside its path's hull
	// foldASCII: the value being walked through the folded tries is read
	// lowering ASCII bytes (all ASCII, or for ASCII patterns only): the
	// sure marks it reaches need no verification (foldSure).
	foldASCII bool
	// infixOff is where the infix trie's walk reached the marks it fires
	// started in the value (fire verifies a glob around it).
	infixOff int
	// tailMemo is aroundTail's, for the value walkRev walks.
	tailMemo tailMemo

	pathLeaves []pathState // by path index
	paths      []int32     // paths with leaves in this event

	cands []candidate // decideAll's list
	// direct are the clauses stab handed straight to deciding, directArr
	// set when their anchors may have a hit in an array (rangedirect.go).
	direct    []candidate
	directArr bool
	// restHits are the range entries stab found whose clause's rest
	// decides it (hitRest, rangedirect.go).
	restHits []uintptr // *rangeEntry, as candidate.cl
	restLeaf int32     // the leaf of restHits (0: none yet; -1: none may be)
	// alone[:nalone] are the fired predicates whose one anchored clause
	// is their field alone (aloneOnly, alone.go): its patterns are
	// appended without listing it.
	alone  []int32
	groups aloneGroups
	// seen samples how often the paths' filters let a value through
	// (strseen.go).
	seen  seenSampler
	hits  []hitRec
	excls []exclRec
	// abEx[p] is the epoch in which a leaf fired an exclusion of the
	// anything-but of predicate p (abfirst.go).
	abEx []uint32
	// rests[id] is a shared rest's answer in this input (rests.go).
	rests []restState

	patEpoch []uint32

	// array-consistency search
	pairs  []int32 // leaves per field, back to back
	starts []int32
	sf     []int32 // the fields searched, by index in the clause
	choice []arrayStep
	absent []int32
	budget int
	err    error

	trusted bool // MatchTrusted: skip unvalidated, stop early
	// dotEntry is the entry a member named with a dot leads to (member).
	dotEntry pathEntry
	// byteNames makes object read every member name with memberName
	// (tests of the word-wise reader).
	byteNames bool
	check     trustCheck
	// memo guesses the next member name MatchTrusted reads (namememo.go).
	memo *nameMemo
	// In a small machine, nall (above, with the hot fields) is how many
	// predicates have hits in this input and fhash their key (setFired);
	// dmemo is the decision memo keyed by them, memoDep tells that
	// deciding read more than they, and memoMarks that it marked a pattern
	// of several clauses matched (patEpoch) (memo.go).
	memoDep   bool
	memoMarks bool
	dmemo     *decisionMemo
}

// The Matcher's hot fields, epoch to curPM, end within its first 128
// bytes, where an access takes a one-byte displacement.
var _ [128 - unsafe.Offsetof(Matcher{}.curPM) - unsafe.Sizeof(Matcher{}.curPM)]struct{}

type arrayStep struct {
	array int32
	index int32
}

type leafRec struct {
	pathIdx  int32
	kind     byte // a tag of key.go
	numOK    bool // num is the comparable key of an exact number
	val      []byte
	num      uint64
	tr0, tr1 int32 // trail in Matcher.trails
	next     int32 // next leaf at the same path
	excl     int32 // first exclusion record
}

// predState is one predicate's scratch for the current input; hit reads
// and writes its fields together, so they share a cache line.
type predState struct {
	epoch uint32 // the predicate has hits in this input
	head  int32  // its last hit
	arr   uint32 // epoch of its last hit inside an array
	lazy  uint32 // epoch its lazy part was computed in
	// rec caches the predicate's record in the snapshot, valid while
	// recEpoch >= Matcher.snapEpoch: hit has just loaded this line, where
	// the predTable lookup took a cache miss per fired predicate at ten
	// thousand rules.
	rec      *predRec
	recEpoch uint32
	// anchors is len(rec.anchors), cached with rec: about half of the
	// predicates an event fires at ten thousand rules anchor no clause,
	// and decideAll passes them over without loading their records.
	anchors int32
}

// pathState is one path's scratch: its leaves in this input, as a list.
type pathState struct {
	epoch      uint32
	head, tail int32
	// seen is the epoch in which plainString last looked the path's leaf
	// up in its table alone, outside pinned arrays (a guard's path,
	// deadbelow.go); it records no leaf. (In epoch's line, in what was
	// padding.)
	seen uint32
	pm   *pathMatcher
}

type hitRec struct {
	leaf int32
	next int32
}

type exclRec struct {
	ab   *abCond
	next int32
}

// searchBudget bounds the array-consistency search per event, as
// compiler.Explain bounds its own.
const searchBudget = 2_000_000

// ErrTooComplex is returned for an event whose arrays give more leaf
// combinations than the consistency search may try.
var ErrTooComplex = errors.New("automaton: the event has too many array combinations to match")

// NewMatcher returns scratch memory bound to m.
func (m *Machine) NewMatcher() *Matcher { return &Matcher{m: m} }

// getMatcher takes scratch from the machine's own pool: a Matcher is bound
// to one machine, so one pool shared by every machine would hand back
// Matchers of other machines, to be dropped.
func (m *Machine) getMatcher() *Matcher {
	if v := m.matchers.Get(); v != nil {
		return v.(*Matcher)
	}
	return m.NewMatcher()
}

// Match returns the ids of the EventBridge patterns that event matches
// (SNS patterns never match here). It allocates its result; use a Matcher
// for allocation-free matching.
func (m *Machine) Match(event []byte) ([]ID, error) {
	mt := m.getMatcher()
	ids, err := mt.Match(nil, event)
	m.matchers.Put(mt)
	return ids, err
}

// MatchPublish returns the ids of the SNS filter policies (either scope)
// that an SNS Publish request matches.
func (m *Machine) MatchPublish(req []byte) ([]ID, error) {
	mt := m.getMatcher()
	ids, err := mt.MatchPublish(nil, req)
	m.matchers.Put(mt)
	return ids, err
}

// MatchMessage returns the ids of the SNS filter policies that a message
// matches, given as its parsed attributes and body (Matcher.MatchMessage).
func (m *Machine) MatchMessage(pub *compiler.Publish) ([]ID, error) {
	mt := m.getMatcher()
	ids, err := mt.MatchMessage(nil, pub)
	m.matchers.Put(mt)
	return ids, err
}

// Match appends the ids of the EventBridge patterns matching event to
// dst[:0] and returns it. In steady state it allocates nothing.
func (mt *Matcher) Match(dst []ID, event []byte) ([]ID, error) {
	prefetchInput(event)
	dst = dst[:0]
	mt.begin()
	if len(event) > mt.m.cfg.MaxEventSize {
		return dst, fmt.Errorf("automaton: event is %d bytes, larger than the limit of %d", len(event), mt.m.cfg.MaxEventSize)
	}
	return mt.run(dst, inputEvent, event)
}

// MatchPublish is Match for SNS Publish requests: MessageAttributes-scope
// policies see the attributes (docs/semantics/filter-policies.md §3), MessageBody-scope
// ones the Message parsed as a JSON object (not an object: no match).
func (mt *Matcher) MatchPublish(dst []ID, req []byte) ([]ID, error) {
	pub, err := compiler.ParsePublish(req)
	if err != nil {
		return dst[:0], err
	}
	return mt.MatchMessage(dst, pub)
}

// MatchMessage is MatchPublish for a message already in hand, as a topic
// holds it after Publish validated it: no request is written and read
// back. The only error is ErrTooComplex (or an oversized message): a body
// that is not a JSON object simply matches no MessageBody policy
// (docs/semantics/filter-policies.md §4).
func (mt *Matcher) MatchMessage(dst []ID, pub *compiler.Publish) ([]ID, error) {
	dst = dst[:0]
	mt.begin()
	var err error
	if mt.snap.sub[inputAttributes].count > 0 && pub.HasAttributes() {
		// The attributes event is written by the Publish model: valid JSON,
		// but attributes named "a" and "a.b" (or a String.Array holding
		// objects that name a member twice) break the trusted contract,
		// and MatchTrusted could stop before "a.b". The event is small and
		// read once, validating: checking the contract first and then
		// reading it trusted would read it twice.
		mt.attrBuf = pub.AppendAttributesEvent(mt.attrBuf[:0])
		dst, err = mt.run(dst, inputAttributes, mt.attrBuf)
		if err != nil {
			return dst, err
		}
	}
	if mt.snap.sub[inputBody].count > 0 {
		if len(pub.Message) > mt.m.cfg.MaxEventSize {
			return dst, fmt.Errorf("automaton: message is %d bytes, larger than the limit of %d", len(pub.Message), mt.m.cfg.MaxEventSize)
		}
		mt.epoch++ // a fresh event: leaves and hits of the attributes are gone
		if mt.epoch == 0 {
			mt.resetEpochs()
		}
		var bodyErr error
		dst, bodyErr = mt.run(dst, inputBody, []byte(pub.Message))
		if errors.Is(bodyErr, ErrTooComplex) {
			return dst, bodyErr
		}
		// Any other error means the Message is not a JSON object: such a
		// message is simply not delivered (docs/semantics/filter-policies.md §4).
	}
	return dst, nil
}

// begin starts an input: a new epoch, and the current snapshot with the
// scratch sized for it (loadSnapshot), which only a new snapshot needs:
// a published snapshot and its caps do not change, so the usual input
// pays one compare of two pointers, where the four caps' tests read the
// snapshot's line, which at mixed-10000 has often left the cache
// between events. Callgrind multi-field trusted: begin 41 -> 21
// instr/event. Paired thread CPU, on-off median ns/event, ab / ba, load
// 3-6: mixed-10000 trusted -16.9 / -19.9 (400 pairs), -2.9 / -5.9,
// -0.3 / -13.0 (1200, quartiles about +-65), -1.1 / -12.9 (1500);
// mixed-10000 Match -5.0 (600, ab), -7.9 (1000, ba); multi-field
// trusted -1.6 / -1.9, -0.4 / +2.6, -2.1 / -2.3 (3000, quartiles about
// +-15..25); escapes-unicode trusted -2.2 (1500, q1 -14.6 q3 +9.3).
// Small, but 16 of the 17 medians are below 0.
func (mt *Matcher) begin() {
	s := mt.m.snap.Load()
	if mt.epoch++; mt.epoch == 0 {
		mt.resetEpochs()
	}
	if s != mt.snap {
		mt.loadSnapshot(s)
	}
}

// loadSnapshot makes s the Matcher's snapshot (begin, once the input's
// epoch is set): the caches of the last one dropped, the scratch sized
// for s, and the records every input starts with made once.
//
// The scratch arrays are plain makes. Arrays over 32 KB start on a page,
// so at ten thousand rules pred, fired, alone, abEx, the rests and the
// pattern epochs, with the candidates and the groups' table and ids, all
// began in L1 set 0, and each event read the first entries of most of
// them. Starting each in a set of its own (over-allocating up to 4 KB
// an array) was measured and dropped: callgrind's cache simulation of
// mixed-10000 trusted counted 90 -> 84 L1 read misses and 18 -> 9.6
// write misses an event (a fully associative L1 of the same size: 85
// and 7.6), multi-field 15.1 -> 13.7, but the clock did not move
// (in-process A/B of two Matchers, 300 whole-corpus rounds each, twice:
// mixed-10000 trusted -0.09 % and -0.22 %, multi-field -1.6 % and
// -0.7 %, quartiles +-4 %): the misses were L2 hits the core overlaps.
//
//go:noinline
func (mt *Matcher) loadSnapshot(s *snapshot) {
	mt.hull = hullCache{}
	mt.groups.clear()
	mt.snap = s
	if int(s.predCap) > len(mt.pred) {
		n := int(s.predCap) + int(s.predCap)/4 + 16
		mt.pred = make([]predState, n)
		mt.fired = make([]int32, n)
		mt.alone = make([]int32, n)
		mt.firedMark = make([]uint8, n)
		mt.abEx = make([]uint32, n)
	}
	if int(s.pathCap) > len(mt.pathLeaves) {
		mt.pathLeaves = make([]pathState, int(s.pathCap)+16)
	}
	if int(s.restCap) > len(mt.rests) {
		mt.rests = make([]restState, int(s.restCap)+int(s.restCap)/4+16)
	}
	if int(s.patCap) > len(mt.patEpoch) {
		mt.patEpoch = make([]uint32, int(s.patCap)+int(s.patCap)/4+16)
	}
	// Leaf 0 is the free leaf and hit 0 its hit (see leafNow); run
	// keeps them.
	if len(mt.leaves) == 0 {
		mt.leaves = append(mt.leaves, leafRec{next: -1, excl: -1})
	}
	if len(mt.hits) == 0 {
		mt.hits = append(mt.hits, hitRec{leaf: 0, next: -1})
	}
	mt.snapEpoch = mt.epoch
}

// predRec returns predicate p's record in the current snapshot.
func (mt *Matcher) predRec(p int32) *predRec {
	ps := &mt.pred[p]
	if ps.recEpoch < mt.snapEpoch || ps.rec == nil {
		mt.loadRec(ps, p)
	}
	return ps.rec
}

// loadRec caches predicate p's record of the current snapshot in ps.
func (mt *Matcher) loadRec(ps *predState, p int32) {
	ps.rec, ps.recEpoch = mt.snap.preds.get(p), mt.epoch
	ps.anchors = int32(len(ps.rec.anchors))
	if mt.snap.needIDs && aloneOnly(ps.rec) {
		ps.anchors = anchorsAlone
	}
}

func (mt *Matcher) resetEpochs() {
	clear(mt.pred)
	clear(mt.abEx)
	clear(mt.rests)
	clear(mt.pathLeaves)
	clear(mt.patEpoch)
	mt.epoch = 1
	mt.snapEpoch = 1 // the cached records were cleared
}

// run matches one input against one sub-machine.
func (mt *Matcher) run(dst []ID, input int, data []byte) ([]ID, error) {
	sub := mt.snap.sub[input]
	mt.sub = sub
	// Leaf 0 is the free leaf and hit 0 its hit (see leafNow), made by
	// loadSnapshot. Of them, only the leaf's exclusions change during an
	// input (fire): the rest is set once, not per event.
	mt.leaves = mt.leaves[:1]
	mt.leaves[0].excl = -1
	mt.hits = mt.hits[:1]
	mt.trails = mt.trails[:0]
	mt.stack = mt.stack[:0]
	mt.path = mt.path[:0]
	mt.valBuf = mt.valBuf[:0]
	mt.paths = mt.paths[:0]
	mt.nfired, mt.nalone, mt.nall, mt.fhash = 0, 0, 0, 0
	mt.groups.fired = mt.groups.fired[:0]
	mt.direct, mt.directArr = mt.direct[:0], false
	mt.restHits, mt.restLeaf = mt.restHits[:0], 0
	mt.startFired()
	mt.excls = mt.excls[:0]
	mt.arrays = 0
	mt.arrHits = false
	if mt.err != nil {
		mt.err = nil
	}
	if sub.count == 0 {
		return dst, nil
	}
	if err := mt.scan(data); err != nil {
		return dst, err
	}
	mt.postPass()
	mt.budget = searchBudget
	if mt.nfired > 0 || mt.nalone > 0 || len(mt.groups.fired) > 0 {
		dst = mt.decideMemo(dst, input)
	}
	if len(mt.restHits) > 0 {
		dst = mt.decideRestHits(dst)
	}
	if len(mt.direct) > 0 {
		dst = mt.decideDirect(dst)
	}
	for _, cl := range sub.always {
		dst = mt.evaluate(dst, cl)
	}
	return dst, mt.err
}

// addLeaf runs a value at the current path through the path's value
// automaton. The leaf is recorded only when something fires or when the
// path needs all of its leaves (exists, anything-but, exists:false): most
// leaves of a big event cost no bookkeeping.
func (mt *Matcher) addLeaf(pm *pathMatcher, kind byte, val []byte) {
	mt.cur = -1
	mt.curPM = pm
	mt.curKind = kind
	// A leaf in no array hits as the free leaf (free), also at a path
	// that records its leaves (recordAll, for its anything-buts, exists
	// or absence): the record below stays for those, which read the
	// path's leaves and the exclusions fire writes, but no hit needs to
	// name it, as a leaf in no array is consistent with every choice, as
	// leaf 0 is. mixed-10000's region (exact regions beside anything-
	// buts, nine events in ten) so stamps its exact predicate without
	// fire and a hit record: callgrind mixed-10000 trusted 7631 -> 7522
	// instr/event, Match 8891 -> 8789, anything-but unchanged (taken in
	// fireAll alone, 7545 and 8817, anything-but +0.1 %: bench/ablayout,
	// 8 aligned layouts x 3 runs, trusted +2.3 %, Match +2.1 %).
	mt.free = len(mt.stack) == 0
	if pm.recordAll {
		mt.leafNow(val)
	}
	switch kind {
	case tagString:
		tab := pm.strTab
		if t := pm.affixTab; tab == nil && t != nil && t.pfx != nil {
			// Exact values and a few prefixes (mixtab.go).
			mt.mixPrefixes(t.pfx, val)
			tab = t
		}
		if tab != nil {
			if s := tab.find(val); s != nil {
				if p := s.one; p >= 0 && mt.free {
					// One plain mark, stamped in line as tabString does.
					if ps := &mt.pred[p]; ps.epoch != mt.epoch {
						mt.firstHit(ps, p)
					} else if mt.hits[ps.head].leaf != 0 {
						mt.hit(p, 0)
					}
				} else if !s.plain {
					mt.fireAll(s.marks(), val)
				} else if mt.free {
					mt.stamp(s.preds())
				} else {
					li := mt.leafNow(val)
					for _, p := range s.preds() {
						mt.hit(p, li)
					}
				}
			}
		} else if !pm.strMore {
			if t := pm.affixTab; t != nil && mt.free {
				// The prefixes by hash (pfxtab.go): here, with no
				// reversed trie, the table is of prefixes.
				mt.prefixes(t, val)
				return
			}
			if f := pm.strSeen; f != nil && mt.seen.use() {
				pass := f.mayHave(val)
				mt.seen.note(pass)
				if !pass {
					return // no key (strseen.go)
				}
			}
			mt.walkFrom(pm.str, val, val)
			return // the forward trie is all a string meets here
		} else if pm.str != nil {
			// Other tries read strings here, and often the forward
			// one holds none.
			mt.walkFrom(pm.str, val, val)
		}
		if !pm.strMore {
			return
		}
		if t := pm.affixTab; t != nil && t.pfx == nil {
			mt.suffix(t, int(pm.sufLen), val)
		} else if pm.revStr != nil {
			mt.walkRev(pm.revStr, val, val)
		}
		if pm.infixStr != nil {
			mt.infixes(pm, val)
		}
		if pm.foldStr != nil || pm.revFoldStr != nil {
			if pm.foldWide == 0 || asciiOnly(val) {
				// An ASCII value folds to its lower case byte for byte:
				// the walks lower what they read, and read only that.
				// Where every fold pattern is ASCII, so is any value for
				// them: a pattern byte admits its two ASCII cases only,
				// which a byte of a value either is or is not, whatever
				// the rest of the value holds.
				mt.foldASCII = true
				if pm.foldStr != nil {
					mt.walkLower(pm.foldStr, val)
				}
				if pm.revFoldStr != nil {
					mt.walkRevLower(pm.revFoldStr, val)
				}
			} else {
				mt.foldBuf, mt.foldASCII = foldValue(mt.foldBuf[:0], val)
				if pm.foldStr != nil {
					mt.walkFrom(pm.foldStr, mt.foldBuf, val)
				}
				if pm.revFoldStr != nil {
					mt.walkRev(pm.revFoldStr, mt.foldBuf, val)
				}
			}
			mt.foldASCII = false
		}
		if pm.cidrs > 0 {
			var ok bool
			if mt.tmpBuf, ok = appendIPKeyAt(mt.tmpBuf[:0], val, pm.fwd); ok {
				mt.walk(pm.fwd, mt.tmpBuf[0], mt.tmpBuf[1:], val, false)
			}
		}
	case tagNumber, tagNumText:
		mt.number(pm, val)
	default:
		mt.walk(pm.fwd, kind, nil, nil, false)
	}
}

// freeString makes the leaf being matched a string at pm in no array,
// not yet recorded: the free leaf (leafNow), which the paths that go to
// a table or trie without addLeaf (the tables' slots, the suffix table
// alone, the prefixes with written forms) fire their marks from.
func (mt *Matcher) freeString(pm *pathMatcher) {
	mt.cur, mt.curPM, mt.curKind, mt.free = -1, pm, tagString, true
}

// leafNow records the current leaf (once) and returns its index; val is
// its value as read (string bytes or number text).
//
// A leaf in no array at a path that does not record all its leaves is
// not recorded: it is leaf 0, the free leaf. Nothing reads such a leaf
// but the consistency search, and a leaf in no array is consistent with
// every choice, as leaf 0 is (it has no trail); the path's list of
// leaves is read only at paths that record all of them (lazy
// predicates, absence, the anything-but fast path). Most hits of the
// usual rules (source, detail-type, a state) so cost no record.
//
// Measured and lost (icode, the hot code's size): the growth of the
// appends here and in hit, fire, hitRange and addGroup through a generic
// noinline grown, the element written after: no shorter (leafNow 1125 ->
// 1164 bytes, hitRange 574 -> 589, fire 1031 -> 1004), the call with its
// dictionary and the slice written back is as long as growslice's, and
// addGroup no longer inlined; with the store inside the helper (push) it
// does not inline at all (cost 98).
func (mt *Matcher) leafNow(val []byte) int32 {
	if mt.cur >= 0 {
		return mt.cur
	}
	pm := mt.curPM
	if len(mt.stack) == 0 && !pm.recordAll {
		return 0
	}
	li := int32(len(mt.leaves))
	tr0 := int32(len(mt.trails))
	if len(mt.stack) > 0 { // most leaves are in no array
		mt.trails = append(mt.trails, mt.stack...)
	}
	mt.leaves = append(mt.leaves, leafRec{pathIdx: pm.idx, kind: mt.curKind, val: val, tr0: tr0, tr1: int32(len(mt.trails)), next: -1, excl: -1})
	idx := pm.idx
	ps := &mt.pathLeaves[idx]
	if ps.epoch != mt.epoch {
		ps.epoch = mt.epoch
		ps.head = li
		ps.pm = pm
		mt.paths = append(mt.paths, idx)
	} else {
		mt.leaves[ps.tail].next = li
	}
	ps.tail = li
	mt.cur = li
	return li
}

// number runs a number leaf: its comparable key through the trie and the
// ranges, or its text when it is not comparable. Work nothing at the path
// can use is skipped.
func (mt *Matcher) number(pm *pathMatcher, val []byte) {
	inHull := mt.inHull
	mt.inHull = false
	needN, needT := pm.numKeys, pm.numText
	needR := len(pm.ranges.conds) > 0 || pm.lazyRanges
	if !needN && !needT && !needR {
		return
	}
	if sh := mt.numShape; !needN && !needT && pm.hull && !inHull && (sh.frac || sh.exponent || len(val) > 15) {
		// Only ranges here: the integer part alone often shows the number
		// is outside all of them, with no parse at all. (Not for an
		// integer of up to 15 characters, which readNumber reads in a
		// loop over its digits: the test, the integer bounds worked out
		// for each new integer part, cost more than that parse, and S3
		// object sizes are all different.)
		if mt.outsideHull(pm, val, sh) {
			return
		}
	}
	f, exact, buf := readNumber(val, mt.numShape, mt.numBuf, mt.skipNumber)
	mt.numBuf = buf
	if !exact {
		if needT {
			mt.walk(pm.fwd, tagNumText, val, val, false)
		}
		return
	}
	if needN {
		mt.tmpBuf = appendNumberKey(mt.tmpBuf[:0], f)
		mt.walk(pm.fwd, tagNumber, mt.tmpBuf[1:], val, false)
	}
	if needR {
		key := numberKey(f)
		if len(pm.ranges.conds) > 0 {
			mt.stab(&pm.ranges, key, val)
		}
		if mt.cur >= 0 {
			// Recorded: ranges computed on demand read its key (lazy).
			l := &mt.leaves[mt.cur]
			l.num, l.numOK = key, true
		}
	}
}

// skipNumber tells readNumber that a number in [lo, hi] cannot matter at
// the current path: no literal number keys, and no range overlaps
// [lo, hi]. (Testing the ranges themselves, not their hull, spares the
// costly comparability test of a 16- or 17-digit number between them.)
func (mt *Matcher) skipNumber(lo, hi float64) bool {
	pm := mt.curPM
	if pm.numKeys || pm.numText {
		return false
	}
	if pm.lazyRanges {
		// Some ranges are not in the index (their predicates anchor no
		// clause): only the hull bounds them all.
		return numberKey(hi) < pm.hullLo || numberKey(lo) > pm.hullHi
	}
	return !pm.ranges.overlaps(numberKey(lo), numberKey(hi))
}

// walk runs a value through a trie (backwards when rev), firing the marks
// it reaches; orig is the unfolded value for verification.
func (mt *Matcher) walk(root *node, tag byte, val, orig []byte, rev bool) {
	if root == nil {
		return
	}
	if rev {
		mt.walkRev(root.child(tag), val, orig)
	} else {
		mt.walkFrom(root.child(tag), val, orig)
	}
}

// walkFrom is walk from n, the node a value's tag leads to, forwards.
// (Forwards and backwards are two loops: a flag tested per byte cost the
// usual forward walk a tenth of its instructions.)
func (mt *Matcher) walkFrom(n *node, val, orig []byte) {
	i := 0
	for n != nil {
		if seg := n.seg; len(seg) > 0 {
			l := len(seg)
			if len(val)-i < l {
				return
			}
			// The usual seg, of 4 to 16 bytes, in two words that may
			// overlap, in line: memequal's call cost more than the
			// compare (escapes-unicode, whose prefixes are a seg of ten
			// bytes and one of a city's).
			if v, s := val[i:i+l], stringBytes(seg); l >= 8 && l <= 16 {
				if load64(v, 0) != load64(s, 0) || load64(v, l-8) != load64(s, l-8) {
					return
				}
			} else if l >= 4 && l < 8 {
				if load32(v, 0) != load32(s, 0) || load32(v, l-4) != load32(s, l-4) {
					return
				}
			} else if string(v) != seg {
				return
			}
			i += l
		}
		more := n.more
		if more != nil && len(more.pass) > 0 {
			if pass := more.pass; len(pass) == 1 && mt.free && pass[0].verify == verifyNone && pass[0].ab == nil {
				// One plain mark (a prefix), stamped in line as an end
				// mark is below.
				p := pass[0].pred
				if ps := &mt.pred[p]; ps.epoch != mt.epoch {
					mt.firstHit(ps, p)
				} else if mt.hits[ps.head].leaf != 0 {
					mt.hit(p, 0)
				}
			} else {
				mt.fireAll(pass, orig)
			}
		}
		if i == len(val) {
			if end := n.end; len(end) == 1 && mt.free && end[0].verify == verifyNone && end[0].ab == nil {
				// One plain mark, the usual exact value of a path's rules,
				// stamped in line as the lowering walks do.
				p := end[0].pred
				if ps := &mt.pred[p]; ps.epoch != mt.epoch {
					mt.firstHit(ps, p)
				} else if mt.hits[ps.head].leaf != 0 {
					mt.hit(p, 0)
				}
			} else if len(end) > 0 {
				mt.fireAll(end, orig)
			}
			return
		}
		b := val[i]
		if more != nil && len(more.rng) > 0 {
			mt.fireRanges(more.rng, b, orig)
		}
		// One key, the usual node below the first bytes, and a few, the
		// first letters of a few values, without the call.
		switch keys := n.keys; len(keys) {
		case 0:
			return
		case 1:
			if keys[0] != b {
				return
			}
			n = n.kids[0]
		case 2, 3, 4:
			k := 0
			for k < len(keys) && keys[k] != b {
				k++
			}
			if k == len(keys) {
				return
			}
			n = n.kids[k]
		default:
			n = n.child(b)
		}
		i++
	}
}

// walkRev is walkFrom backwards, from the value's last byte: j is the
// number of bytes not yet read. (The two are written out apart, and the
// one-key step inline in each: a shared step function does not inline,
// and would cost a call per byte of every value walked.)
func (mt *Matcher) walkRev(n *node, val, orig []byte) {
	mt.tailMemo.part = "" // a new value (see aroundTail)
	j := len(val)
	for n != nil {
		if seg := n.seg; len(seg) > 0 {
			l := len(seg)
			if j < l {
				return
			}
			// As walkFrom: 4 to 16 bytes in line, in two words, here
			// byte-swapped (equalRev).
			if v, s := val[j-l:j], stringBytes(seg); l >= 8 && l <= 16 {
				if bits.ReverseBytes64(load64(v, l-8)) != load64(s, 0) || bits.ReverseBytes64(load64(v, 0)) != load64(s, l-8) {
					return
				}
			} else if l >= 4 && l < 8 {
				if bits.ReverseBytes32(load32(v, l-4)) != load32(s, 0) || bits.ReverseBytes32(load32(v, 0)) != load32(s, l-4) {
					return
				}
			} else if !equalRev(v, seg) {
				return
			}
			j -= l
		}
		more := n.more
		if more != nil && len(more.pass) > 0 {
			if pass := more.pass; len(pass) == 1 && mt.free && pass[0].verify == verifyNone && pass[0].ab == nil {
				// One plain mark (a suffix), stamped in line as walkFrom does.
				p := pass[0].pred
				if ps := &mt.pred[p]; ps.epoch != mt.epoch {
					mt.firstHit(ps, p)
				} else if mt.hits[ps.head].leaf != 0 {
					mt.hit(p, 0)
				}
			} else {
				mt.fireAll(pass, orig)
			}
		}
		if j == 0 {
			if len(n.end) > 0 {
				mt.fireAll(n.end, orig)
			}
			return
		}
		j--
		b := val[j]
		if more != nil && len(more.rng) > 0 {
			mt.fireRanges(more.rng, b, orig)
		}
		// Stepped as walkFrom steps (a suffix trie's root has a key per
		// last byte of its suffixes, often two to four).
		switch keys := n.keys; len(keys) {
		case 0:
			return
		case 1:
			if keys[0] != b {
				return
			}
			n = n.kids[0]
		case 2, 3, 4:
			k := 0
			for k < len(keys) && keys[k] != b {
				k++
			}
			if k == len(keys) {
				return
			}
			n = n.kids[k]
		default:
			n = n.child(b)
		}
	}
}

// walkLower is walkFrom through a folded trie for an ASCII value, which
// folds to its lower case: each byte is lowered as it is read. (Folded
// tries hold no range marks.)
func (mt *Matcher) walkLower(n *node, val []byte) {
	i := 0
	for n != nil {
		if seg := n.seg; len(seg) > 0 {
			if len(val)-i < len(seg) {
				return
			}
			if v, l := val[i:i+len(seg)], len(seg); l >= 4 && l <= 8 {
				// equalLower's two halves, the usual seg, in line.
				s := stringBytes(seg)
				if lower64(uint64(load32(v, 0))) != uint64(load32(s, 0)) || lower64(uint64(load32(v, l-4))) != uint64(load32(s, l-4)) {
					return
				}
			} else if !equalLower(v, seg) {
				return
			}
			i += len(seg)
		}
		if more := n.more; more != nil && len(more.pass) > 0 {
			if pass := more.pass; len(pass) == 1 && mt.free && pass[0].sure && pass[0].ab == nil {
				// One sure mark, the usual prefix of a path's rules, is
				// stamped in line: fireAll's call and loop cost more than
				// the stamp (affix-ignore-case 5299 -> 5206 instr/event;
				// calling stamp, 5265).
				p := pass[0].pred
				if ps := &mt.pred[p]; ps.epoch != mt.epoch {
					mt.firstHit(ps, p)
				} else if mt.hits[ps.head].leaf != 0 {
					mt.hit(p, 0)
				}
			} else {
				mt.fireAll(pass, val)
			}
		}
		if i == len(val) {
			if len(n.end) > 0 {
				mt.fireAll(n.end, val)
			}
			return
		}
		// Most nodes of a folded trie lead on by one key or none (the
		// patterns of a path share little), stepped without the call.
		switch b, keys := lowerASCII(val[i]), n.keys; len(keys) {
		case 0:
			return
		case 1:
			if keys[0] != b {
				return
			}
			n = n.kids[0]
		case 2, 3, 4:
			// The first letters of a few patterns, without the call.
			k := 0
			for k < len(keys) && keys[k] != b {
				k++
			}
			if k == len(keys) {
				return
			}
			n = n.kids[k]
		default:
			n = n.child(b)
		}
		i++
	}
}

// walkRevLower is walkRev through a folded trie for an ASCII value.
func (mt *Matcher) walkRevLower(n *node, val []byte) {
	j := len(val)
	for n != nil {
		if seg := n.seg; len(seg) > 0 {
			if j < len(seg) || !equalLowerRev(val[j-len(seg):j], seg) {
				return
			}
			j -= len(seg)
		}
		if more := n.more; more != nil && len(more.pass) > 0 {
			if pass := more.pass; len(pass) == 1 && mt.free && pass[0].sure && pass[0].ab == nil {
				// One sure mark, stamped in line as walkLower does.
				p := pass[0].pred
				if ps := &mt.pred[p]; ps.epoch != mt.epoch {
					mt.firstHit(ps, p)
				} else if mt.hits[ps.head].leaf != 0 {
					mt.hit(p, 0)
				}
			} else {
				mt.fireAll(pass, val)
			}
		}
		if j == 0 {
			if len(n.end) > 0 {
				mt.fireAll(n.end, val)
			}
			return
		}
		j--
		// Stepped as walkLower steps, written out in both: a shared
		// (*node).step does not inline (-gcflags=-m=2: cost 111, budget
		// 80), and its call per byte is what the switch avoids.
		switch b, keys := lowerASCII(val[j]), n.keys; len(keys) {
		case 0:
			return
		case 1:
			if keys[0] != b {
				return
			}
			n = n.kids[0]
		case 2, 3, 4:
			k := 0
			for k < len(keys) && keys[k] != b {
				k++
			}
			if k == len(keys) {
				return
			}
			n = n.kids[k]
		default:
			n = n.child(b)
		}
	}
}

func lowerASCII(c byte) byte {
	if c-'A' < 26 {
		c += 'a' - 'A'
	}
	return c
}

// equalLower tells whether v lowered is seg (as long as v, ASCII): words
// of v lowered as foldValue lowers them, the last overlapping the one
// before, and a short seg in two halves that overlap likewise. A byte of
// v that is not ASCII stays so lowered (lowering only sets bits), so the
// word holding it differs from seg's, whatever a carry out of it did to
// the bytes above.
func equalLower(v []byte, seg string) bool {
	s := stringBytes(seg)
	n := len(s)
	switch {
	case n >= 8:
		for k := 0; k+8 < n; k += 8 {
			if lower64(load64(v, k)) != load64(s, k) {
				return false
			}
		}
		return lower64(load64(v, n-8)) == load64(s, n-8)
	case n >= 4:
		return lower64(uint64(load32(v, 0))) == uint64(load32(s, 0)) &&
			lower64(uint64(load32(v, n-4))) == uint64(load32(s, n-4))
	case n >= 2:
		return lower64(uint64(load16(v, 0))) == uint64(load16(s, 0)) &&
			lower64(uint64(load16(v, n-2))) == uint64(load16(s, n-2))
	}
	return n == 0 || lowerASCII(v[0]) == s[0]
}

// equalRev tells whether v read from its end is seg (as long as v), a
// reversed trie's seg: as equalLowerRev, without the lowering, the words
// of v byte-swapped.
func equalRev(v []byte, seg string) bool {
	s := stringBytes(seg)
	n := len(s)
	switch {
	case n >= 8:
		for k := 0; k+8 < n; k += 8 {
			if bits.ReverseBytes64(load64(v, n-8-k)) != load64(s, k) {
				return false
			}
		}
		return bits.ReverseBytes64(load64(v, 0)) == load64(s, n-8)
	case n >= 4:
		return bits.ReverseBytes32(load32(v, n-4)) == load32(s, 0) &&
			bits.ReverseBytes32(load32(v, 0)) == load32(s, n-4)
	case n >= 2:
		return bits.ReverseBytes16(load16(v, n-2)) == load16(s, 0) &&
			bits.ReverseBytes16(load16(v, 0)) == load16(s, n-2)
	}
	return n == 0 || v[0] == s[0]
}

// equalLowerRev is equalLower for a reversed trie's seg: v read from its
// end lowered is seg (the words of v byte-swapped).
func equalLowerRev(v []byte, seg string) bool {
	s := stringBytes(seg)
	n := len(s)
	switch {
	case n >= 8:
		for k := 0; k+8 < n; k += 8 {
			if lower64(bits.ReverseBytes64(load64(v, n-8-k))) != load64(s, k) {
				return false
			}
		}
		return lower64(bits.ReverseBytes64(load64(v, 0))) == load64(s, n-8)
	case n >= 4:
		return lower64(uint64(bits.ReverseBytes32(load32(v, n-4)))) == uint64(load32(s, 0)) &&
			lower64(uint64(bits.ReverseBytes32(load32(v, 0)))) == uint64(load32(s, n-4))
	case n >= 2:
		return lower64(uint64(bits.ReverseBytes16(load16(v, n-2)))) == uint64(load16(s, 0)) &&
			lower64(uint64(bits.ReverseBytes16(load16(v, 0)))) == uint64(load16(s, n-2))
	}
	return n == 0 || lowerASCII(v[0]) == s[0]
}

// lower64 lowers the ASCII capitals of the bytes of x (foldValue's rule).
func lower64(x uint64) uint64 {
	upper := (x + ones*(0x80-'A')) &^ (x + ones*(0x80-'Z'-1)) & highs
	return x | upper>>2
}

// asciiOnly tells whether v is all ASCII, eight bytes at a time.
func asciiOnly(v []byte) bool {
	var hi uint64
	k := 0
	for ; k+8 <= len(v); k += 8 {
		hi |= load64(v, k)
	}
	for ; k < len(v); k++ {
		hi |= uint64(v[k])
	}
	return hi&highs == 0
}

// fireRanges fires the range marks of one trie position that admit the
// value's next byte b.
func (mt *Matcher) fireRanges(rng []rangeMark, b byte, orig []byte) {
	for k := range rng {
		if r := &rng[k]; r.lo <= b && b <= r.hi {
			mt.fire(&r.m, orig)
		}
	}
}

// fireAll fires the marks of one trie position. The usual mark (a value,
// no verification, no exclusion) of a leaf that is not recorded (the
// free leaf, see leafNow) only stamps its predicate, done here without
// a call per mark: a state named in a dozen rules' lists fires a dozen
// predicates.
func (mt *Matcher) fireAll(marks []mark, orig []byte) {
	free := mt.free
	epoch := mt.epoch
	for k := range marks {
		mk := &marks[k]
		if !free || mk.ab != nil || mk.verify != verifyNone && !mt.foldSure(mk) {
			if mk.verify != verifyGlob {
				mt.fire(mk, orig)
				continue
			}
			// Most globs of one trie position differ in their ends,
			// compared here without the call.
			g := mk.check.glob
			if !g.ends(orig) {
				continue
			}
			if !free || mk.ab != nil {
				mt.fire(mk, orig)
				continue
			}
			if g.alts != nil {
				// A group is verified as one, at its lead
				// (globalts.go).
				if g.lead {
					mt.fireGroup(g, orig)
				}
				continue
			}
			// fire's verification of a glob for the free leaf, in line
			// (the usual wildcard mark): nothing to verify where the
			// leaf has the predicate's hit already (hitByLeaf), and the
			// hit is the stamp below.
			if ps := &mt.pred[mk.pred]; ps.epoch == epoch && mt.hits[ps.head].leaf == 0 {
				continue
			}
			if g.wordEnds && len(orig) >= 8 {
				// ends decided all but the key's room between them.
				at := g.keyAt(len(orig), mt.infixOff)
				if !g.room(len(orig), at) {
					continue
				}
			} else {
				switch g.part {
				case partHead:
					if !g.around(orig, 0) {
						continue
					}
				case partTail:
					if !g.aroundTail(orig, len(orig)-g.keyLen, &mt.tailMemo) {
						continue
					}
				default:
					if !g.around(orig, mt.infixOff) {
						continue
					}
				}
			}
		}
		// hit(mk.pred, 0), inline
		ps := &mt.pred[mk.pred]
		if ps.epoch != epoch {
			mt.firstHit(ps, mk.pred)
		} else if mt.hits[ps.head].leaf != 0 {
			mt.hit(mk.pred, 0)
		}
	}
}

// stamp is fireAll for the free leaf and a strTab slot's plain marks
// (a value, no verification, no exclusion), given as their predicates
// (strSlot.preds). (The stamp is written out here and in fireAll: as a
// function of its own, with its append, it does not inline, and would
// cost a call per predicate fired.)
//
// Measured and lost (escapes-unicode trusted, callgrind, where a city
// stamps ~6.6 city-list predicates, ~30 instructions each): for a machine
// without marks, a loop of its own that keeps the mask, the memo's key
// and nall in locals and stores them once after it: the loop's values no
// longer fit the registers, stamp 208 -> 255 instructions a call, the
// program +37 instr/event; the same loop with the fields in memory (only
// mt.marks tested once, not per predicate): +1.2 instr/event, mixed-10000
// +5.8 (the added call costs what the test saved). A key's predicates
// kept apart with their mask bits and memo key summed beside them, and,
// where none had its bit in the mask, stamped without setFired and the
// sums added once after the loop (the per-predicate bookkeeping kept in
// a mask of the fresh ones, for one found fired without its bit): 44 ->
// 29 instructions a predicate, but some 40 more a call for the sums and
// the checks, escapes-unicode 3801 -> 3797; A/B on-off median -0.32 /
// +0.13 %, 300 rounds.
func (mt *Matcher) stamp(ids []int32) {
	// The fired list's end in a register for the loop (a slot of a list
	// of values stamps several: a city in a dozen city lists); hit, for
	// a predicate fired before, does not change it.
	epoch, snapEpoch := mt.epoch, mt.snapEpoch
	pred, fired := mt.pred, mt.fired
	n, n0 := mt.nfired, mt.nalone
	for _, p := range ids {
		ps := &pred[p]
		if ps.epoch != epoch {
			ps.epoch, ps.head = epoch, 0
			if a := ps.anchors; a > 0 || ps.recEpoch < snapEpoch { // see fired
				fired[n] = p
				n++
			} else if a < 0 {
				mt.alone[mt.nalone] = p // see alone.go
				mt.nalone++
			}
			mt.setFired(p)
		} else if mt.hits[ps.head].leaf != 0 {
			mt.hit(p, 0)
		}
	}
	mt.nfired = n
	if k := mt.nalone - n0; k > 1 && int(k) == len(ids) {
		mt.addGroup(ids, n0)
	}
}

// foldSure tells that mark mk, reached by the value being walked, needs
// no verification: a fold mark with an ASCII pattern reached by an ASCII
// value. Each pattern byte then admits its two ASCII cases and nothing
// else, which is what the folded trie compared.
func (mt *Matcher) foldSure(mk *mark) bool {
	return mk.sure && mt.foldASCII
}

func (mt *Matcher) fire(mk *mark, orig []byte) {
	if mk.verify != verifyNone && !mt.foldSure(mk) {
		if mk.ab == nil && mt.hitByLeaf(mk.pred) {
			// The leaf has satisfied the predicate already (a literal
			// found twice in it, another condition of the field): the
			// hit would record nothing new, so nothing is verified.
			return
		}
		s := bytesString(orig)
		var ok bool
		switch mk.verify {
		case verifyFoldEqual:
			ok = compiler.EqualFold(mk.check.text, s)
		case verifyFoldPrefix:
			ok = compiler.HasPrefixFold(s, mk.check.text)
		case verifyFoldSuffix:
			ok = compiler.HasSuffixFold(s, mk.check.text)
		case verifyGlob:
			g := mk.check.glob
			at := 0
			switch g.part {
			case partHead:
			case partTail:
				at = len(orig) - g.keyLen
			default:
				at = mt.infixOff
			}
			ok = g.at(orig, at)
		}
		if !ok {
			return
		}
	}
	li := mt.leafNow(orig)
	if mk.ab == nil {
		mt.hit(mk.pred, li)
		return
	}
	mt.abEx[mk.ab.pred] = mt.epoch
	l := &mt.leaves[li]
	mt.excls = append(mt.excls, exclRec{ab: mk.ab, next: l.excl})
	l.excl = int32(len(mt.excls) - 1)
}

// hitByLeaf tells that the leaf being matched has a hit of predicate p.
func (mt *Matcher) hitByLeaf(p int32) bool {
	ps := &mt.pred[p]
	if ps.epoch != mt.epoch {
		return false
	}
	li := int32(0)
	if !mt.free {
		if li = mt.cur; li < 0 {
			return false // not recorded yet: no hit
		}
	}
	return mt.hits[ps.head].leaf == li
}

// hit records that leaf li satisfies predicate p.
//
// The free leaf's hit of one predicate (a table slot's one mark) is
// written in line where strings and numbers are matched (scan.go,
// trustobject.go, trustvalue.go, pfxtab.go, strcut.go, suftab.go,
// infix.go and here):
//
//	if ps := &mt.pred[p]; ps.epoch != mt.epoch { mt.firstHit(ps, p) } else if mt.hits[ps.head].leaf != 0 { mt.hit(p, 0) }
//
// A method for those three lines does not inline (firstHit, inlined into
// it, takes the budget), so each site would pay a call per matched
// string: the lines are the one mechanism, kept in line on purpose.
func (mt *Matcher) hit(p int32, li int32) {
	ps := &mt.pred[p]
	if ps.epoch != mt.epoch {
		mt.firstHit(ps, p)
		if li == 0 {
			return // hit 0: the free leaf alone, no record
		}
		ps.head = -1
	} else if mt.hits[ps.head].leaf == li {
		return // another condition of the field, same leaf
	}
	if l := &mt.leaves[li]; l.tr1 > l.tr0 {
		ps.arr = mt.epoch // a hit inside an array: consistency matters
		mt.arrHits = true
	}
	mt.hits = append(mt.hits, hitRec{leaf: li, next: ps.head})
	ps.head = int32(len(mt.hits) - 1)
}

// postPass computes the lazy predicates that anchor clauses, at the paths
// this input has leaves for.
func (mt *Matcher) postPass() {
	for _, idx := range mt.paths {
		for _, p := range mt.pathLeaves[idx].pm.eager {
			mt.lazy(p)
		}
	}
}

// lazy computes the anything-but and exists conditions of predicate p once
// per input: they depend on all the leaves of its path, which the scanner
// recorded.
func (mt *Matcher) lazy(p int32) {
	if mt.pred[p].lazy == mt.epoch {
		return
	}
	mt.pred[p].lazy = mt.epoch
	mt.memoDep = true // computed from the leaves (memo.go)
	pr := mt.predRec(p)
	idx := pr.pathIdx
	if mt.pathLeaves[idx].epoch != mt.epoch {
		return // no leaves: neither exists nor anything-but holds
	}
	if pr.rng.lo <= pr.rng.hi {
		// One range, nothing else: tested here while it anchors
		// nothing (see below), fired by the scan once it does.
		if len(pr.anchors) == 0 {
			for li := mt.pathLeaves[idx].head; li >= 0; li = mt.leaves[li].next {
				if l := &mt.leaves[li]; l.numOK && pr.rng.lo <= l.num && l.num <= pr.rng.hi {
					mt.hit(p, li)
				}
			}
		}
		return
	}
	if pr.lz == nil {
		return
	}
	for i := range pr.lz.exists {
		ec := &pr.lz.exists[i]
		for li := mt.pathLeaves[idx].head; li >= 0; li = mt.leaves[li].next {
			l := &mt.leaves[li]
			if ec.nonEmpty && (l.kind == tagNull || (l.kind == tagString && len(l.val) == 0)) {
				continue
			}
			mt.hit(p, li)
		}
	}
	if len(pr.lz.ranges) > 0 && len(pr.anchors) == 0 {
		// Ranges that anchor nothing are not in the path's index: the
		// numbers recorded at the path are tested here.
		for li := mt.pathLeaves[idx].head; li >= 0; li = mt.leaves[li].next {
			l := &mt.leaves[li]
			if !l.numOK {
				continue
			}
			for _, r := range pr.lz.ranges {
				if r.lo <= l.num && l.num <= r.hi {
					mt.hit(p, li)
					break
				}
			}
		}
	}
	for _, ab := range pr.lz.ab {
		if ab.every {
			ok := true
			for li := mt.pathLeaves[idx].head; li >= 0; li = mt.leaves[li].next {
				if mt.excluded(li, ab) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
		}
		for li := mt.pathLeaves[idx].head; li >= 0; li = mt.leaves[li].next {
			if ab.every || !mt.excluded(li, ab) {
				mt.hit(p, li)
			}
		}
	}
}

func (mt *Matcher) excluded(li int32, ab *abCond) bool {
	for e := mt.leaves[li].excl; e >= 0; e = mt.excls[e].next {
		if mt.excls[e].ab == ab {
			return true
		}
	}
	return false
}

// evaluate decides one candidate clause and appends the ids of its
// patterns not yet matched: a clause of the always list, or one decide
// cannot take (decideRecord: a field that allows absence, many fields).
func (mt *Matcher) evaluate(dst []ID, cl *clauseRec) []ID {
	// The fields come first: most candidates fail on one of them, and
	// they are read from the clause and the predicate scratch, where the
	// patterns still matched would be read from their records (a cache
	// miss each at ten thousand rules).
	inArrays := 0
	epoch := mt.epoch
	fs := cl.fieldList()
	for i := range fs {
		f := &fs[i]
		if f.pred < 0 {
			continue
		}
		ps := &mt.pred[f.pred]
		if f.lazy && ps.lazy != epoch { // not computed yet in this input
			mt.lazy(f.pred)
		}
		if ps.epoch != epoch {
			if !f.allowAbsent {
				return dst
			}
			continue
		}
		if ps.arr == epoch {
			inArrays++
		}
	}
	if !cl.once && !mt.pending(cl) {
		return dst
	}
	// Leaves of different fields can only be inconsistent when two of
	// them lie in arrays; absence needs the search whatever the arrays,
	// unless no hit lies in one: every leaf is then consistent with any
	// choice, so a field allowing absence that has not fired holds where
	// its path has no leaf, which is what the search would find (mixed-
	// 10000: the CloudTrail rules of {"errorCode":[{"exists":false}]},
	// some 700 instructions each in the search).
	if inArrays == 0 && cl.full {
		mt.memoDep = true // absence is read from the paths (memo.go)
		for i := range fs {
			f := &fs[i]
			if f.allowAbsent && (f.pred < 0 || mt.pred[f.pred].epoch != epoch) && mt.pathLeaves[f.pathIdx].epoch == epoch {
				return dst
			}
		}
	} else if cl.full || inArrays > 1 {
		if !mt.search(cl) {
			return dst
		}
	}
	return mt.appendPats(dst, cl)
}

// candidate is a clause whose anchor fired and whose need the fired
// predicates meet (decideAll).
type candidate struct {
	// cl is the clause's address (*clauseRec, see clause): a word the
	// collector does not scan, so that listAnchors writes it without a
	// write barrier (see listanchors.go). The snapshot the Matcher holds
	// while it matches keeps every clause it lists alive, the collector
	// does not move heap objects, and the list is rebuilt for each input.
	cl   uintptr
	kind decideKind
	arr  bool // its anchor has a hit inside an array
	// pred is the anchor of a clause stab handed straight to deciding
	// (rangedirect.go), in what was padding; the listing leaves it.
	pred int32
}

// clause returns the candidate's clause.
func (c *candidate) clause() *clauseRec {
	return *(**clauseRec)(unsafe.Pointer(&c.cl))
}

// decideAll decides the clauses the fired predicates anchor, in two
// passes: the first lists the candidates (the anchored clauses whose need
// the fired predicates meet), the second decides them. The loads of the
// first pass (the predicates' records, their anchor lists, the first line
// of each candidate's record) are then independent of one another, and
// the processor overlaps their cache misses, where one loop deciding each
// clause as it found it waited for them in turn, behind its decisions
// (issue 13: mixed-10000 trusted about 5% faster by the clock, for 300
// instructions more per event). With one candidate to decide there is
// nothing to overlap: exact-100000 pays about 20 instructions per event
// for the list (a path without it, for small events, cost mixed-10000
// more than that in calls).
func (mt *Matcher) decideAll(dst []ID) []ID {
	if len(mt.pred) <= decideInOnePass {
		return mt.decideEach(dst)
	}
	// Predicates fired while clauses are decided (lazy ones, computed on
	// demand) anchor nothing, so the list is walked as it stood.
	if mt.nalone > 0 || len(mt.groups.fired) > 0 {
		dst = mt.appendAlone(dst) // see alone.go
	}
	fired := mt.fired[:mt.nfired]
	var cands []candidate
	if mt.marks {
		cands = mt.listNamed(fired)
	} else {
		cands = mt.listMasked(fired)
	}
	ab := abMemo{path: -1, leaves: abFallback}
	// The entries of a snapshot all hold masks or all hold ids (encodeIDs
	// rewrites every list at once): with ids, a candidate was listed by
	// the fired marks of the predicates its need names.
	named := mt.marks
	for i := 0; i < len(cands); i++ {
		// decideCand, with its usual way written out: a call less per
		// clause decided.
		c := &cands[i]
		if c.kind == decideAlone {
			// A list of values' clause (a city of several): its patterns,
			// without decideCand's call (mixed-10000's intl events decide
			// some ten of them each).
			if cl := c.clause(); len(cl.pats) == 1 && cl.once { // see appendPats
				dst = append(dst, cl.pats[0].id)
			} else {
				dst = mt.appendPats(dst, cl)
			}
		} else if c.kind != decideOthers {
			dst = mt.decideCand(dst, c.clause(), c.kind, c.arr, &ab)
		} else if cl := c.clause(); cl.rngs == 0 || mt.arrHits {
			dst = mt.decide(dst, cl, c.arr, named)
		} else {
			// A run of clauses with kept entries (keptrun.go).
			var took int
			dst, took = mt.decideKeptFrom(dst, cands[i:], named)
			i += took - 1
		}
	}
	return dst
}

// decideInOnePass is the most predicates a machine may have for
// decideAll to decide each candidate as it finds it: the records of a
// machine that small stay in the cache, so there are no misses to
// overlap, and listing the candidates first only costs (anything-but,
// with some fifty clauses decided per event, lost a fifth of its speed
// on the trusted path to the list).
// (A variable, so that the tests run both ways.)
var decideInOnePass = 1024

// decideEach is decideAll in one pass.
func (mt *Matcher) decideEach(dst []ID) []ID {
	if mt.nalone > 0 || len(mt.groups.fired) > 0 {
		dst = mt.appendAlone(dst) // see alone.go
	}
	bits := mt.firedBits
	epoch, snapEpoch := mt.epoch, mt.snapEpoch
	ab := abMemo{path: -1, leaves: abFallback}
	for i, n := int32(0), mt.nfired; i < n; i++ { // lazy predicates fired meanwhile anchor nothing
		p := mt.fired[i]
		ps := &mt.pred[p]
		if ps.recEpoch < snapEpoch {
			mt.loadRec(ps, p)
		}
		if ps.anchors == 0 {
			continue
		}
		anchors := ps.rec.anchors
		if cl := anchors[0].cl; len(anchors) == 1 && cl.kind == decideAlone {
			// The usual predicate of a list of values (a city of
			// several, a bucket's names): its one clause is its field
			// alone, met by its firing; decided without the loop.
			if pats := cl.pats; len(pats) == 1 && cl.once { // see appendPats
				dst = append(dst, pats[0].id)
			} else {
				dst = mt.appendPats(dst, cl)
			}
			continue
		}
		arr := ps.arr == epoch
		for k := range anchors {
			if a := &anchors[k]; a.need&^bits == 0 {
				// decideCand, with the usual ways written out: a call
				// or two less per clause decided, where a match costs
				// little more than its append (anything-but matches
				// fifty patterns per event, escapes-unicode ten).
				switch cl := a.cl; cl.kind {
				case decideAlone:
					if pats := cl.pats; len(pats) == 1 && cl.once { // see appendPats
						dst = append(dst, pats[0].id)
					} else {
						dst = mt.appendPats(dst, cl)
					}
				case decideABFirst:
					dst = mt.decideAB(dst, cl, &ab)
				case decideOthers:
					if cl.lazy != 0 || !cl.once || mt.arrHits {
						dst = mt.decide(dst, cl, arr, false)
						break
					}
					// decide, where it only reads whether the other
					// fields have fired.
					ok := true
					for _, q := range cl.others[:cl.n] {
						if mt.pred[q].epoch != epoch {
							ok = false
							break
						}
					}
					if !ok {
					} else if pats := cl.pats; len(pats) == 1 { // see appendPats
						dst = append(dst, pats[0].id)
					} else {
						dst = mt.appendPats(dst, cl)
					}
				default:
					// A threshold group (threshgroup.go) here, not a case
					// of its own: one more compare on every clause's way
					// cost complex-arrays 9.5 instr/event.
					if cl.kind == decideThresh {
						dst = mt.decideThresh(dst, cl, arr, false)
						break
					}
					if cl.kind == decideAbsent {
						dst = mt.decideAbsent(dst, cl, arr)
						break
					}
					dst = mt.evaluate(dst, cl)
				}
			}
		}
	}
	return dst
}

// abMemo is the anything-but path of the last abFirst clause decided and
// what its leaves allow (abfirst.go): the clauses of one anchor mostly
// share it.
type abMemo struct {
	path   int32
	leaves abLeafClass
}

// decideCand decides candidate clause cl of kind kind, whose anchor has
// fired (arr: inside an array).
func (mt *Matcher) decideCand(dst []ID, cl *clauseRec, kind decideKind, arr bool, ab *abMemo) []ID {
	switch kind {
	case decideAlone:
		if pats := cl.pats; len(pats) == 1 && cl.once { // see appendPats
			return append(dst, pats[0].id)
		}
		return mt.appendPats(dst, cl)
	case decideOthers:
		return mt.decide(dst, cl, arr, false)
	case decideABFirst:
		return mt.decideAB(dst, cl, ab)
	case decideThresh:
		return mt.decideThresh(dst, cl, arr, mt.marks)
	case decideAbsent:
		return mt.decideAbsent(dst, cl, arr)
	}
	return mt.evaluate(dst, cl)
}

// decideAB decides a candidate clause of kind decideABFirst.
func (mt *Matcher) decideAB(dst []ID, cl *clauseRec, ab *abMemo) []ID {
	abPred, path := cl.others[0], cl.others[1]
	if path != ab.path {
		ab.path, ab.leaves = path, mt.abLeaves(path)
	}
	switch ab.leaves {
	case abNone:
		// no leaf: no anything-but holds
	case abSingle:
		if mt.abEx[abPred] != mt.epoch { // the leaf is not excluded
			if pats := cl.pats; len(pats) == 1 && cl.once { // see appendPats
				dst = append(dst, pats[0].id)
			} else {
				dst = mt.appendPats(dst, cl)
			}
		}
	default:
		dst = mt.evaluate(dst, cl)
	}
	return dst
}

// decide is evaluate for a clause of kind decideOthers: its anchor has
// fired (anchorArr: inside an array), and its other fields are listed in
// the clause's first cache line. named: it was listed by a need of
// predicate ids, so the first cl.named of them have fired and are not
// tested again (mixed-10000: decide 1003 -> 924 instructions per event;
// their lines were in the cache, the misses are as many).
func (mt *Matcher) decide(dst []ID, cl *clauseRec, anchorArr, named bool) []ID {
	epoch := mt.epoch
	others := cl.others[:cl.n]
	from := 0
	if named {
		from = int(cl.named)
	}
	lazy := cl.lazy >> from
	for k, q := range others[from:] {
		ps := &mt.pred[q]
		if lazy>>k&1 != 0 && ps.lazy != epoch { // not computed yet in this input
			mt.lazy(q)
		}
		if ps.epoch != epoch {
			return dst
		}
	}
	if !cl.once && !mt.pending(cl) {
		return dst
	}
	if mt.arrHits {
		// Leaves of different fields can only be inconsistent when two
		// of them lie in arrays.
		inArrays := 0
		if anchorArr {
			inArrays++
		}
		for _, q := range others {
			if mt.pred[q].arr == epoch {
				inArrays++
			}
		}
		if inArrays > 1 && !mt.search(cl) {
			return dst
		}
	}
	if pats := cl.pats; cl.once { // appendPats in line: decide is no loop's body
		if len(pats) == 1 {
			return append(dst, pats[0].id)
		}
		if len(pats) >= bulkIDs {
			return append(dst, patIDs(pats)...)
		}
		for _, pat := range pats {
			dst = append(dst, pat.id)
		}
		return dst
	}
	return mt.appendPats(dst, cl)
}

// decideAbsent decides a candidate clause of kind decideAbsent (see
// setAbsent) as evaluate would: while no hit lies in an array, a field
// that only allows absence fails where its path has a leaf, and the rest
// is decide's. Its absences are tested first: the usual candidate fails
// on them (an errorCode that the call has), without reading the
// predicates' scratch.
func (mt *Matcher) decideAbsent(dst []ID, cl *clauseRec, anchorArr bool) []ID {
	if mt.arrHits {
		return mt.evaluate(dst, cl) // the search decides absence in arrays
	}
	mt.memoDep = true // absence is read from the paths (memo.go)
	for _, idx := range cl.absentPaths() {
		if mt.pathLeaves[idx].epoch == mt.epoch {
			return dst
		}
	}
	return mt.decide(dst, cl, anchorArr, false)
}

// decideKept is decide for a clause with kept entries (lazyrange.go)
// while no hit lies in an array: its kept ranges and anything-buts, its
// last others, are tested after the rest, from the clause, and every
// answer is collected in fail without a branch: which candidates hold is
// data the branch predictor does not learn, and a branch on an answer
// waiting for its loads held back the next candidate's. A clause of one
// pattern (keepRanges makes only those) writes it and keeps it if the
// clause holds. (A function of its own, called by decideAll, so that
// decide's loop is as it was for every other clause: complex-arrays
// decide 439 -> 513 instr/event with the two ways in one.)
func (mt *Matcher) decideKept(dst []ID, cl *clauseRec, named bool) []ID {
	epoch := mt.epoch
	others := cl.others[:cl.n]
	from := 0
	if named {
		from = int(cl.named)
	}
	kept := bits.OnesCount8(cl.rngs)
	end := len(others) - kept
	mt.memoDep = true // kept entries are tested against the leaves (memo.go)
	lazy := cl.lazy >> from
	// fail collects the answers without a branch each: a candidate's
	// answer is data the branch predictor does not learn.
	fail := uint32(0)
	for k, q := range others[from:end] {
		ps := &mt.pred[q]
		if lazy>>k&1 != 0 && ps.lazy != epoch { // not computed yet in this input
			mt.lazy(q)
		}
		fail |= ps.epoch ^ epoch
	}
	r := (*keptRange)(unsafe.Add(unsafe.Pointer(cl.field0), -kept*keptSize))
	for k := end; k < len(others); k++ {
		// A kept range holds when a leaf of its path is in it: told by the
		// leaves where the path records them all and none lies in an
		// array (a hit there would matter to the consistency search,
		// which reads the predicate's hits), else by the predicate.
		q := others[k]
		pl := &mt.pathLeaves[r.path]
		ask := pl.epoch != epoch || !pl.pm.recordAll
		in := uint32(0)
		if r.lo > r.hi {
			// A lone anything-but (loneAnythingBut), decided as
			// decideAB decides it, by its one leaf.
			switch mt.abLeaves(r.path) {
			case abNone:
				ask = false
			case abSingle:
				in = uint32(b2i(mt.abEx[q] != epoch))
			default:
				ask = true
			}
		}
		for li := pl.head; !ask && r.lo <= r.hi && li >= 0; li = mt.leaves[li].next {
			l := &mt.leaves[li]
			ask = l.tr1 > l.tr0
			in |= uint32(b2i(l.numOK)) & uint32(b2i(l.num-r.lo <= r.hi-r.lo))
		}
		if ask {
			if ps := &mt.pred[q]; ps.lazy != epoch {
				mt.lazy(q)
			}
			in = uint32(b2i(mt.pred[q].epoch == epoch))
		}
		fail |= in ^ 1
		r = (*keptRange)(unsafe.Add(unsafe.Pointer(r), keptSize))
	}
	if mt.arrHits {
		// A field computed here has a hit in an array: the consistency
		// search reads the hits, those of the kept ranges too.
		if fail != 0 {
			return dst
		}
		inArrays := 0
		for k, q := range others {
			if cl.lazy>>k&1 != 0 && mt.pred[q].lazy != epoch {
				mt.lazy(q)
			}
			if mt.pred[q].arr == epoch {
				inArrays++
			}
		}
		if inArrays > 1 && !mt.search(cl) {
			return dst
		}
	} else if pats := cl.pats; cl.once && len(pats) == 1 {
		// Written, and kept if the clause holds.
		n := len(dst)
		dst = append(dst, pats[0].id)
		return dst[:n+b2i(fail == 0)]
	}
	if fail != 0 || !cl.once && !mt.pending(cl) {
		return dst
	}
	return mt.appendPats(dst, cl)
}

// b2i is 1 for true and 0 for false, without a branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pending tells whether a pattern of cl has not matched yet.
func (mt *Matcher) pending(cl *clauseRec) bool {
	for _, pat := range cl.pats {
		if mt.patEpoch[pat.idx] != mt.epoch {
			return true
		}
	}
	return false
}

// appendPats appends the ids of the patterns of cl, which holds, that
// have not matched yet (a long list of a clause that is each pattern's
// only one, in one copy: patids.go). The usual clause, of one pattern
// with no other clause, is appended where it is decided, without the
// call.
// appendPats is not inlined: its loop in line there had Go keep the
// deciding loop's values on the stack, reloaded for every id (escapes-
// unicode 6357 -> 6288, anything-but 7062 -> 6726 instr/event). (A
// helper holding both ways does not inline, at cost 83.)
//
//go:noinline
func (mt *Matcher) appendPats(dst []ID, cl *clauseRec) []ID {
	if pats := cl.pats; cl.once {
		if len(pats) >= bulkIDs {
			return append(dst, patIDs(pats)...)
		}
		// Room made once, then the ids written in place: an append per
		// id checked the room each time and kept the loop's values on
		// the stack around its growslice call.
		n := len(dst)
		if cap(dst)-n < len(pats) {
			dst = slices.Grow(dst, len(pats))
		}
		out := dst[n : n+len(pats)]
		for i := range out {
			out[i] = pats[i].id
		}
		return dst[:n+len(pats)]
	}
	mt.memoMarks = true // a memo hit would not set them (memo.go)
	for _, pat := range cl.pats {
		if mt.patEpoch[pat.idx] != mt.epoch {
			mt.patEpoch[pat.idx] = mt.epoch
			dst = append(dst, pat.id)
		}
	}
	return dst
}

// search looks for one array-consistent choice of leaves for cl, the
// semantics of compiler/clause.go. A field whose predicate has a hit in
// no array is left out: that leaf is consistent with any choice, so the
// field holds whatever the others choose (absence too is then ruled
// out). The usual case left, two fields with hits in arrays
// (items[].sku with items[].qty), is a loop over their pairs.
func (mt *Matcher) search(cl *clauseRec) bool {
	mt.memoDep = true // reads the leaves (memo.go)
	// The usual case first: two fields with hits in arrays, no absence.
	fa, fb, n := int32(-1), int32(-1), 0
	fs := cl.fieldList()
	for i := range fs {
		f := &fs[i]
		if f.allowAbsent {
			n = 3 // the general search
			break
		}
		if f.pred >= 0 && mt.pred[f.pred].arr != mt.epoch {
			continue // a hit in no array (evaluate has seen it fire)
		}
		if n++; n == 1 {
			fa = f.pred
		} else {
			fb = f.pred
		}
	}
	if n == 2 {
		return mt.searchPair(mt.pred[fa].head, mt.pred[fb].head)
	}
	mt.pairs = mt.pairs[:0]
	mt.starts = mt.starts[:0]
	mt.sf = mt.sf[:0]
	for i := range fs {
		f := &fs[i]
		p := f.pred
		if p >= 0 && mt.pred[p].epoch == mt.epoch {
			if mt.pred[p].arr != mt.epoch {
				continue // a hit in no array
			}
		} else if !f.allowAbsent {
			return false // evaluate has seen it fire; kept for safety
		}
		mt.sf = append(mt.sf, int32(i))
		mt.starts = append(mt.starts, int32(len(mt.pairs)))
		if p < 0 || mt.pred[p].epoch != mt.epoch {
			continue
		}
		for h := mt.pred[p].head; h >= 0; h = mt.hits[h].next {
			mt.pairs = append(mt.pairs, mt.hits[h].leaf)
		}
	}
	mt.starts = append(mt.starts, int32(len(mt.pairs)))
	mt.choice = mt.choice[:0]
	mt.absent = mt.absent[:0]
	return mt.choose(cl, 0)
}

// searchPair is search for two fields that must both hold, given their
// hit lists: some leaf of the first and some leaf of the second agree on
// every array both lie in.
func (mt *Matcher) searchPair(ha, hb int32) bool {
	for ; ha >= 0; ha = mt.hits[ha].next {
		la := &mt.leaves[mt.hits[ha].leaf]
		ta := mt.trails[la.tr0:la.tr1]
		for h := hb; h >= 0; h = mt.hits[h].next {
			mt.budget--
			if mt.budget < 0 {
				mt.err = ErrTooComplex
				return false
			}
			lb := &mt.leaves[mt.hits[h].leaf]
			if agree(ta, mt.trails[lb.tr0:lb.tr1]) {
				return true
			}
		}
	}
	return false
}

// agree tells whether two trails take the same index in every array
// they share.
func agree(ta, tb []arrayStep) bool {
	for _, s := range ta {
		for _, u := range tb {
			if s.array == u.array && s.index != u.index {
				return false
			}
		}
	}
	return true
}

// choose decides field mt.sf[f] and those after it.
func (mt *Matcher) choose(cl *clauseRec, f int) bool {
	mt.budget--
	if mt.budget < 0 {
		mt.err = ErrTooComplex
		return false
	}
	if f == len(mt.sf) {
		for _, af := range mt.absent {
			idx := cl.fieldList()[af].pathIdx
			if mt.pathLeaves[idx].epoch != mt.epoch {
				continue
			}
			for li := mt.pathLeaves[idx].head; li >= 0; li = mt.leaves[li].next {
				if mt.consistent(li) {
					return false
				}
			}
		}
		return true
	}
	prev := int32(-1)
	for k := mt.starts[f]; k < mt.starts[f+1]; k++ {
		li := mt.pairs[k]
		if li == prev || !mt.consistent(li) {
			continue
		}
		prev = li
		save := len(mt.choice)
		l := &mt.leaves[li]
		for _, s := range mt.trails[l.tr0:l.tr1] {
			if !mt.chosen(s.array) {
				mt.choice = append(mt.choice, s)
			}
		}
		if mt.choose(cl, f+1) {
			return true
		}
		mt.choice = mt.choice[:save]
		if mt.err != nil {
			return false
		}
	}
	if fi := mt.sf[f]; cl.fieldList()[fi].allowAbsent {
		mt.absent = append(mt.absent, fi)
		if mt.choose(cl, f+1) {
			return true
		}
		mt.absent = mt.absent[:len(mt.absent)-1]
	}
	return false
}

func (mt *Matcher) chosen(array int32) bool {
	for _, c := range mt.choice {
		if c.array == array {
			return true
		}
	}
	return false
}

func (mt *Matcher) consistent(li int32) bool {
	l := &mt.leaves[li]
	for _, s := range mt.trails[l.tr0:l.tr1] {
		for _, c := range mt.choice {
			if c.array == s.array && c.index != s.index {
				return false
			}
		}
	}
	return true
}
