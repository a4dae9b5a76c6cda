package automaton

import (
	"encoding/binary"
	"maps"
	"slices"
	"strings"
	"unsafe"

	"github.com/patternc/patternc/compiler"
)

// tx is one write: it copies what it changes and publishes at commit.
type tx struct {
	m    *Machine
	snap snapshot
	subs [numInputs]bool // sub copied
	// reindex: the input's set of paths changed, its index is rebuilt
	reindex [numInputs]bool
	preds   bool // snap.preds.root copied
	states  int  // states created minus states pruned
	gen     uint64

	dropping int32 // the predicate put removes, or -1
	// plan: the ids of the predicates this write makes, reserved
	// (predorder.go); nil for most writes.
	plan predPlan
	// spare: the pattern being added has its records in one allocation;
	// the predicate and the clause it makes take theirs from it.
	spare *patternAlloc
	// The path matcher path returned last, while this write owns it.
	lastInput int
	lastPath  string
	lastPM    *pathMatcher
	*writeScratch
}

// Appending in place: a slice that a published snapshot holds (a
// predicate's anchors, a clause's patterns, a path's lazy list, the always
// list, a trie node's marks) is read by that snapshot only up to its own
// length. Writers are serialised, each write starts from the latest
// snapshot, whose versions are the only ones a write copies, and no write
// shortens such a slice in place (removals build a new one): so the array
// past a published length belongs to no reader, and a write may append
// there in place; append copies only when the array is full. Capping the
// slices made every Add copy the whole list it grew (a predicate that
// anchors a thousand clauses copied a thousand pointers per Add).

// writeScratch is memory writers reuse from one write to the next (they
// are serialised by Machine.mu).
type writeScratch struct {
	keyBuf    []byte // a trie key being placed
	internBuf []byte // a predicate's or clause's interning key
	fields    []fieldRec
	fpreds    []*predW
	dirty     []*pathMatcher // path matchers copied in this write
	dirtyAt   []inputPath    // and their paths
	scopes    []ownedScope   // scopes copied by updateScopes
	strTouch  []strTouch     // exact string keys added in this write (strtab.go)
	grown     []*clauseW     // clauses given another pattern in this write (packPats)
	// regroupPreds are predicates whose threshold groups this write took
	// apart (regroupAll).
	regroupPreds []*predW
	// redirects are path matchers whose ranges keep clauses that this
	// write may have changed (rangedirect.go).
	redirects []*pathMatcher
	// guardDirty are the prefix entries whose guard counts this write
	// changed, guardAt countGuards' scratch (deadbelow.go).
	guardDirty, guardAt []inputPath
	// guardWalk are the prefix entries setGuards changed, for
	// updateScopes.
	guardWalk []inputPath
}

func (m *Machine) begin() *tx {
	m.gen++
	m.scratch.dirty, m.scratch.dirtyAt = m.scratch.dirty[:0], m.scratch.dirtyAt[:0]
	clear(m.scratch.grown)
	m.scratch.grown = m.scratch.grown[:0]
	return &tx{m: m, gen: m.gen, snap: *m.snap.Load(), dropping: -1, writeScratch: &m.scratch}
}

func (t *tx) sub(input int) *subMachine {
	if !t.subs[input] {
		// The index is the only map a snapshot has: it is cloned, and
		// its entries are changed in place by this write; everything
		// derived from its keys carries over unless the set of paths
		// changes (t.reindex).
		s := *t.snap.sub[input]
		if s.index = maps.Clone(s.index); s.index == nil {
			s.index = map[string]pathEntry{}
		}
		t.snap.sub[input] = &s
		t.subs[input] = true
	}
	return t.snap.sub[input]
}

// path returns a writable copy of the path matcher for path.
func (t *tx) path(input int, path string) *pathMatcher {
	if t.lastPM != nil && t.lastInput == input && t.lastPath == path {
		return t.lastPM // AddAll: most patterns name the path the last one did
	}
	s := t.sub(input)
	e, ok := s.index[path]
	pm := e.pm
	if pm != nil && pm.gen == t.gen {
		t.lastInput, t.lastPath, t.lastPM = input, path, pm
		return pm
	}
	var c *pathMatcher
	if pm == nil {
		key := pathKey(input, path)
		idx, ok := t.m.pathIdx[key]
		if !ok {
			idx = t.m.paths.get()
			t.m.pathIdx[key] = idx
			for int(idx) >= len(t.m.pathNames) {
				t.m.pathNames = append(t.m.pathNames, inputPath{})
				t.m.pathRefs = append(t.m.pathRefs, 0)
				t.m.pathVals = append(t.m.pathVals, 0)
			}
			t.m.pathNames[idx] = key
		}
		c = &pathMatcher{idx: idx}
		t.addPrefixes(input, path)
		t.reindex[input] = true
	} else {
		cp := *pm
		c = &cp
	}
	if !ok {
		e = pathEntry{}
	}
	e.pm = c
	s.index[path] = e
	c.gen = t.gen
	t.dirty = append(t.dirty, c)
	t.dirtyAt = append(t.dirtyAt, inputPath{input, path})
	t.lastInput, t.lastPath, t.lastPM = input, path, c
	return c
}

// refFields counts (by is 1) or uncounts (-1) a pattern's clause's fields
// at their paths: a path goes when its count is 0.
func (t *tx) refFields(fields []fieldRec, by int32) {
	for _, f := range fields {
		t.m.pathRefs[f.pathIdx] += by
	}
	t.countGuards(fields, by)
}

// removePath takes a path matcher out of the next snapshot.
func (t *tx) removePath(input int, path string) {
	s := t.sub(input)
	if t.lastPM != nil && t.lastInput == input && t.lastPath == path {
		t.lastPM = nil
	}
	if e, ok := s.index[path]; ok && e.pm != nil {
		e.pm = nil
		s.index[path] = e
		t.removePrefixes(input, path)
		t.reindex[input] = true
	}
}

// inputPath names a path of one input for the writer's bookkeeping.
type inputPath struct {
	input int
	path  string
}

func pathKey(input int, path string) inputPath { return inputPath{input, path} }

// addPrefixes counts every proper prefix of path at a '.' boundary: the
// scanner descends into an object only along these.
func (t *tx) addPrefixes(input int, path string) {
	np := t.m.prefixes[input]
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			np[path[:i]]++
		}
	}
}

func (t *tx) removePrefixes(input int, path string) {
	np := t.m.prefixes[input]
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			if np[path[:i]]--; np[path[:i]] <= 0 {
				delete(np, path[:i])
			}
		}
	}
}

func (t *tx) trie(pm *pathMatcher, kind trieKind) **node {
	switch kind {
	case trieRev:
		return &pm.rev
	case trieFold:
		return &pm.fold
	case trieRevFold:
		return &pm.revFold
	case trieInfix:
		return &pm.infix
	}
	return &pm.fwd
}

// put places mark mk at key in one of the path's tries — or, while a
// predicate is being dropped (t.dropping >= 0), removes that predicate's
// marks there: the same walk over a field's conditions adds and removes,
// so the writer keeps no list of the keys it placed.
func (t *tx) put(pm *pathMatcher, kind trieKind, key []byte, place markPlace, lo, hi byte, mk mark) {
	if kind == trieFwd && len(key) > 0 && key[0] == tagString {
		t.touchStr(pm, key[1:], place)
	}
	if kind == trieFold || kind == trieRevFold {
		if mk.check.ascii {
			mk.sure = true
		} else if t.dropping >= 0 {
			pm.foldWide--
		} else {
			pm.foldWide++
		}
	}
	root := t.trie(pm, kind)
	keys := 0
	if t.dropping >= 0 {
		removed := 0
		*root = remove(*root, key, t.owned, t.gen, &removed, &keys)
		t.states -= removed
		t.m.pathVals[pm.idx] -= int32(keys)
		return
	}
	*root = insert(*root, key, place, lo, hi, mk, t.gen, &t.states, &keys)
	t.m.pathVals[pm.idx] += int32(keys)
}

// owned selects the marks of the predicate being dropped.
func (t *tx) owned(mk *mark) bool {
	return mk.pred == t.dropping || (mk.ab != nil && mk.ab.pred == t.dropping)
}

// key returns a scratch buffer holding tag and the bytes of s, for put.
func (t *tx) key(tag byte, s string) []byte {
	t.keyBuf = append(append(t.keyBuf[:0], tag), s...)
	return t.keyBuf
}

// setPred publishes rec (nil: none) as predicate id in the next snapshot.
// A slot that is empty in the published snapshot is written in place (see
// setEmptyPred); otherwise each block on the way is copied once per write.
func (t *tx) setPred(id int32, rec *predRec) {
	if rec != nil && t.emptyPredSlot(id) {
		t.setEmptyPred(id, rec)
		return
	}
	pt := &t.snap.preds
	if !t.preds {
		pt.root = append([]*predMid(nil), pt.root...)
		t.preds = true
	}
	ri := int(id >> (2 * predBits))
	for len(pt.root) <= ri {
		pt.root = append(pt.root, &predMid{gen: t.gen})
	}
	mid := pt.root[ri]
	if mid.gen != t.gen {
		cp := *mid
		cp.gen = t.gen
		mid = &cp
		pt.root[ri] = mid
	}
	li := id >> predBits & predMask
	leaf := mid.leaves[li]
	if leaf == nil {
		leaf = &predLeaf{gen: t.gen}
		mid.leaves[li] = leaf
	} else if leaf.gen != t.gen {
		cp := *leaf
		cp.gen = t.gen
		leaf = &cp
		mid.leaves[li] = leaf
	}
	leaf.recs[id&predMask] = rec
	if rec != nil {
		t.m.preds[id].rec = rec
	}
}

// emptyPredSlot reports whether predicate id has no record in the
// published snapshot: at or above its predCap (never used), or freed by
// an earlier write.
func (t *tx) emptyPredSlot(id int32) bool {
	pub := t.m.snap.Load()
	if id >= pub.predCap {
		return true
	}
	pt := &pub.preds
	ri := int(id >> (2 * predBits))
	if ri >= len(pt.root) {
		return true
	}
	leaf := pt.root[ri].leaves[id>>predBits&predMask]
	return leaf == nil || leaf.recs[id&predMask] == nil
}

// setEmptyPred sets a predicate id whose slot is empty in the published
// snapshot without copying the blocks on the way: no published snapshot
// reads that slot (a snapshot reads a predicate only through its own
// trie marks, clause anchors and lazy lists, and none names an id it has
// no record for; snapshots older than the one that freed the id have their
// own copies of the blocks), nor the root beyond its length, so writing it
// in place changes nothing any reader can see, and the atomic store of the
// new snapshot publishes it. Single Add into 100 000 patterns made one
// new predicate each and copied a mid and a leaf block (about 1.3 KB) for
// it; after a Delete freed an id, the Add that reused it did the same.
func (t *tx) setEmptyPred(id int32, rec *predRec) {
	pt := &t.snap.preds
	ri := int(id >> (2 * predBits))
	for len(pt.root) <= ri {
		pt.root = append(pt.root, &predMid{gen: t.gen})
	}
	mid := pt.root[ri]
	li := id >> predBits & predMask
	leaf := mid.leaves[li]
	if leaf == nil {
		leaf = &predLeaf{gen: t.gen}
		mid.leaves[li] = leaf
	}
	leaf.recs[id&predMask] = rec
	t.m.preds[id].rec = rec
}

// ownPred returns a version of pw's record this write may change.
func (t *tx) ownPred(pw *predW) *predRec {
	if pw.rec.gen == t.gen {
		return pw.rec
	}
	cp := *pw.rec
	cp.gen = t.gen // anchors are appended in place (see above)
	t.setPred(cp.id, &cp)
	return &cp
}

// ownClause returns a version of cw's record this write may change, put
// in place of the published one where Match finds it.
func (t *tx) ownClause(cw *clauseW) *clauseRec {
	old := cw.rec
	if cw.gen == t.gen {
		return old
	}
	cp := *old
	cw.gen = t.gen // pats are appended in place (see above)
	cw.rec = &cp
	t.replaceClause(cw, old, &cp)
	return &cp
}

// replaceClause swaps old for cl (nil: removes it) where Match finds it:
// the anchor's list or the always list.
func (t *tx) replaceClause(cw *clauseW, old, cl *clauseRec) {
	if cw.anchor == nil {
		list := t.sub(cw.input).always
		out := make([]*clauseRec, 0, len(list))
		for _, c := range list {
			if c == old {
				if cl == nil {
					continue
				}
				c = cl
			}
			out = append(out, c)
		}
		t.sub(cw.input).always = out
		return
	}
	list := cw.anchor.rec.anchors
	if l := ungroupAnchors(list); len(l) != len(list) || len(l) > 0 && &l[0] != &list[0] {
		// The clause may be in a group (threshgroup.go): the list is
		// regrouped at the write's end.
		list = l
		t.regroupPreds = append(t.regroupPreds, cw.anchor)
	}
	out := make([]anchorRef, 0, len(list))
	for _, a := range list {
		if a.cl == old {
			if cl == nil {
				continue
			}
			a.cl = cl // the same fields: the same need
		}
		out = append(out, a)
	}
	if cl == nil {
		groupAnchors(out) // the runs about the removed entry
	}
	if len(out) > 0 {
		t.redirectRanges(cw.anchor)
	}
	if t.ownPred(cw.anchor).anchors = out; len(out) == 0 && cw.anchor.rec.lazy() {
		pm := t.path(cw.input, cw.anchor.path) // commit takes it off the eager list
		if len(cw.anchor.rec.lz.ranges) > 0 {
			// It starts nothing any more: its ranges are computed on demand.
			pm.ranges = pm.ranges.without(cw.anchor.rec.id)
		}
	}
}

// predAlloc and clauseAlloc put a new predicate's or clause's records in
// one allocation: loading 100 000 rules is mostly allocation. What Match
// reads comes first and together, the writer's half last: a predicate's
// first anchor and what Match reads of its record fill one 64-byte line,
// and a clause's record, its field and its pattern follow one another (see
// patternAlloc).
type predAlloc struct {
	a [1]anchorRef
	r predRec
	w predW
}

type clauseAlloc struct {
	r clauseRec
	p [1]patRef
	f [1]fieldRec
	w clauseW
}

// predAllocLine and clauseAllocLine pad a record allocated alone to the
// 192-byte size class, whose objects start on a cache line (the 160-byte
// class of the bare records starts every other one mid-line), so Match
// reads the hot half of it in as few lines as it fits in.
type predAllocLine struct {
	p predAlloc
	_ [192 - unsafe.Sizeof(predAlloc{})]byte
}

// clauseAllocLine is a clause allocated alone, of up to three fields:
// its record takes line 0 and its pattern and fields line 1, where the
// fields of a clause of several were a separate allocation.
type clauseAllocLine struct {
	r clauseRec
	p [1]patRef
	f [3]fieldRec
	w clauseW
	_ [16]byte
}

// clauseAllocLine fills the 192-byte size class exactly.
var _ [0]struct{} = [(int(unsafe.Sizeof(clauseAllocLine{})) - 192) * on64]struct{}{}

// addPattern compiles p into the machine; AddAll has checked it.
func (t *tx) addPattern(id ID, p *compiler.Pattern) {
	input, _ := inputOf(p.Dialect)
	m := t.m
	// The record of a pattern of one field is made once its predicate is
	// known: with a new predicate, the three come in one allocation.
	var rec *patternRec
	if len(p.Clauses) != 1 || len(p.Clauses[0].Fields) != 1 {
		rec = newPatternRec(&patternRec{}, id, m.pats.get(), input)
	}
	s := t.sub(input)
	for ci := range p.Clauses {
		cl := &p.Clauses[ci]
		t.fields, t.fpreds = t.fields[:0], t.fpreds[:0]
		full := len(cl.Fields) > 64
		for fi := range cl.Fields {
			f := &cl.Fields[fi]
			allowAbsent := false
			for i := range f.Conds {
				if c := &f.Conds[i]; c.Op == compiler.OpExists && !c.Exists {
					allowAbsent = true
				}
			}
			if allowAbsent {
				full = true
				t.path(input, f.Path).absent++
			}
			var ok bool
			t.internBuf, ok = appendPredKey(t.internBuf[:0], input, f)
			fr := fieldRec{pred: -1, allowAbsent: allowAbsent}
			var pw *predW
			if ok {
				if pw = m.predKeys[string(t.internBuf)]; pw == nil {
					if rec == nil {
						t.spare = &patternAlloc{}
						rec = newPatternRec(&t.spare.rec, id, m.pats.get(), input)
					}
					pw = t.newPred(input, f, string(t.internBuf))
				}
				fr.pred, fr.pathIdx, fr.lazy, fr.exact = pw.rec.id, pw.rec.pathIdx, pw.rec.lazy(), pw.exact
			} else {
				fr.pathIdx = t.path(input, f.Path).idx
			}
			if rec == nil {
				rec = newPatternRec(&patternRec{}, id, m.pats.get(), input)
			}
			if allowAbsent {
				if rec.absent == nil {
					rec.absent = new([]string)
				}
				*rec.absent = append(*rec.absent, f.Path)
			}
			t.fields, t.fpreds = append(t.fields, fr), append(t.fpreds, pw)
		}
		// A clause of one required field is known by its predicate; others
		// by a key of their fields.
		single := len(t.fields) == 1 && t.fpreds[0] != nil && !full
		var ckey []byte
		var cw *clauseW
		if single {
			cw = t.fpreds[0].single
		} else {
			ckey = append(t.internBuf[:0], byte(input))
			for i, fr := range t.fields {
				ckey = binary.AppendUvarint(ckey, uint64(fr.pred+1))
				if fr.pred < 0 {
					ckey = appendStr(ckey, cl.Fields[i].Path)
				}
				ckey = append(ckey, boolByte(fr.allowAbsent))
			}
			t.internBuf = ckey
			cw = m.clauses[string(ckey)]
		}
		if cw != nil {
			if !slices.Contains(cw.rec.pats, rec.ref()) {
				cr := t.ownClause(cw)
				cr.pats = addPat(cr.pats, rec.ref())
				t.grown = append(t.grown, cw)
				cr.once = cr.once && len(p.Clauses) == 1
				rec.clauses = append(rec.clauses, cw)
				t.refFields(cr.fieldList(), 1)
			}
			continue
		}
		var cr *clauseRec
		var fields []fieldRec
		var pat []patRef
		if t.spare != nil && len(t.fields) == 1 {
			ca := &t.spare.clause
			cr, cw, fields, pat = &ca.r, &ca.w, ca.f[:], ca.p[:]
		} else {
			ca := new(clauseAllocLine)
			cr, cw, fields, pat = &ca.r, &ca.w, ca.f[:], ca.p[:]
		}
		t.spare = nil
		if len(t.fields) <= len(fields) {
			fields = fields[:len(t.fields):len(t.fields)]
			copy(fields, t.fields)
		} else {
			fields = append([]fieldRec(nil), t.fields...)
		}
		pat[0] = rec.ref()
		*cr = clauseRec{pats: pat, field0: &fields[0], nfields: int32(len(fields)), full: full, once: len(p.Clauses) == 1}
		*cw = clauseW{rec: cr, gen: t.gen, input: input}
		if single {
			t.fpreds[0].single = cw
		} else {
			cw.key = string(ckey)
			m.clauses[cw.key] = cw
		}
		for i, pw := range t.fpreds {
			if pw != nil && !slices.Contains(t.fpreds[:i], pw) {
				if pw.uses++; len(pw.rec.anchors) > 0 {
					t.redirectRanges(pw)
				}
			}
		}
		if a := m.chooseAnchor(cr.fieldList(), t.fpreds); a >= 0 {
			cw.anchor = t.fpreds[a]
			m.orderFields(cr.fieldList(), t.fpreds, a)
			cr.abFirst = abFirstShape(cr.fieldList(), m.preds, full)
			pr := t.ownPred(cw.anchor)
			cr.setDecide(pr.id)
			if c := t.keepRanges(cr, cw); c != nil {
				cr = c
			}
			if !m.needIDs && m.predIDs.next > needIDsFrom {
				t.encodeIDs()
				t.keepAll(cw)
			}
			addAnchor(pr, anchorRef{cl: cr, need: anchorNeed(cr.fieldList(), cr.kind, pr.id, m.needIDs)})
			if pr.lazy() {
				pm := t.path(input, cw.anchor.path) // commit recomputes its eager list
				if len(pr.anchors) == 1 {
					// Its first clause: its ranges must now start evaluations.
					direct := directOf(cw.anchor)
					for _, r := range pr.lz.ranges {
						pm.ranges = pm.ranges.with(rangeCond{lo: r.lo, hi: r.hi, pred: pr.id, cl: direct})
					}
				} else {
					t.redirectRanges(cw.anchor)
				}
			}
		} else {
			s.always = append(s.always, cr) // in place (see above)
		}
		rec.clauses = append(rec.clauses, cw)
		t.refFields(cr.fieldList(), 1)
	}
	t.spare = nil
	s.count++
	m.patterns[id] = rec
}

// patternAlloc is a pattern of one field with a new predicate, so a new
// clause: its records in one allocation (loading 100 000 such patterns
// made three times as many allocations). It is 384 bytes, the size class,
// so it starts on a cache line: the predicate's anchor and what Match reads
// of its record take line 0, the clause's record and pattern lines 2 and
// 3 (the pattern inside line 3: astride lines 3 and 4, as it was behind
// the field, it cost exact-100000 a cache miss per match); the pattern
// record, which Match does not read, comes last. (Laid out the other way
// round, Match read four lines of it, not three.)
type patternAlloc struct {
	pred   predAlloc
	clause clauseAlloc
	rec    patternRec
}

// ref is rec as a clause lists it.
func (rec *patternRec) ref() patRef { return patRef{id: rec.id, idx: rec.idx} }

func newPatternRec(rec *patternRec, id ID, idx int32, input int) *patternRec {
	*rec = patternRec{id: id, idx: idx, input: int8(input)}
	rec.clauses = rec.clause1[:0]
	return rec
}

// newPred compiles a field's positive conditions into the path's automaton
// as a new predicate.
func (t *tx) newPred(input int, f *compiler.Field, key string) *predW {
	m := t.m
	id, planned := t.plan[key]
	if planned {
		delete(t.plan, key) // made again after a drop: a fresh id
	} else {
		id = m.predIDs.get()
	}
	pm := t.path(input, f.Path)
	var pa *predAlloc
	if t.spare != nil {
		pa = &t.spare.pred
	} else {
		pa = &new(predAllocLine).p
	}
	pw, pr := &pa.w, &pa.r
	*pw = predW{key: key, input: input, path: f.Path, rank: int8(predRank(f)), exact: exactOnly(f), conds: f.Conds}
	*pr = predRec{id: id, pathIdx: pm.idx, gen: t.gen, anchors: pa.a[:0]}
	for int(id) >= len(m.preds) {
		m.preds = append(m.preds, nil)
	}
	m.preds[id] = pw
	pw.rec = pr
	if pw.rank == 2 {
		pw.overlap = rangeOverlap(pm.ranges.conds, f.Conds)
	}
	for i := range f.Conds {
		c := &f.Conds[i]
		if c.Op == compiler.OpExists && !c.Exists {
			continue
		}
		t.addCondition(pr, pm, c)
	}
	pr.setRange()
	if pr.listed() {
		pm.lazy = append(pm.lazy, id) // in place (see above)
	}
	m.predKeys[key] = pw
	t.setPred(id, pr)
	return pw
}

// addCondition compiles one condition of predicate pr into the path's
// automaton.
func (t *tx) addCondition(pr *predRec, pm *pathMatcher, c *compiler.Condition) {
	var ex mark
	switch c.Op {
	case compiler.OpAnythingBut:
		ab := &abCond{pred: pr.id, every: c.EveryValue}
		lz := pr.lazyConds()
		lz.ab = append(lz.ab, ab)
		ex = mark{pred: -1, ab: ab}
	case compiler.OpNumeric:
		if lo, hi, ok := rangeKeys(c.Range); ok {
			// Into the index once the predicate anchors a clause (addPattern).
			lz := pr.lazyConds()
			if len(lz.ranges) == 0 {
				pm.rangePreds = append(pm.rangePreds[:len(pm.rangePreds):len(pm.rangePreds)], pr.id)
				t.m.pathVals[pm.idx]++ // a value of the path, for anchorCost
			}
			lz.ranges = append(lz.ranges, keyRange{lo, hi})
			if !pm.hull {
				pm.hullLo, pm.hullHi, pm.hull = lo, hi, true
			}
			pm.hullLo, pm.hullHi = min(pm.hullLo, lo), max(pm.hullHi, hi)
		}
	case compiler.OpExists:
		lz := pr.lazyConds()
		lz.exists = append(lz.exists, existsCond{pred: pr.id, nonEmpty: c.NonEmpty})
	case compiler.OpCIDR:
		pm.cidrs++
	}
	t.placeCondition(pm, c, mark{pred: pr.id}, ex)
}

// placeCondition puts the trie marks of one condition: hit for positive
// conditions, ex for the exclusions of an anything-but.
func (t *tx) placeCondition(pm *pathMatcher, c *compiler.Condition, hit, ex mark) {
	switch c.Op {
	case compiler.OpEquals:
		t.keyBuf = appendLiteralKey(t.keyBuf[:0], &c.Value)
		t.put(pm, trieFwd, t.keyBuf, placeEnd, 0, 0, hit)
	case compiler.OpPrefix:
		if c.IgnoreCase {
			hit.verify, hit.check = verifyFoldPrefix, foldCheck(c.Text)
			t.put(pm, trieFold, t.folded(c.Text), placePass, 0, 0, hit)
		} else {
			t.put(pm, trieFwd, t.key(tagString, c.Text), placePass, 0, 0, hit)
		}
	case compiler.OpSuffix:
		if c.IgnoreCase {
			hit.verify, hit.check = verifyFoldSuffix, foldCheck(c.Text)
			t.put(pm, trieRevFold, t.reversed(t.folded(c.Text)), placePass, 0, 0, hit)
		} else {
			t.put(pm, trieRev, t.reversed(t.key(tagString, c.Text)), placePass, 0, 0, hit)
		}
	case compiler.OpEqualsIgnoreCase:
		hit.verify, hit.check = verifyFoldEqual, foldCheck(c.Text)
		t.put(pm, trieFold, t.folded(c.Text), placeEnd, 0, 0, hit)
	case compiler.OpWildcard:
		t.putGlob(pm, c.Glob, hit)
	case compiler.OpAnythingBut:
		switch c.Exclude.Op {
		case compiler.OpEquals:
			for i := range c.Exclude.Values {
				t.keyBuf = appendLiteralKey(t.keyBuf[:0], &c.Exclude.Values[i])
				t.put(pm, trieFwd, t.keyBuf, placeEnd, 0, 0, ex)
			}
		case compiler.OpPrefix:
			for _, s := range c.Exclude.Texts {
				t.put(pm, trieFwd, t.key(tagString, s), placePass, 0, 0, ex)
			}
		case compiler.OpSuffix:
			for _, s := range c.Exclude.Texts {
				t.put(pm, trieRev, t.reversed(t.key(tagString, s)), placePass, 0, 0, ex)
			}
		case compiler.OpEqualsIgnoreCase:
			for _, s := range c.Exclude.Texts {
				m := ex
				m.verify, m.check = verifyFoldEqual, foldCheck(s)
				t.put(pm, trieFold, t.folded(s), placeEnd, 0, 0, m)
			}
		case compiler.OpWildcard:
			for _, g := range c.Exclude.Globs {
				t.putGlob(pm, g, ex)
			}
		}
	case compiler.OpCIDR:
		key, place, lo, hi := cidrKey(c)
		t.put(pm, trieFwd, key, place, lo, hi, hit)
	}
}

// folded returns the scratch key of s case-folded.
func (t *tx) folded(s string) []byte {
	t.keyBuf = appendFolded(append(t.keyBuf[:0], tagString), []byte(s))
	return t.keyBuf
}

// reversed reverses a scratch key after its tag, in place.
func (t *tx) reversed(key []byte) []byte {
	slices.Reverse(key[1:])
	return key
}

// putGlob puts a wildcard where it is most selective: a value can match
// only if it starts with the glob's head, ends with its tail and contains
// each middle part, so the longest of these literals is the key that
// rules out the most values. The head goes into the forward trie, the
// tail into the reversed one (where suffixes are), a middle part into the
// infix trie, walked from every offset of a value (infix.go). Ties go to
// the head, then the tail: an anchored walk reads a value once. The
// choice depends on the glob alone, so removing it finds the same key.
// Whatever the key, the whole glob is verified when a value reaches it.
// A glob without a star is an exact value.
func (t *tx) putGlob(pm *pathMatcher, g compiler.Glob, mk mark) {
	if len(g.Parts) == 1 {
		t.put(pm, trieFwd, t.key(tagString, g.Parts[0]), placeEnd, 0, 0, mk)
		return
	}
	kind, lit := globKey(g)
	if !globExact(g, kind) {
		mk.verify, mk.check = verifyGlob, &markCheck{glob: newGlobCheck(g, kind, lit)}
	}
	switch kind {
	case trieRev:
		t.put(pm, trieRev, t.reversed(t.key(tagString, lit)), placePass, 0, 0, mk)
	default:
		t.put(pm, kind, t.key(tagString, lit), placePass, 0, 0, mk)
	}
}

// globExact tells that reaching a glob's key is matching it: "ab*" in
// the forward trie (a prefix), "*ab" in the reversed one (a suffix),
// "*ab*" in the infix trie (a value containing ab). Such a mark needs no
// verification.
func globExact(g compiler.Glob, kind trieKind) bool {
	last := len(g.Parts) - 1
	switch kind {
	case trieFwd:
		return last == 1 && g.Parts[1] == ""
	case trieRev:
		return last == 1 && g.Parts[0] == ""
	}
	return last == 2 && g.Parts[0] == "" && g.Parts[2] == ""
}

// globKey chooses the trie and literal a glob of two or more parts is
// indexed by (see putGlob).
func globKey(g compiler.Glob) (trieKind, string) {
	head, tail := g.Parts[0], g.Parts[len(g.Parts)-1]
	mid := ""
	for _, p := range g.Parts[1 : len(g.Parts)-1] {
		if len(p) > len(mid) {
			mid = p
		}
	}
	switch {
	case len(head) >= len(tail) && len(head) >= len(mid):
		return trieFwd, head
	case len(tail) >= len(mid):
		return trieRev, tail
	}
	return trieInfix, mid
}

// appendLiteralKey appends the typed key of a pattern literal.
func appendLiteralKey(dst []byte, l *compiler.Literal) []byte {
	switch l.Kind {
	case compiler.LitString:
		return append(append(dst, tagString), l.Text...)
	case compiler.LitNumber:
		if l.Exact {
			return appendNumberKey(dst, l.Num)
		}
		return append(append(dst, tagNumText), l.Text...)
	case compiler.LitTrue:
		return append(dst, tagTrue)
	case compiler.LitFalse:
		return append(dst, tagFalse)
	}
	return append(dst, tagNull)
}

// cidrKey places a block in the forward trie: full bytes of the mask are a
// path, a partial last byte is a byte range.
func cidrKey(c *compiler.Condition) ([]byte, markPlace, byte, byte) {
	p := c.Prefix
	var key []byte
	if p.Addr().Is4() {
		b := p.Addr().As4()
		key = append([]byte{tagIPv4}, b[:]...)
	} else {
		b := p.Addr().As16()
		key = append([]byte{tagIPv6}, b[:]...)
	}
	bits := p.Bits()
	full := bits / 8
	if bits%8 == 0 {
		return key[:1+full], placePass, 0, 0
	}
	mask := byte(0xff << (8 - bits%8))
	lo := key[1+full] & mask
	return key[:1+full], placeRange, lo, lo | ^mask
}

// deletePattern removes rec from the machine.
func (t *tx) deletePattern(rec *patternRec) {
	m := t.m
	s := t.sub(int(rec.input))
	for _, cw := range rec.clauses {
		if len(cw.rec.pats) > 1 {
			cr := t.ownClause(cw)
			var pats []patRef
			for _, p := range cr.pats {
				if p.idx != rec.idx {
					pats = addPat(pats, p)
				}
			}
			cr.pats = pats
			continue
		}
		t.replaceClause(cw, cw.rec, nil)
		t.releaseRest(cw.rec)
		if cw.key != "" {
			delete(m.clauses, cw.key)
		} else {
			m.preds[cw.rec.fieldList()[0].pred].single = nil
		}
		for i, f := range cw.rec.fieldList() {
			if f.pred < 0 || slices.ContainsFunc(cw.rec.fieldList()[:i], func(g fieldRec) bool { return g.pred == f.pred }) {
				continue // a predicate counts a clause once
			}
			pw := m.preds[f.pred]
			if pw.uses--; pw.uses == 0 {
				t.dropPred(pw)
			}
		}
	}
	if rec.absent != nil {
		for _, path := range *rec.absent {
			t.path(int(rec.input), path).absent--
		}
	}
	for _, cw := range rec.clauses {
		t.refFields(cw.rec.fieldList(), -1)
	}
	for _, cw := range rec.clauses {
		for _, f := range cw.rec.fieldList() {
			if key := m.pathNames[f.pathIdx]; m.pathRefs[f.pathIdx] == 0 && key.input >= 0 {
				t.removePath(key.input, key.path)
				delete(m.pathIdx, key)
				m.paths.put(f.pathIdx)
				m.pathNames[f.pathIdx] = inputPath{input: -1}
			}
		}
	}
	m.pats.put(rec.idx)
	s.count--
	delete(m.patterns, rec.id)
}

// dropPred removes a predicate no clause uses any more.
func (t *tx) dropPred(pw *predW) {
	m := t.m
	id := pw.rec.id
	pm := t.path(pw.input, pw.path)
	t.dropping = id
	for i := range pw.conds {
		t.placeCondition(pm, &pw.conds[i], mark{}, mark{})
	}
	t.dropping = -1
	if lz := pw.rec.lz; lz != nil && len(lz.ranges) > 0 {
		m.pathVals[pm.idx]--
	}
	pm.lazy = filterIDs(pm.lazy, id)
	pm.ranges = pm.ranges.without(id)
	pm.rangePreds = filterIDs(pm.rangePreds, id)
	pm.cidrs = int32(countCIDR(pm.fwd))
	t.setPred(id, nil)
	m.preds[id] = nil
	m.predIDs.put(id)
	delete(m.predKeys, pw.key)
}

func countCIDR(n *node) int {
	c := 0
	for _, tag := range []byte{tagIPv4, tagIPv6} {
		if k := n.childOrNil(tag); k != nil {
			c += countMarks(k)
		}
	}
	return c
}

func (n *node) childOrNil(b byte) *node {
	if n == nil {
		return nil
	}
	return n.child(b)
}

func countMarks(n *node) int {
	c := len(n.end) + len(n.passMarks()) + len(n.rangeMarks())
	for _, k := range n.kids {
		c += countMarks(k)
	}
	return c
}

func filterIDs(list []int32, id int32) []int32 {
	var out []int32
	for _, x := range list {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

func (t *tx) commit() {
	clear(t.fpreds) // keep no dropped predicate alive in the scratch
	for _, pm := range t.redirects {
		pm.ranges = pm.ranges.redirected(t.m)
	}
	clear(t.redirects)
	t.redirects = t.redirects[:0]
	for _, pm := range t.dirty {
		pm.ranges = pm.ranges.built()
		pm.numKeys = pm.fwd.childOrNil(tagNumber) != nil
		pm.numText = pm.fwd.childOrNil(tagNumText) != nil
		pm.str = pm.fwd.childOrNil(tagString)
		pm.revStr = pm.rev.childOrNil(tagString)
		prevAffix := pm.affixTab
		pm.affixTab, pm.sufLen = buildSufTab(pm.revStr, t.keyBuf)
		pm.foldStr, pm.revFoldStr = pm.fold.childOrNil(tagString), pm.revFold.childOrNil(tagString)
		pm.infixStr, pm.infixFirst = infixStart(pm.infix)
		pm.strMore = pm.rev != nil || pm.fold != nil || pm.revFold != nil || pm.infix != nil || pm.cidrs > 0
		rebuild := pm.strRebuild // for the table and the filter alike
		pm.strRebuild = false
		pm.strTab = t.strTabOf(pm, rebuild)
		pm.eager = nil
		for _, id := range pm.lazy {
			if len(t.m.preds[id].rec.anchors) > 0 {
				pm.eager = append(pm.eager, id)
			}
		}
		pm.lazyRanges = false
		for _, id := range pm.rangePreds {
			if len(t.m.preds[id].rec.anchors) == 0 {
				pm.lazyRanges = true
				break
			}
		}
		pm.recordAll = len(pm.lazy) > 0 || pm.absent > 0 || pm.lazyRanges
		pm.leafSlots, pm.leafShift, pm.leafProbe, pm.leafMask = nil, 0, 0, 0
		if t := pm.strTab; t != nil && len(t.slots) > 0 && len(t.slots) <= 1<<16 && !pm.strMore && !pm.recordAll {
			pm.leafSlots, pm.leafShift, pm.leafProbe, pm.leafMask = &t.slots[0], t.shift, t.probe, uint16(len(t.slots)-1)
		}
		pm.setStringCuts(t.m.pathVals[pm.idx], prevAffix)
		if pm.strTab == nil && pm.affixTab == nil && pm.strTail == 0 && t.m.pathVals[pm.idx] <= cutVals {
			pm.affixTab = buildMixTab(pm.str, t.keyBuf)
		}
		pm.strSeen = t.strSeenOf(pm, rebuild)
		pm.strOnly = pm.stringOnly()
	}
	t.setGuards()
	for i, changed := range t.reindex {
		if changed {
			t.rebuildIndex(i)
		} else if t.subs[i] {
			t.updateScopes(i)
		}
	}
	s := t.snap
	s.predCap = t.m.predIDs.next
	s.predWide = t.m.predIDs.wide
	s.needIDs = t.m.needIDs
	s.patCap = t.m.pats.next
	s.pathCap = t.m.paths.next
	s.restCap = t.m.restIDs.next
	t.m.states += t.states
	t.m.snap.Store(&s)
	clear(t.dirty) // nor a path matcher of an old snapshot
	clear(t.strTouch)
	t.strTouch = t.strTouch[:0]
}

// rebuildIndex makes the index of an input anew after its set of paths
// changed: the paths, then every proper prefix of one, and what is derived
// from the keys (length bits, early-stop counts).
func (t *tx) rebuildIndex(input int) {
	s := t.snap.sub[input]
	old := s.index
	prefixes := t.m.prefixes[input]
	s.index = make(map[string]pathEntry, len(old)+len(prefixes))
	s.lengths = 0
	for k, e := range old {
		if e.pm != nil {
			s.index[k] = pathEntry{pm: e.pm}
			s.lengths |= 1 << (len(k) & 63)
		}
	}
	for k := range prefixes {
		e := s.index[k]
		e.below = true
		s.index[k] = e
		s.lengths |= 1 << (len(k) & 63)
	}
	s.countNeeds()
	t.indexGuards(input)
	s.buildScopes()
}

// updateScopes puts the path matchers this write copied into the scopes
// of an input whose set of paths stayed the same: a scope holds its
// names' index entries, so each scope on the way from a changed path to
// the top is copied once per write and its entry replaced, and the
// index entry of the object above it pointed at the copy. (Rebuilding
// every scope from the index was an Add's cost in proportion to all the
// machine's paths.)
func (t *tx) updateScopes(input int) {
	s := t.snap.sub[input]
	t.scopes = t.scopes[:0]
	for k, at := range t.dirtyAt {
		if at.input != input {
			continue
		}
		e := s.index[at.path]
		if e.pm != t.dirty[k] {
			continue // removed again in this write
		}
		t.putEntry(s, at.path, e)
	}
	// The prefix entries whose guards changed (setGuards), from theirs.
	for _, at := range t.guardWalk {
		if at.input == input {
			t.putEntry(s, at.path, s.index[at.path])
		}
	}
	clear(t.scopes[:cap(t.scopes)])
}

// putEntry puts e, the index entry of path, into the scope of the object
// holding it, and that scope's entry into its parent's, up to the top
// or to a scope this write has already put there.
func (t *tx) putEntry(s *subMachine, path string, e pathEntry) {
	child := path
	for {
		j := strings.LastIndexByte(child, '.')
		if j == 0 {
			break // ".a": a dotted name at the top, in no scope (buildScopes)
		}
		parent, name := "", child
		if j > 0 {
			parent, name = child[:j], child[j+1:]
		}
		var up pathEntry
		if parent != "" {
			up = s.index[parent]
		}
		sc := t.ownScope(s, parent, up.sc)
		if parent == "" && name == "" {
			e = topEntry(e, sc)
		}
		setScopeEntry(sc, name, e)
		if parent == "" {
			s.root = sc
			break
		}
		if up.sc == sc {
			break // the way up was taken by an earlier path of this write
		}
		up.sc = sc
		s.index[parent] = up
		child, e = parent, up
	}
}

// setScopeEntry replaces the entry of a name the scope has.
func setScopeEntry(sc *scope, name string, e pathEntry) {
	if p := sc.entry([]byte(name)); p != nil {
		*p = e
	}
}

// ownScope returns a copy of the scope of the object at path (old: the
// published one, nil at the top) that this write may change.
func (t *tx) ownScope(s *subMachine, path string, old *scope) *scope {
	for _, o := range t.scopes {
		if o.path == path {
			return o.sc
		}
	}
	if path == "" {
		old = s.root
	}
	c := *old
	c.names = slices.Clone(c.names)
	c.slots = slices.Clone(c.slots)
	for k := range c.slots {
		if s := &c.slots[k]; s.n >= 0 {
			s.e = &c.names[s.k].e
		}
	}
	if path == "" {
		// The top-level "" leads back to the top: to this copy now.
		if p := c.entry(nil); p != nil {
			p.sc = &c
		}
	}
	t.scopes = append(t.scopes, ownedScope{path, &c})
	return &c
}

type ownedScope struct {
	path string
	sc   *scope
}

// patternAlloc fills its size class exactly (see above).
var _ [0]struct{} = [(int(unsafe.Sizeof(patternAlloc{})) - 384) * on64]struct{}{}
