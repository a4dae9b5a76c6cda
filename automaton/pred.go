package automaton

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"unsafe"

	"github.com/patternc/patternc/compiler"
)

// Predicates and clauses are interned. A predicate is the positive part of
// one field — the OR of its conditions at one path — and is what the tries,
// ranges and anything-but lists fire; every clause with an identical field
// (a thousand rules on "source": ["aws.ec2"]) shares it, so an event pays
// for the condition once, not once per rule. Identical clauses are one
// clause with several patterns.
//
// Each clause is anchored on one of its required predicates, chosen to be
// selective: the clause is evaluated only when its anchor fires, and its
// other fields are then looked up. Anything-but and exists predicates are
// computed lazily, when a clause asks, unless they anchor one.

// predRec is a predicate as Match sees it. Published records never change:
// a write that changes one publishes a copy through the predTable. What
// Match reads comes first: allocated after its first anchor (predAlloc),
// the record's first 48 bytes share that anchor's line.
type predRec struct {
	// rng is lz's one range when the predicate has no other condition
	// computed on demand (a numeric field), else lo > hi: lazy tests the
	// leaves against it without loading lz and its ranges, two cache
	// misses for a predicate it had not read in a while (at ten thousand
	// rules, each {"numeric":[">",N]} of its own).
	rng     keyRange
	id      int32
	pathIdx int32
	// lz holds the anything-but and exists conditions, nil for most
	// predicates (a pointer instead of two slices: 40 bytes less for each
	// of them, which at 100 000 exact patterns is 4 MB).
	lz *lazyConds
	// anchors are the clauses this predicate nominates.
	anchors []anchorRef
	gen     uint64 // the write that created this record may change it
}

// noRange is predRec.rng of a predicate without a lone range.
var noRange = keyRange{lo: 1, hi: 0}

// setRange sets p.rng from its lazy conditions, once they are complete.
func (p *predRec) setRange() {
	p.rng = noRange
	if lz := p.lz; lz != nil && len(lz.ab) == 0 && len(lz.exists) == 0 && len(lz.ranges) == 1 {
		p.rng = lz.ranges[0]
	}
}

// anchorRef is a clause a predicate anchors, with the clause's need
// beside it: a candidate one of whose other predicates has not fired is
// dropped without loading its record (a cache miss each at ten thousand
// rules, where two thirds of the candidates are dropped so). need is in
// one of two forms (needMask, needIDs), chosen by the machine's size when
// the entry is made: a mask for a small machine, two predicate ids for a
// large one.
type anchorRef struct {
	cl   *clauseRec
	need uint64
}

// lazyConds are a predicate's conditions computed on demand. They are set
// when the predicate is made (predicates are interned by their conditions)
// and never change after.
type lazyConds struct {
	ab     []*abCond
	exists []existsCond
	// ranges are the predicate's numeric ranges. While it anchors no
	// clause they are not in the path's range index: a number stabs only
	// the ranges that can start an evaluation, and these are computed
	// when a clause asks (a thousand {"numeric":[">",N]} fields that
	// anchor nothing took a hit each for half of all numbers).
	ranges []keyRange
}

type keyRange struct{ lo, hi uint64 }

func (p *predRec) lazy() bool { return p.lz != nil }

// listed tells whether p goes on its path's lazy list: it has conditions
// that need every leaf of the path recorded whatever happens (ranges need
// that only while they anchor nothing; commit counts those).
func (p *predRec) listed() bool {
	return p.lz != nil && (len(p.lz.ab) > 0 || len(p.lz.exists) > 0)
}

// lazyConds returns p's lazy conditions, made on first use.
func (p *predRec) lazyConds() *lazyConds {
	if p.lz == nil {
		p.lz = &lazyConds{}
	}
	return p.lz
}

// abCond is one anything-but condition: its exclusions are marks in the
// tries; a leaf that none of them excludes satisfies the predicate.
type abCond struct {
	pred  int32
	every bool // SNS String.Array rule: every leaf must pass
}

type existsCond struct {
	pred     int32
	nonEmpty bool
}

// clauseRec is one distinct clause and the patterns that have it. It is
// 64 bytes, one cache line where it is allocated (write.go), and holds
// what run needs to decide the usual clause in that line: the
// predicates of its other fields, and its patterns. At ten thousand rules
// the record and its fields, apart, were two cache misses per candidate.
type clauseRec struct {
	// others are the predicates of the fields other than the anchor's,
	// in the order evaluate checks them; lazy has bit k set when
	// others[k] is computed on demand. kind says how run decides the
	// clause with them.
	others [clauseOthers]int32
	n      uint8
	lazy   uint8
	kind   decideKind
	// full: some field allows absence, so the search must also check that
	// the path has no consistent leaf.
	full bool
	// abFirst: the clause has abFirstShape (abfirst.go).
	abFirst bool
	// once: each of its patterns has this one clause, so none of them
	// can have matched before the clause is decided (a clause is decided
	// once per input): they are appended without the duplicate check.
	once bool
	// named is how many of others, from the first, the clause's need
	// names when it holds predicate ids (anchorNeed: the first two that
	// fire during the scan): a candidate listed by such a need has them
	// fired, and decide does not test them again.
	named uint8
	// rngs has bit k set when others[k] is a lone numeric range or a
	// lone anything-but computed on demand, kept after the fields
	// (lazyrange.go).
	rngs    uint8
	nfields int32
	pats    []patRef
	// field0 and nfields are the fields, in evaluation order (fieldList):
	// a slice would not leave room in the line for others.
	field0 *fieldRec
}

// fieldList returns the clause's fields.
func (cl *clauseRec) fieldList() []fieldRec {
	return unsafe.Slice(cl.field0, cl.nfields)
}

// clauseOthers is how many fields besides the anchor a clause may have
// for run to decide it from others: the usual EventBridge rule names
// source, detail-type and two to four detail fields.
const clauseOthers = 5

// decideKind says how run decides a clause its anchor nominates.
type decideKind uint8

const (
	// decideRecord: evaluate decides it from its fields (a field of
	// conditions that also allows absence, too many fields, or a clause
	// of no anchor; other absences are decideAbsent's, setAbsent).
	decideRecord decideKind = iota
	// decideOthers: every field is required, and others lists all but
	// the anchor's.
	decideOthers
	// decideABFirst: the clause has abFirstShape; others[0] is its
	// anything-but predicate and others[1] that predicate's path index.
	decideABFirst
	// decideAlone: the anchor's field is the clause's only field, so the
	// clause holds when its anchor fires (one field: no two leaves to
	// make consistent): a city list, a bucket name.
	decideAlone
)

// setDecide fills in how run decides cl when predicate anchor fires; cl's
// fields are in evaluation order, which puts the anchor last.
func (cl *clauseRec) setDecide(anchor int32) {
	cl.kind, cl.n, cl.lazy, cl.named, cl.others = decideRecord, 0, 0, 0, [clauseOthers]int32{}
	fs := cl.fieldList()
	switch {
	case len(fs) == 0 || fs[len(fs)-1].pred != anchor:
	case cl.abFirst:
		cl.kind = decideABFirst
		cl.others[0], cl.others[1] = fs[0].pred, fs[0].pathIdx
	case len(fs)-1 > clauseOthers:
	case cl.full:
		cl.setAbsent(fs)
	default:
		for _, f := range fs[:len(fs)-1] {
			if f.pred < 0 || f.allowAbsent {
				cl.n, cl.lazy, cl.named = 0, 0, 0
				return // cl.full covers these; kept for safety
			}
			cl.addOther(f)
		}
		cl.kind = decideOthers
		if cl.n == 0 {
			cl.kind = decideAlone
		}
	}
}

// addOther appends f, a required field that is not the anchor, to the
// predicates cl's deciding checks: a lazy one marked to compute on
// demand, the first named ones counted (see anchorNeed).
func (cl *clauseRec) addOther(f fieldRec) {
	if f.lazy {
		cl.lazy |= 1 << cl.n
	} else if cl.named == cl.n && cl.n < 2 && f.pred <= needMax {
		cl.named++
	}
	cl.others[cl.n] = f.pred
	cl.n++
}

// decideAbsent is the kind of a clause that setAbsent takes.
const decideAbsent = decideThresh + 1

// setAbsent makes cl, which allows absence (full), of kind decideAbsent
// when each of its fields other than the anchor's (the last) is either
// required or only allows absence ({"exists":false}): others lists the
// required ones, as setDecide does, then the paths of the others. A
// candidate that fails on an absence is then decided from the clause's
// line and its paths' scratch, not evaluate's walk over the fields, a
// line of their own in a clause of more than three (mixed-10000's small
// CloudTrail calls: two such candidates per event, the rules of
// {"errorCode":[{"exists":false}]} on calls that have an errorCode).
// Any other shape stays decideRecord.
func (cl *clauseRec) setAbsent(fs []fieldRec) {
	for _, f := range fs[:len(fs)-1] {
		if (f.pred < 0) != f.allowAbsent {
			return // a field of conditions that also allows absence
		}
	}
	for _, f := range fs[:len(fs)-1] {
		if !f.allowAbsent {
			cl.addOther(f)
		}
	}
	k := cl.n
	for _, f := range fs[:len(fs)-1] {
		if f.allowAbsent {
			cl.others[k] = f.pathIdx
			k++
		}
	}
	cl.kind = decideAbsent
}

// absentPaths returns the paths of the fields of cl, of kind
// decideAbsent, that only allow absence.
func (cl *clauseRec) absentPaths() []int32 {
	return cl.others[cl.n : cl.nfields-1]
}

// patRef is a pattern as its clauses list it: the id and the dense index
// evaluate needs, copied from the record so that appending a match does
// not load the record (at ten thousand rules that load missed the cache
// about thirty times per event, the largest share of evaluate's misses).
type patRef struct {
	id  ID
	idx int32
}

type fieldRec struct {
	pred        int32 // -1: the field only allows absence
	pathIdx     int32
	lazy        bool // pred is computed on demand
	allowAbsent bool
	// exact: pred is made of exact values alone (a guard, deadbelow.go).
	// Kept here, not read from the predicate: when a clause goes, its
	// guard is uncounted after its predicates may have been dropped
	// (deletePattern), and it must be the guard it was counted as.
	exact bool
}

// predTable maps predicate ids to their records: a persistent radix array
// (three levels of 64), so a write copies the few small blocks on the way
// to the ids it changes, not the table.
type predTable struct {
	root []*predMid
}

const (
	predBits = 6
	predFan  = 1 << predBits
	predMask = predFan - 1
)

type predMid struct {
	gen    uint64
	leaves [predFan]*predLeaf
}

type predLeaf struct {
	gen  uint64
	recs [predFan]*predRec
}

func (pt *predTable) get(id int32) *predRec {
	return pt.root[id>>(2*predBits)].leaves[id>>predBits&predMask].recs[id&predMask]
}

// predW is the writer's record of a predicate.
type predW struct {
	rec   *predRec // latest version
	key   string
	path  string
	input int
	uses  int32 // distinct clauses with a field on it
	rank  int8  // how unselective: 0 exact, 1 pattern, 2 numeric, 3 lazy
	// exact: its conditions are exact values alone (exactOnly), what a
	// guard needs (deadbelow.go); its fields' fieldRec.exact.
	exact bool
	// overlap counts the ranges in the path's index (those of anchoring
	// predicates: the others fire nothing) that share a number with this
	// predicate's ranges, when it was made: they fire with it.
	overlap uint16
	// conds are the field's conditions, to find the marks again on drop.
	conds []compiler.Condition
	// single is the clause whose only field this is, if any: such clauses
	// are known by their predicate, not by a key.
	single *clauseW
}

// clauseW is the writer's record of a clause.
type clauseW struct {
	rec    *clauseRec // latest version
	gen    uint64     // the write that made rec may change it in place
	key    string
	input  int
	anchor *predW // nil: the clause is a candidate for every input
}

// appendPredKey appends the interning key of a field's positive
// conditions; ok is false when the field has none (only exists:false).
func appendPredKey(b []byte, input int, f *compiler.Field) ([]byte, bool) {
	b = append(b, byte(input))
	b = appendStr(b, f.Path)
	ok := false
	var starts [maxKeyConds]int
	n := 0
	for i := range f.Conds {
		c := &f.Conds[i]
		if c.Op == compiler.OpExists && !c.Exists {
			continue
		}
		ok = true
		if n < len(starts) {
			starts[n] = len(b)
		}
		n++
		b = append(b, byte(c.Op))
		switch c.Op {
		case compiler.OpEquals:
			b = appendLiteral(b, &c.Value)
		case compiler.OpPrefix, compiler.OpSuffix:
			b = append(b, boolByte(c.IgnoreCase))
			b = appendStr(b, c.Text)
		case compiler.OpEqualsIgnoreCase:
			b = appendStr(b, c.Text)
		case compiler.OpWildcard:
			b = appendGlob(b, c.Glob)
		case compiler.OpAnythingBut:
			b = append(b, boolByte(c.EveryValue), byte(c.Exclude.Op))
			b = binary.AppendUvarint(b, uint64(len(c.Exclude.Values)+len(c.Exclude.Texts)+len(c.Exclude.Globs)))
			for j := range c.Exclude.Values {
				b = appendLiteral(b, &c.Exclude.Values[j])
			}
			for _, s := range c.Exclude.Texts {
				b = appendStr(b, s)
			}
			for _, g := range c.Exclude.Globs {
				b = appendGlob(b, g)
			}
		case compiler.OpNumeric:
			lo, hi, nonEmpty := rangeKeys(c.Range)
			if !nonEmpty {
				lo, hi = math.MaxUint64, 0
			}
			b = binary.BigEndian.AppendUint64(b, lo)
			b = binary.BigEndian.AppendUint64(b, hi)
		case compiler.OpExists:
			b = append(b, boolByte(c.NonEmpty))
		case compiler.OpCIDR:
			b = appendStr(b, c.Prefix.String())
		}
	}
	if n >= 2 && n <= len(starts) {
		b = sortKeyConds(b, starts[:n])
	}
	return b, ok
}

// maxKeyConds is the most conditions of a field whose key appendPredKey
// writes in a canonical order; a longer list keeps its own order (a rule
// with the same values in another order then has a predicate of its own:
// slower, not wrong).
const maxKeyConds = 16

// sortKeyConds puts the conditions of a predicate's key, written one
// after another from starts[0] to the end of b (each self-delimiting:
// its op, then length-prefixed parts), in byte order without repeats: a
// field is the OR of its conditions, so ["Zürich","Malmö"],
// ["Malmö","Zürich"] and ["Malmö","Zürich","Malmö"] are one predicate,
// with one clause for the rules of a lone field. mixed-10000's city rules
// (two cities of ten, in either order) then fire some ten predicates for
// a city instead of nineteen, and decide ten clauses of about eleven
// patterns each instead of nineteen of about five and a half.
func sortKeyConds(b []byte, starts []int) []byte {
	var conds [maxKeyConds][]byte
	end := len(b)
	for i := len(starts) - 1; i >= 0; i-- {
		conds[i] = b[starts[i]:end:end]
		end = starts[i]
	}
	cs := conds[:len(starts)]
	slices.SortFunc(cs, func(x, y []byte) int { return bytes.Compare(x, y) })
	cs = slices.CompactFunc(cs, bytes.Equal)
	// Written after the key, then moved back over it (the conditions
	// are slices of b).
	from := len(b)
	for _, c := range cs {
		b = append(b, c...)
	}
	n := copy(b[starts[0]:], b[from:])
	return b[:starts[0]+n]
}

// appendLiteral appends a literal's typed key, length first.
func appendLiteral(b []byte, l *compiler.Literal) []byte {
	n := 1
	switch {
	case l.Kind == compiler.LitString, l.Kind == compiler.LitNumber && !l.Exact:
		n += len(l.Text)
	case l.Kind == compiler.LitNumber:
		n += 8
	}
	return appendLiteralKey(binary.AppendUvarint(b, uint64(n)), l)
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendGlob(b []byte, g compiler.Glob) []byte {
	b = binary.AppendUvarint(b, uint64(len(g.Parts)))
	for _, p := range g.Parts {
		b = appendStr(b, p)
	}
	return b
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// anchorCost estimates how often pw fires, so how often a clause
// anchored on it is evaluated: how often its path is present, guessed
// from the clause fields that name it (rules name the paths of the
// events they are written for: "source" is in every rule, a customer's
// country only in the order rules), times the share of the path's
// distinct values that the predicate names. A value among fifty user
// names fires far less often than one of four regions, and a state
// named with another of six states fires for a third of the events that
// have one, though it is used by fewer rules. A prefix, suffix or
// wildcard covers more values than the one key it puts in the trie, and
// a range more numbers than one (counted with the ranges at the path
// that overlap it, which fire with it): they count four times. Only the
// order of costs matters. While AddAll loads a rule set, the counts are
// at least those the whole set will have (planPathStats).
func (m *Machine) anchorCost(pw *predW) float64 {
	idx := pw.rec.pathIdx
	present := float64(m.pathRefs[idx] + 1)
	vals := float64(max(m.pathVals[idx], 1))
	if st, ok := m.planStats[m.pathNames[idx]]; ok {
		present = max(present, float64(st.refs+1))
		vals = max(vals, float64(st.vals))
	}
	n := 0
	for i := range pw.conds {
		switch pw.conds[i].Op {
		case compiler.OpAnythingBut, compiler.OpExists:
		default:
			n++
		}
	}
	share := float64(max(n, 1))
	switch pw.rank {
	case 1:
		share *= 4
	case 2:
		share = 4 * (1 + float64(pw.overlap))
	case 3:
		share = vals
	}
	return present * min(1, share/vals)
}

// fireCost is anchorCost for the choice of an anchor: an EventBridge
// envelope field is in every event however few rules name it, so a
// predicate on it fires as often as its share of the path's values (a
// quarter of the rules naming one of four regions made "region" look as
// rare as an EC2 instance-id prefix, and every event tested the EC2
// rules anchored on their regions). The fields a clause tests before its
// anchor keep anchorCost's order: there a field that rules rarely name
// is the better test, as it is seldom implied by the anchor (an
// instance-id implies aws.ec2, not a region).
//
// An instance-id prefix of sixteen ("i-0".."i-f") is the right anchor for
// mixed-10000's EC2 rules though every EC2 event's id starts "i-0" and
// none fires the other fifteen: prefixes of one length at a path are
// disjoint, an event fires one of them, and the clauses spread over the
// sixteen lists, so an event reads one list of about a sixteenth of them
// however skewed the ids are (36 entries per EC2 event); anchored on a
// state pair (a third of the events that have a state, six pairs fired
// by each) it would read about a third of them (some 277). Only events
// tell that "i-0" is the one that fires: moving the clauses anchored on
// it alone to their states (a test knob naming "i-0", not a rule the
// estimator could follow) read 43 -> 18 entries per EC2 event for the
// same 3.05 candidates: paired thread CPU (load 10-12, 400 pairs,
// on-off median) EC2 events alone -37.1 / -50.0 ns, the whole corpus
// -15.8 (q1 -166, q3 +140) / -2.0 (q1 -79, q3 +76), within the noise.
func (m *Machine) fireCost(pw *predW) float64 {
	c := m.anchorCost(pw)
	if key := m.pathNames[pw.rec.pathIdx]; key.input == inputEvent && slices.Contains(compiler.EnvelopeFields, key.path) {
		refs := m.pathRefs[pw.rec.pathIdx]
		n := len(m.patterns)
		if st, ok := m.planStats[key]; ok {
			refs, n = max(refs, st.refs), max(n, m.planN)
		}
		c *= float64(n+1) / float64(refs+1)
	}
	return c
}

// predRank guesses how often a field fires: a clause is anchored on its
// most selective predicate.
func predRank(f *compiler.Field) int {
	rank := 0
	for i := range f.Conds {
		r := 0
		switch f.Conds[i].Op {
		case compiler.OpEquals, compiler.OpEqualsIgnoreCase, compiler.OpCIDR:
			r = 0
		case compiler.OpPrefix, compiler.OpSuffix, compiler.OpWildcard:
			r = 1
		case compiler.OpNumeric:
			r = 2
		default: // anything-but, exists
			r = 3
		}
		rank = max(rank, r)
	}
	return rank
}

// chooseAnchor picks the field a new clause is anchored on: the required
// predicate that fires least often (anchorCost) — a predicate computed
// on demand (anything-but, exists) only when nothing else is required;
// on a tie, the more exact operator, then the deeper path. A thousand
// rules on {"prefix":"aws."} with a distinct numeric range each are
// anchored on their ranges, not on the prefix every event has. -1: no
// field is required.
func (m *Machine) chooseAnchor(fields []fieldRec, preds []*predW) int {
	best := -1
	var bc float64
	for i, f := range fields {
		pw := preds[i]
		if pw == nil || f.allowAbsent {
			continue
		}
		if best < 0 {
			best = i
			continue
		}
		b := preds[best]
		if (pw.rank == 3) != (b.rank == 3) {
			if pw.rank < b.rank {
				best, bc = i, 0
			}
			continue
		}
		if bc == 0 {
			bc = m.fireCost(b)
		}
		switch pc := m.fireCost(pw); {
		case pc != bc:
			if pc < bc {
				best, bc = i, pc
			}
		case pw.rank != b.rank:
			if pw.rank < b.rank {
				best, bc = i, pc
			}
		case depth(pw.path) > depth(b.path):
			best, bc = i, pc
		}
	}
	return best
}

func depth(path string) int {
	n := 0
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			n++
		}
	}
	return n
}

// orderFields puts a new clause's fields in the order evaluate checks
// them: the most selective first (the cheapest to anchor on, as
// chooseAnchor weighs them), predicates computed on demand and fields
// that only allow absence after them, and the anchor last (it has fired
// when the clause is evaluated). Most candidates then fail on their first
// field: at ten thousand rules an EC2 rule anchored on its state was
// checked on region before its instance-id prefix. Fields are decided
// independently and the consistency search tries every order, so the
// order changes no answer. preds are aligned with fields; anchor indexes
// both, before the reordering.
func (m *Machine) orderFields(fields []fieldRec, preds []*predW, anchor int) {
	if len(fields) < 2 || len(fields) > 16 {
		return
	}
	key := func(i int) (int, float64) {
		switch pw := preds[i]; {
		case i == anchor:
			return 3, 0
		case pw == nil || fields[i].allowAbsent:
			return 2, 0
		case pw.rank == 3:
			return 1, m.anchorCost(pw)
		default:
			return 0, m.anchorCost(pw)
		}
	}
	type item struct {
		f    fieldRec
		cls  int
		cost float64
	}
	var buf [16]item
	items := buf[:0]
	for i, f := range fields {
		c, k := key(i)
		items = append(items, item{f, c, k})
	}
	slices.SortStableFunc(items, func(a, b item) int {
		if a.cls != b.cls {
			return a.cls - b.cls
		}
		return cmp.Compare(a.cost, b.cost)
	})
	for i := range items {
		fields[i] = items[i].f
	}
	m.orderNeed(fields)
}

// needMask is a clause's need in a small machine, which its anchorRef
// holds: bit id%64 is set for each predicate the clause requires that
// fires during the scan (not computed on demand), and run rejects most
// candidates by comparing it with the bits of the predicates fired in
// the input, before reading the clause. With the twenty-odd predicates an
// AWS event fires at ten thousand rules, 32 bits were nearly half set,
// and half the clauses evaluated failed on a field whose bit another
// predicate had set. Bit 63 is needIDs' mark: predicates with ids of 63
// modulo 64 are left out.
func needMask(fields []fieldRec) uint64 {
	var m uint64
	for _, f := range fields {
		if f.pred >= 0 && !f.lazy && !f.allowAbsent && f.pred&63 != 63 {
			m |= 1 << (f.pred & 63)
		}
	}
	return m
}

// on64 is 1 on 64-bit targets and 0 on 32-bit ones. The record layouts
// below are sized for 64-bit words and checked there at compile time; on a
// 32-bit target the records are smaller, the checks vanish, and the
// automaton works as it does everywhere, only less tightly packed.
const on64 = int(unsafe.Sizeof(uintptr(0)) / 8)

// A clause record fills one cache line (see clauseRec).
var _ [0]struct{} = [(int(unsafe.Sizeof(clauseRec{})) - 64) * on64]struct{}{}
