package automaton

import (
	"math/bits"
	"slices"
	"unicode/utf8"
	"unsafe"
)

// A strTab is a path's exact string values hashed: derived at commit
// from the forward trie's string branch when that branch holds only
// exact values (no prefix, range or glob marks anywhere in it) and not
// many of them. A string leaf there can only fire the end marks of the
// node its whole value leads to, so one hashed lookup finds them where
// the trie walk took a node, a child search and a segment compare per
// few bytes (source, detail-type, region, a state: the fields of nearly
// every EventBridge rule). The trie stays the structure writes change;
// the table is rebuilt from it for each path a write touched.
type strTab struct {
	slots []strSlot // a power of two, linear probing
	shift uint8     // 64 - log2(len(slots))
	// probe is the longest distance of a key from its home slot: a
	// lookup gives up after it, so keys that hash alike cost at most
	// that many compares (and the build refuses a table where it is
	// long).
	probe uint8
	// utf8: every key is valid UTF-8 with no control character, so a
	// value found here is valid string text (tabString checks the others).
	utf8 bool
	// single, in a table of prefixes (pfxtab.go), tells that no key is
	// a prefix of another: a value starts with one of them at most.
	single bool
	count  int // keys
	// esc is the table of the written forms of the keys with escapes in
	// them (escforms.go), nil where there are none; escOver: they are
	// too many (or hash too alike) for one.
	esc     *strTab
	escOver bool
	// heads indexes the keys stringTrusted reads by their first bytes
	// (headtab.go), no slots where none; kept in the header, whose line
	// the lookup reads anyway, not behind a pointer of its own.
	heads headTab
	// lastBits, in a table of suffixes (suftab.go), has bit b&63 set for
	// the last byte b of each key.
	lastBits uint64
	// headLen, in a table of prefixes (pfxtab.go), is how many of a
	// value's first bytes a lookup hashes.
	headLen uint8
	// pfx, in a mixed table (mixtab.go), holds the path's prefixes.
	pfx []mixPrefix
}

// A write keeps a path's table up to date key by key where it can: the
// usual write adds one exact value's mark, and rebuilding a table of a
// hundred values for it cost a single Add five times its time. The keys
// whose end marks a write added are noted (touchStr); anything else that
// changes the string branch (a prefix, a removal, many keys) has it
// rebuilt.
type strTouch struct {
	pm  *pathMatcher
	key string
}

// strTouchMax is the most keys a write updates one by one.
const strTouchMax = 16

// touchStr notes a change of pm's string branch at key (without its tag).
func (t *tx) touchStr(pm *pathMatcher, key []byte, place markPlace) {
	if pm.strRebuild {
		return
	}
	if t.dropping >= 0 || place != placeEnd || len(t.strTouch) >= strTouchMax {
		pm.strRebuild = true
		return
	}
	t.strTouch = append(t.strTouch, strTouch{pm, string(key)})
}

// strTabOf returns pm's table after this write: the old one where the
// write did not touch the string branch, the old one updated for the
// keys noted, or, where rebuild (pm.strRebuild), one built anew.
func (t *tx) strTabOf(pm *pathMatcher, rebuild bool) *strTab {
	if t.m.pathVals[pm.idx] > strExactMax || pm.str == nil {
		return nil
	}
	old := pm.strTab
	if !rebuild && old != nil {
		if tab, ok := old.updated(pm, t.strTouch); ok {
			return tab
		}
	}
	return buildStrTab(pm.str, strExactMax, t.keyBuf)
}

// updated returns a copy of t with the end marks of pm's noted keys
// looked up again in pm.str; ok is false where a key is not in the trie
// as an exact value or a new one does not fit (build anew then).
func (t *strTab) updated(pm *pathMatcher, touched []strTouch) (*strTab, bool) {
	var c *strTab
	for _, tc := range touched {
		if tc.pm != pm {
			continue
		}
		if c == nil {
			c = &strTab{slots: slices.Clone(t.slots), shift: t.shift, probe: t.probe, utf8: t.utf8, count: t.count}
		}
		kb := stringBytes(tc.key)
		c.utf8 = c.utf8 && textKey(tc.key)
		end := exactMarks(pm.str, kb)
		if len(end) == 0 {
			return nil, false
		}
		if s := c.find(kb); s != nil {
			s.setEnd(end)
			continue
		}
		if 2*(c.count+1) > len(c.slots) || c.count+1 > strExactMax || !c.place(newSlot(tc.key, end)) {
			return nil, false
		}
	}
	if c == nil {
		return t, true // nothing of pm's string branch changed
	}
	c.escUpdated(t, pm, touched)
	c.withHeads()
	return c, true
}

// exactMarks returns the end marks of the node key leads to from n, by
// descent: what a table holds for key, and the reference its tests hold
// the hashed lookup to.
func exactMarks(n *node, key []byte) []mark {
	for n != nil {
		if len(key) < len(n.seg) || string(key[:len(n.seg)]) != n.seg {
			return nil
		}
		key = key[len(n.seg):]
		if len(key) == 0 {
			return n.end
		}
		n, key = n.childOrNil(key[0]), key[1:]
	}
	return nil
}

func plainMarks(end []mark) bool {
	for i := range end {
		if mk := &end[i]; mk.verify != verifyNone || mk.ab != nil {
			return false
		}
	}
	return true
}

type strSlot struct {
	// hash is the high half of the key's hash, 0 in an empty slot; n, a
	// and b are its length and words (strWords): they are the whole key
	// up to 16 bytes, so most keys are compared without a call.
	hash uint32
	n    uint32
	a, b uint64
	key  *byte // the key's n bytes
	// The key's nend end marks: a plain key has only the predicates of
	// its marks, in ids when they are at most len(ids), else at far (an
	// *int32); any other key has its marks at far (a *mark).
	far  unsafe.Pointer
	nend int32
	// one is the predicate of the only mark of a plain key, else -1: the
	// usual value of the usual rule (a source, a detail-type) stamps it
	// in line.
	one int32
	// plain: every mark is a value alone (no verification, no
	// exclusion), so the free leaf only stamps their predicates, read
	// from this line for the usual key: with the marks apart, each lookup
	// that found a key read a line of marks (24 bytes each) after its
	// slot, and a slot of 72 bytes lay across two lines (at ten thousand
	// rules about seven cache misses per event).
	plain bool
	ids   [3]int32
}

// A slot fills one cache line; the tables' slot arrays (8 to 64 slots)
// fill size classes of whole lines. But an array of over 512 bytes (16
// slots or more) of a type with pointers gets the runtime's 8-byte
// header before it (Go 1.22's malloc headers), and its slots start 8
// bytes into a line: at mixed-10000, 13 of the 15 path tables (16 and
// 32 slots). A lookup's compare, one and plain stay in a slot's first
// line; only ids[1] and ids[2], a plain key's second and third
// predicates, lie in the next. (The name memo, whose nodes all lay
// across two lines so, is padded to a line: alignedMemo.)
var _ [0]struct{} = [(int(unsafe.Sizeof(strSlot{})) - 64) * on64]struct{}{}

// marks returns the end marks of a key that is not plain.
func (s *strSlot) marks() []mark { return unsafe.Slice((*mark)(s.far), s.nend) }

// preds returns the predicates of a plain key's marks.
func (s *strSlot) preds() []int32 {
	if n := uint(s.nend); n <= uint(len(s.ids)) {
		return s.ids[:n]
	}
	return unsafe.Slice((*int32)(s.far), s.nend)
}

// setEnd makes end the key's end marks.
func (s *strSlot) setEnd(end []mark) {
	s.nend, s.plain, s.ids, s.one = int32(len(end)), plainMarks(end), [len(s.ids)]int32{}, -1
	if s.plain && len(end) == 1 {
		s.one = end[0].pred
	}
	if !s.plain {
		s.far = unsafe.Pointer(unsafe.SliceData(end))
		return
	}
	ids := plainPreds(end)
	s.nend, s.far = int32(len(ids)), nil
	if len(ids) == 1 {
		s.one = ids[0]
	}
	if len(ids) > len(s.ids) {
		s.far = unsafe.Pointer(unsafe.SliceData(ids))
	} else {
		copy(s.ids[:], ids)
	}
}

// plainPreds returns the predicates of a plain key's marks, each once: a
// list of values that names a value twice (a city list of one city
// written twice) has two marks of one predicate, which stamp would pass
// twice, and a key whose predicates are not all distinct is never
// appended in one copy (stamp, alone.go: mixed-10000's cities each have
// such a list).
func plainPreds(end []mark) []int32 {
	ids := make([]int32, 0, len(end))
	if len(end) <= 64 {
		for i := range end {
			if p := end[i].pred; !slices.Contains(ids, p) {
				ids = append(ids, p)
			}
		}
		return ids
	}
	seen := make(map[int32]bool, len(end))
	for i := range end {
		if p := end[i].pred; !seen[p] {
			seen[p] = true
			ids = append(ids, p)
		}
	}
	return ids
}

// keyString returns the slot's key.
func (s *strSlot) keyString() string { return unsafe.String(s.key, s.n) }

// newSlot returns the slot of key, with its end marks, before place
// fills in its hash and words.
func newSlot(key string, end []mark) strSlot {
	s := strSlot{key: unsafe.StringData(key), n: uint32(len(key))}
	s.setEnd(end)
	return s
}

// strTabMax bounds the values of a path for which a table is built:
// every write to the path rebuilds it, so a path with many values (a
// hundred thousand street names) keeps its trie alone, as memory per
// pattern and the cost of one Add require.
const strTabMax = 32

// strExactMax bounds the values of a path for which the exact-value table
// (strTab) is built: strTabMax's bound, raised for this table alone (the
// suffix, prefix, mixed and heads tables keep strTabMax). A path of 33 to
// 64 values (mixed-10000's 50 CloudTrail user names) was walked through
// its trie, a node a digit, where a table finds the value in one probe:
// callgrind mixed-10000 trusted, small CloudTrail events 7307 -> 7115
// instr/event, the whole corpus 7928 -> 7882; A/B mixed-10000 trusted
// +0.02 %, -0.58 %, -0.61 %, -2.70 % (300 rounds each, quartiles about
// +-4 %). Its table has 128 slots (8 KB), copied by a write to the path.
const strExactMax = 64

// strTabProbe is the longest probe a table is built with.
const strTabProbe = 6

// strWords returns two words that, with its length, are the whole of a
// value of up to 16 bytes: its first and last eight bytes (overlapping
// below 16), its first and last four below 8, its first, middle and
// last byte below 4.
func strWords(v []byte) (x, y uint64) {
	switch n := len(v); {
	case n >= 8:
		return load64(v, 0), load64(v, n-8)
	case n >= 4:
		return uint64(load32(v, 0)), uint64(load32(v, n-4))
	case n > 0:
		return uint64(v[0]) | uint64(v[n/2])<<8 | uint64(v[n-1])<<16, 0
	}
	return 0, 0
}

// strHash hashes a value of length n and words x, y; longer than 16
// bytes, its middle eight bytes count too. It is cheap next to the walk
// it replaces, and the high half is never zero (the empty slot's mark).
// Only the high bits are read (the home slot and the tag), and every
// bit of a product's multiplicand reaches them: the two products need no
// final mixing (a shift and a multiplication less per lookup; the
// strTab tests hold that a table is still built for most key sets).
func strHash(v []byte, x, y uint64) uint64 {
	n := len(v)
	if n > 16 {
		x ^= bits.RotateLeft64(load64(v, n/2-4), 29)
	}
	h := (x^uint64(n))*0x9e3779b97f4a7c15 ^ y*0xc2b2ae3d27d4eb4f
	return h | 1<<32
}

// find returns the slot of value v, nil if it is not a key. The words
// compared first are the whole of a key up to 16 bytes; a longer one
// compares its middle a word at a time (midEqual), without memequal's
// call, whose spills cost the usual lookup of a 20- to 40-byte value
// (a detail-type) a third of its instructions.
func (t *strTab) find(v []byte) *strSlot {
	// Every table has 8 slots or more (buildStrTab, withEscForms,
	// buildSufTab; copies keep their length).
	return findIn(unsafe.SliceData(t.slots), uint(len(t.slots)-1), t.shift, t.probe, v)
}

// findIn is find over the mask+1 slots at base, with the table's shift
// and probe: a path's leaf table is looked up from the copies of them in
// its pathMatcher's first line (leafFind), without loading the table.
// plainString (trustobject.go, MatchTrusted) and tabString (scan.go,
// Match) carry this probe in line, each with the measured reason; a
// change to the slots or the probe changes all three, and the
// differential tests hold the two paths to Explain.
func findIn(base *strSlot, mask uint, shift, probe uint8, v []byte) *strSlot {
	var x, y uint64
	switch n := len(v); { // strWords without the call, but for the shortest
	case n >= 8:
		x, y = load64(v, 0), load64(v, n-8)
	case n >= 4:
		x, y = uint64(load32(v, 0)), uint64(load32(v, n-4))
	default:
		x, y = strWords(v)
	}
	h := strHash(v, x, y)
	tag := uint32(h >> 32)
	i := uint(h >> (shift & 63)) // shift < 64: no test for a larger one
	for p := uint(0); ; p++ {
		s := (*strSlot)(unsafe.Add(unsafe.Pointer(base), uintptr((i+p)&mask)*unsafe.Sizeof(strSlot{}))) // mask+1 slots
		if s.hash == tag && s.a == x && s.b == y && int(s.n) == len(v) {
			if n := len(v); n <= 16 {
				return s
			} else if n <= 40 {
				// midEqual's loop, for 17 to 40 bytes, in three words
				// compared at once (at 8, at the middle strHash read,
				// at n-16): its exit, after one to three words, was a
				// branch the predictor missed on about every other name
				// looked up (escapes-unicode's names are 13 to 35
				// bytes: 1.7 of find's 4 mispredicts per event).
				k, m := stringBytes(s.keyString()), n/2-4
				if (load64(k, 8)^load64(v, 8))|(load64(k, m)^load64(v, m))|(load64(k, n-16)^load64(v, n-16)) == 0 {
					return s
				}
			} else if midEqual(s.keyString(), v) {
				return s
			}
		}
		if s.hash == 0 || p >= uint(probe) {
			return nil
		}
	}
}

// midEqual tells whether key and v, of the same length over 16 bytes and
// equal in their first and last eight, are equal: it compares the bytes
// between a word at a time, the last word reaching into the last eight.
func midEqual(key string, v []byte) bool {
	k := stringBytes(key)
	for o := 8; o < len(v)-8; o += 8 {
		if load64(k, o) != load64(v, o) {
			return false
		}
	}
	return true
}

// buildStrTab returns the table of the string branch str, or nil when a
// walk must read it: marks other than end marks, more than max values,
// or keys that hash too alike.
func buildStrTab(str *node, max int, buf []byte) *strTab {
	if str == nil {
		return nil
	}
	var ks []strSlot
	ok := collectExact(str, buf[:0], &ks, max, nil)
	if !ok || len(ks) == 0 {
		return nil
	}
	size := 8
	for size < 2*len(ks)+2 { // room for a key added one by one (updated)
		size *= 2
	}
	t := &strTab{slots: make([]strSlot, size), shift: uint8(64 - bits.TrailingZeros(uint(size))), utf8: true}
	for _, k := range ks {
		if !t.place(k) {
			return nil
		}
		t.utf8 = t.utf8 && textKey(k.keyString())
	}
	t.withEscForms()
	t.withHeads()
	return t
}

// textKey tells whether key, found as the raw text of a string, is valid
// there: UTF-8 with no control character (a quote or a backslash cannot
// be in raw text that has no escapes).
func textKey(key string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 {
			return false
		}
	}
	return utf8.ValidString(key)
}

// place puts key k (key, end and plain set) in a free slot; false when
// it lies too far from its home slot.
func (t *strTab) place(k strSlot) bool {
	kb := stringBytes(k.keyString())
	x, y := strWords(kb)
	h := strHash(kb, x, y)
	k.hash, k.a, k.b = uint32(h>>32), x, y
	mask := len(t.slots) - 1
	i := int(h>>t.shift) & mask
	p := 0
	for t.slots[(i+p)&mask].hash != 0 {
		p++
	}
	if p > strTabProbe {
		return false
	}
	t.probe = max8(t.probe, uint8(p))
	t.slots[(i+p)&mask] = k
	t.count++
	return true
}

func max8(a, b uint8) uint8 {
	if a > b {
		return a
	}
	return b
}

// collectExact appends the keys below n (their bytes so far in key) with
// their end marks; false when n's branch has range marks, more than max
// keys, or pass marks (prefixes) where ps is nil. With ps, the prefixes
// are appended to it instead, up to mixPfxMax (the mixed table's).
func collectExact(n *node, key []byte, ks *[]strSlot, max int, ps *[]mixPrefix) bool {
	key = append(key, n.seg...)
	if n.more != nil {
		if len(n.more.rng) > 0 {
			return false
		}
		if len(n.more.pass) > 0 {
			if ps == nil || len(*ps) >= mixPfxMax {
				return false
			}
			*ps = append(*ps, mixPrefix{string(key), n.more.pass})
		}
	}
	if len(n.end) > 0 {
		if len(*ks) >= max {
			return false
		}
		*ks = append(*ks, newSlot(string(key), n.end))
	}
	for i := 0; i < len(n.keys); i++ {
		if !collectExact(n.kids[i], append(key, n.keys[i]), ks, max, ps) {
			return false
		}
	}
	return true
}
