package automaton

import (
	"slices"
	"unicode/utf8"
	"unsafe"
)

// A path's prefixes hashed: derived at commit from the forward trie's
// string branch when that branch holds only prefix marks (pass marks,
// plain: no verification, no exclusion; no end or range marks), at a
// path whose strings are cut to a head (strcut.go), and every prefix
// is at least eight bytes long. The table is keyed by each prefix's
// first headLen bytes, headLen being the shortest prefix's length, so a
// value finds every prefix it may start with by one lookup of its first
// headLen bytes; each key found there is then compared whole. Of
// prefixes of several lengths, a lookup per length would cost more than
// the walk (suftab.go found so for suffixes); here one lookup serves
// every length, as long as no more than a few prefixes share a home
// (pfxShareMax: "Deliver to " itself beside "Deliver to Zürich" would
// put every key in one home).
//
// Where no prefix is a prefix of another, the table keeps beside it
// (esc) a table of the prefixes as they are written (escforms.go): the
// raw key where it is valid raw text, and its escaped forms. A string
// whose written text starts with one of them decodes to a value that
// starts with its key, and no other key can match that value: the
// string needs no decoding. escapes-unicode's notes ("Deliver to " and a
// city, raw or \u-escaped, then an escaped newline) were walked as far
// as their raw head, and those escaped in the city decoded and walked
// on: a branch on the string's form that came in no order, and a decode
// (callgrind trusted, instr/event: stringTrusted, walkHead, child,
// walkFrom and decodeTrusted 978 -> stringTrusted, prefixes and
// headEqual 737, the program 4458 -> 4148; paired thread CPU -27 ns an
// event of ~460, quartiles -47 and -9, 800 pairs at load 12. The table
// alone, the escaped notes still decoded, was -90 instructions and
// neutral by the clock.) A string found in neither is read as before:
// its raw head looked up, and where that does not decide, its head
// decoded and looked up.

// pfxShareMax is the most prefixes that may share a home slot. Eight,
// measured and dropped: mixed-10000's S3 key prefixes (bucket/202N/, a
// home of five per bucket) then had a table, and S3 events took more
// instructions than the walk (callgrind trusted 8105 -> 8175/event).
//
// Nor do such keys get a table hashed by each key's own length, a lookup
// per length (at most four), tried: mixed-10000's S3 keys (lengths 10,
// 12, 13 and 14) then had one, and their walk's L1 misses went (callgrind
// mixed-10000 trusted, with the short prefixes of placePrefixes in both:
// the program 80.0 -> 78.2 misses and 7791 -> 7785 instr/event), but A/B
// on-off was -0.35 / +0.43 / +0.30 % trusted, +0.79 % Match, multi-field
// +0.15 % (300 rounds): the walk's lines are L2 hits.
const pfxShareMax = 4

// buildPfxTab returns the prefix table of the forward string branch str;
// nil where the walk reads the branch.
func buildPfxTab(str *node, old *strTab) *strTab {
	if str == nil {
		return nil
	}
	var ks []strSlot
	free := true
	if !collectPrefixes(str, nil, &ks, strTabMax, false, &free) || len(ks) == 0 {
		return nil
	}
	if sameKeys(old, ks) {
		// The usual write to such a path adds a pattern with a prefix
		// it has (a rule per city, ten cities): the tables stand, and
		// the write is spared building them (an Add and a Delete of a
		// prefix the path had not: 10 -> 40 us with the build).
		return old
	}
	t := placePrefixes(ks)
	if t == nil || !free {
		return t
	}
	t.single = true
	var forms []strSlot
	var fs []string
	for _, s := range ks {
		key := s.keyString()
		if !utf8.ValidString(key) {
			return t // no form of it is valid JSON text
		}
		if textKey(key) && !needsQuote(key) {
			forms = append(forms, s)
		}
		fs = escForms(fs[:0], key)
		if len(forms)+len(fs) > escFormsMax {
			return t
		}
		for _, f := range fs {
			k := s
			k.key, k.n = unsafe.StringData(f), uint32(len(f))
			forms = append(forms, k)
		}
	}
	t.esc = placePrefixes(forms)
	if t.esc != nil {
		t.esc.single = true // forms of distinct keys decode to them
	}
	return t
}

// sameKeys tells whether table t holds exactly the keys ks, with the
// same predicates.
func sameKeys(t *strTab, ks []strSlot) bool {
	if t == nil || t.count != len(ks) || t.headLen == 0 {
		return false
	}
	for i := range ks {
		k := &ks[i]
		found := false
		for j := range t.slots {
			if s := &t.slots[j]; s.hash != 0 && s.keyString() == k.keyString() {
				found = s.one == k.one && s.plain == k.plain && slices.Equal(s.preds(), k.preds())
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// needsQuote tells whether key holds a quote or a backslash, which raw
// string text cannot.
func needsQuote(key string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] == '"' || key[i] == '\\' {
			return true
		}
	}
	return false
}

// placePrefixes returns the table of keys ks, hashed by their first
// headLen bytes; nil where a key is shorter than eight bytes or too
// many share a home.
func placePrefixes(ks []strSlot) *strTab {
	if len(ks) == 0 {
		return nil
	}
	k := int(ks[0].n)
	for _, s := range ks {
		k = min(k, int(s.n))
	}
	// Shorter prefixes are walked. A table for them too, tried (hashed
	// and compared by strWords' words, which hold a short head whole):
	// mixed-10000's and multi-field's EC2 instance-id prefixes ("i-0" to
	// "i-f", two nodes with their keys and kids apart) then had one
	// (callgrind mixed-10000 trusted: walkFrom and child 5.3 -> 4.1 L1
	// misses per event, the program 80.4 -> 79.7 and 7792 -> 7781
	// instr/event), but A/B on-off mixed-10000 trusted was -2.53, -0.50,
	// -0.56, +0.22 % and, its head compared by its words alone, +0.35,
	// +2.97, +0.05 %; Match -1.11 / -0.54 %, multi-field +1.43, +0.02, -0.21,
	// -1.72 % (300 rounds each): the walk's lines are L2 hits.
	if k < 8 || k > 255 {
		return nil
	}
	// The table is made large enough, and the bits of the hash that
	// choose a home chosen, for each home to hold the keys of one head
	// only (probe 0 where no keys share a head): the lookup is then one
	// slot, with no branch on how far it probes.
	size := 8
	for size < 2*len(ks) {
		size *= 2
	}
	hs := make([]uint64, len(ks))
	for i := range ks {
		kb := stringBytes(ks[i].keyString())
		hs[i] = strHash(kb[:k], load64(kb, 0), load64(kb, k-8))
	}
	// Tried in a scratch of home counts and taken slots, the table
	// allocated once, for the best: a write to the path rebuilds it.
	best, bestSize, bestShift := strTabProbe+1, 0, uint8(0)
	var homes []uint8
	var taken []bool
	for ; size <= 4*max(len(ks), 8) && best > 0; size *= 2 {
		homes, taken = make([]uint8, size), make([]bool, size)
		for shift := 64 - log2(size); shift >= 32 && best > 0; shift-- {
			if p := probePfx(hs, homes, taken, uint8(shift)); p < best {
				best, bestSize, bestShift = p, size, uint8(shift)
			}
		}
	}
	if bestSize == 0 {
		return nil
	}
	t := &strTab{slots: make([]strSlot, bestSize), shift: bestShift, headLen: uint8(k)}
	mask := bestSize - 1
	for n, s := range ks {
		h := hs[n]
		kb := stringBytes(s.keyString())
		s.hash, s.a, s.b = uint32(h>>32), load64(kb, 0), load64(kb, k-8)
		i := int(h>>bestShift) & mask
		p := 0
		for t.slots[(i+p)&mask].hash != 0 {
			p++
		}
		t.probe = max8(t.probe, uint8(p))
		t.slots[(i+p)&mask] = s
		t.count++
	}
	return t
}

// probePfx returns the longest probe of keys of hashes hs placed in
// order in a table of len(homes) slots whose homes are the hash's bits
// from shift, or strTabProbe+1 where a home is shared by more than
// pfxShareMax keys or a key lies further from it; homes and taken are
// its scratch.
func probePfx(hs []uint64, homes []uint8, taken []bool, shift uint8) int {
	clear(homes)
	clear(taken)
	mask, probe := len(homes)-1, 0
	for _, h := range hs {
		i := int(h>>shift) & mask
		if homes[i]++; homes[i] > pfxShareMax {
			return strTabProbe + 1
		}
		p := 0
		for taken[(i+p)&mask] {
			p++
		}
		if p > strTabProbe {
			return p
		}
		taken[(i+p)&mask] = true
		probe = max(probe, p)
	}
	return probe
}

// collectPrefixes appends the prefixes marked below n (their bytes so
// far in key) with their pass marks; false when n's branch has end or
// range marks, marks that are not plain, or more than max prefixes.
// free is cleared where a prefix is below another (above).
func collectPrefixes(n *node, key []byte, ks *[]strSlot, max int, above bool, free *bool) bool {
	if len(n.end) > 0 || len(n.rangeMarks()) > 0 {
		return false
	}
	key = append(key, n.seg...)
	if pass := n.passMarks(); len(pass) > 0 {
		if len(*ks) >= max || !plainMarks(pass) {
			return false
		}
		*ks = append(*ks, newSlot(string(key), pass))
		if above {
			*free = false
		}
		above = true
	}
	for i := 0; i < len(n.keys); i++ {
		if !collectPrefixes(n.kids[i], append(key, n.keys[i]), ks, max, above, free) {
			return false
		}
	}
	return true
}

// prefixes fires the prefixes of table t that v starts with, as walkFrom
// from the branch t was built from fires them for the free leaf, and
// tells whether it fired one. more tells that v is shorter than a prefix
// it may start with (or than the head hashed): where v is only a head
// (the raw text before a backslash), the decoded value decides those.
//
// In a table whose keys are no prefixes of each other (strTab.single: a
// path's prefixes where buildPfxTab keeps their written forms, and the
// forms' table) the first key found is the only one, and the probe stops
// there, with nothing more to decode: escapes-unicode's note, "Deliver
// to " and one of ten cities as written, raw or escaped, had its probe
// run on over the slots the other cities' forms share a home with
// (callgrind trusted, instr/event: escapes-unicode 3827 -> 3791,
// mixed-10000 7921 -> 7924; A/B on-off median, 300 rounds: escapes-
// unicode trusted -0.86 % (q1 -3.15, q3 +1.48), -1.94 % (-4.36, +0.36),
// -1.30 % (-4.58, +1.87), -1.59 % (-3.23, +0.55), Match -0.23 / -0.02
// %, multi-field -0.48 / -0.60 %, exact +1.92 / -0.03 %; mixed-10000
// +1.32 / -1.50 % (+0.49 / +1.06 at 200 rounds; quartiles +-3..6),
// cloudtrail-large +0.57 / -0.59 % (100 rounds)).
func (mt *Matcher) prefixes(t *strTab, v []byte) (found, more bool) {
	k := int(t.headLen)
	if len(v) < k {
		return false, true
	}
	x, y := load64(v, 0), load64(v, k-8) // k >= 8
	h := strHash(v[:k], x, y)
	tag := uint32(h >> 32)
	mask := uint(len(t.slots) - 1)
	i := uint(h >> (t.shift & 63)) // masked below
	for p := uint(0); ; p++ {
		s := (*strSlot)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(t.slots)), uintptr((i+p)&mask)*unsafe.Sizeof(strSlot{}))) // mask+1 slots
		if s.hash == tag && s.a == x && s.b == y {
			if n := int(s.n); n > len(v) {
				more = true
			} else if headEqual(s.keyString(), v) {
				found = true
				if p := s.one; p >= 0 {
					// stamp of one mark, in line, as walkFrom stamps it.
					if ps := &mt.pred[p]; ps.epoch != mt.epoch {
						mt.firstHit(ps, p)
					} else if mt.hits[ps.head].leaf != 0 {
						mt.hit(p, 0)
					}
				} else {
					mt.stamp(s.preds())
				}
				if t.single {
					return true, false
				}
			}
		}
		if s.hash == 0 || p >= uint(t.probe) {
			return found, more
		}
	}
}

// headEqual tells whether v starts with key, of at least eight bytes and
// no longer than v: keys of up to 32 bytes in words that may overlap.
func headEqual(key string, v []byte) bool {
	k, n := stringBytes(key), len(key)
	switch {
	case n <= 16:
		return (load64(k, 0)^load64(v, 0))|(load64(k, n-8)^load64(v, n-8)) == 0
	case n <= 32:
		return (load64(k, 0)^load64(v, 0))|(load64(k, 8)^load64(v, 8))|(load64(k, n-16)^load64(v, n-16))|(load64(k, n-8)^load64(v, n-8)) == 0
	}
	return string(v[:n]) == key
}
