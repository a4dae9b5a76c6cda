package automaton

import "slices"

// strSeen is a filter of the exact values of a path whose forward string
// trie holds exact values alone, too many for its table (strExactMax) and
// at most strSeenMax: a string it says is no key is not walked. A key
// sets two bits of one word, chosen by the high bits of strHash (the
// table's hash); a value is walked only when both of its bits are set.
//
// mixed-10000's order ids (1667 exact values, o-N of a million N): an
// order event's id is nearly never a key, and its walk read three or four
// trie nodes, a digit each, below the few that stay in the cache. Callgrind
// (trusted, instr/event): order events 5295 -> 5022, the whole corpus
// 7887 -> 7804; exact (citylots STREET, 73 values) too. A/B, on-off
// median (q1, q3), 300 rounds: mixed-10000 trusted -6.55 % (-9.87,
// -2.76) and -5.93 % (-9.36, -2.99), Match -4.56 % (-7.24, -2.46); exact
// trusted -4.73 % and -4.27 %, Match -1.36 %; multi-field +0.61 %,
// escapes-unicode +0.87 %, cloudtrail-large -0.06 % (no path of theirs
// has a filter: noise).
//
// The words lie in blocks of seenBlockWords (two lines), so that a write
// copies the blocks its keys fall in and the blocks' pointers, not the
// whole filter: a copy of every word (4 to 16 KB at 1000 to 4000 keys)
// took a single Add into exact-1000 from 7-11 to 15-18 us (3000 Adds
// after an AddAll of 1000); in blocks 12-13 -> 13-14 us, and bench's
// single-Add rates within their noise (exact-1000 140k, 214k, 101k/s ->
// 203k, 178k, 102k/s; mixed-10000 54k, 67k, 49k/s -> 55k, 49k, 54k/s),
// the lookups as fast (A/B against no filter: mixed-10000 trusted
// -5.92 %, exact -3.21 %, exact-1000 +0.38 %, $or -13.53 %). A rebuilt
// filter is sized for twice the path's values, so that keys added one
// by one fill it before it is built again.
type strSeen struct {
	blocks []*seenBlock // a power of two of words in all
	shift  uint8        // 64 - log2(words)
	n      int32        // keys added
}

// seenBlock is a block of a filter's words.
type seenBlock [seenBlockWords]uint64

const seenBlockWords = 16

// strSeenMax bounds the values of a path that has a filter: a write to
// the path copies it (up to strSeenMax*strSeenBits/8 bytes), and a
// delete there rebuilds it.
const strSeenMax = 4096

// strSeenBits is the filter's bits per key it is sized for: two bits a
// key in a word of 64, about one value in sixty walked for nothing.
const strSeenBits = 16

// seenBits returns the word index and the two bits of value v. Its first
// lines are findIn's (and tabString's, plainString's) in line: the words
// and hash in a function of their own are not inlined (cost 186 against
// the compiler's 80), and every lookup would pay the call.
func (f *strSeen) seenBits(v []byte) (uint64, uint64) {
	var x, y uint64
	switch n := len(v); { // strWords without its call, but for the shortest (as findIn)
	case n >= 8:
		x, y = load64(v, 0), load64(v, n-8)
	case n >= 4:
		x, y = uint64(load32(v, 0)), uint64(load32(v, n-4))
	default:
		x, y = strWords(v)
	}
	h := strHash(v, x, y)
	return h >> (f.shift & 63) & uint64(len(f.blocks)*seenBlockWords-1), 1<<(h>>40&63) | 1<<(h>>46&63)
}

// mayHave tells whether v may be a key (false: it is none).
func (f *strSeen) mayHave(v []byte) bool {
	i, m := f.seenBits(v)
	return f.blocks[i/seenBlockWords][i%seenBlockWords]&m == m
}

// add sets the bits of key k.
func (f *strSeen) add(k []byte) {
	i, m := f.seenBits(k)
	f.blocks[i/seenBlockWords][i%seenBlockWords] |= m
	f.n++
}

// newStrSeen returns an empty filter sized for n keys.
func newStrSeen(n int) *strSeen {
	words, shift := seenBlockWords, uint8(64-4)
	for words*64 < n*strSeenBits {
		words *= 2
		shift--
	}
	f := &strSeen{blocks: make([]*seenBlock, words/seenBlockWords), shift: shift}
	all := make([]seenBlock, len(f.blocks))
	for i := range f.blocks {
		f.blocks[i] = &all[i]
	}
	return f
}

// copied returns a copy of f that shares its blocks, none of which it
// may write before taking it (own).
func (f *strSeen) copied() *strSeen {
	return &strSeen{blocks: slices.Clone(f.blocks), shift: f.shift, n: f.n}
}

// addOwn adds key k to a copy (copied) whose blocks numbered in own are
// its own, copying the block k falls in first where it is not; it
// returns own with that block.
func (f *strSeen) addOwn(k []byte, own []int) []int {
	i, _ := f.seenBits(k)
	if b := int(i / seenBlockWords); !slices.Contains(own, b) {
		c := *f.blocks[b]
		f.blocks[b] = &c
		own = append(own, b)
	}
	f.add(k)
	return own
}

// strSeenOf returns pm's filter after this write (pm's tables are set):
// nil where the path has a table, reads more than the forward trie, has
// values other than exact ones, or too few or too many of them; the old
// one with the keys this write added (touchStr), unless rebuild (a
// delete, another kind of key, many keys) or the filter is full; else
// one built anew.
func (t *tx) strSeenOf(pm *pathMatcher, rebuild bool) *strSeen {
	vals := int(t.m.pathVals[pm.idx])
	if pm.str == nil || pm.strMore || pm.strTab != nil || pm.affixTab != nil || vals <= strExactMax || vals > strSeenMax {
		return nil
	}
	if old := pm.strSeen; old != nil && !rebuild {
		f := old // copied at pm's first touched key (a published filter never changes)
		var own []int
		for _, tc := range t.strTouch {
			if tc.pm == pm {
				if f == old {
					f = old.copied()
				}
				own = f.addOwn(stringBytes(tc.key), own)
			}
		}
		if int(f.n) <= len(f.blocks)*seenBlockWords*64/strSeenBits {
			return f
		}
	}
	f := newStrSeen(2 * vals) // room for keys added one by one (above)
	if !f.addExact(pm.str, t.keyBuf[:0]) {
		return nil
	}
	return f
}

// addExact adds the keys of the trie at n, each prefixed with key; false
// where the trie holds anything but exact values.
func (f *strSeen) addExact(n *node, key []byte) bool {
	key = append(key, n.seg...)
	if n.more != nil && (len(n.more.rng) > 0 || len(n.more.pass) > 0) {
		return false
	}
	if len(n.end) > 0 {
		f.add(key)
	}
	for i := 0; i < len(n.keys); i++ {
		if !f.addExact(n.kids[i], append(key, n.keys[i])) {
			return false
		}
	}
	return true
}

// seenSampler is a Matcher's record of what the filters did: one that
// lets nearly every value through (a rule set that names the values its
// events carry: exact-1000's streets) only costs its hash, so after a
// sample of seenSample checks of which at most seenSample/32 ruled a
// value out, the next seenSkip values are walked without asking. The
// filter asked for every value cost exact-1000 (every event's street a
// key) 1945 -> 2002 instr/event (callgrind, trusted), A/B +1.40 %,
// +2.28 %, +1.49 % (trusted), +2.05 %, +2.07 % (Match); sampled, 1964
// instr/event, A/B +0.05 %, +0.21 % (trusted), +0.11 % (Match), and the
// filter against none: mixed-10000 trusted -5.95 % (q1 -9.85, q3
// -2.18) and -8.89 % (-12.30, -4.90), Match -6.90 %; exact -5.35 %;
// $or -14.59 %, Match -6.37 %; exact-geometry-first -3.82 %;
// anything-but -0.30 % (300 or 200 rounds).
type seenSampler struct {
	checks, passes uint32 // this sample's checks, and the values let through
	skip           uint32 // checks left to skip
}

const (
	seenSample = 256
	seenSkip   = 4096
)

// use tells whether to ask the filter for this value.
func (s *seenSampler) use() bool {
	if s.skip > 0 {
		s.skip--
		return false
	}
	return true
}

// note counts a check and whether the filter let the value through.
func (s *seenSampler) note(pass bool) {
	s.checks++
	s.passes += uint32(b2i(pass))
	if s.checks == seenSample {
		if s.passes >= seenSample-seenSample/32 {
			s.skip = seenSkip
		}
		s.checks, s.passes = 0, 0
	}
}
