package automaton

// A path's suffixes hashed: derived at commit from the reversed trie's
// string branch when that branch holds only suffix marks (pass marks,
// no end or range marks), not many of them, all of one length. A value
// then fires the suffix it ends with by one strTab lookup of its last
// bytes, where walkRev stepped back through the trie a node at a time,
// with a search of each node's keys (escapes-unicode: the url's
// "lang=xx" suffixes, walkRev 192 instructions per event, the lookup
// 158; the suffix family's three-letter street suffixes, trusted 1976 ->
// 1853 per event). Of suffixes of several lengths, a lookup per length
// cost more than the walk, which leaves most values at their last byte
// or two (wildcard-stars' ".jpg" and ".gz" tails: 73 -> 121
// instructions per event): those keep the walk. For the same reason a
// value whose last byte ends no suffix (by its low six bits, lastBits)
// is not looked up (wildcard-stars' "*State*Notification" against the
// detail-types: 73 -> 97 with every value looked up). The keys are the
// suffixes as the value ends with them (not reversed), and a slot's
// "end" marks are the suffix's pass marks, fired as a strTab slot's end
// marks are fired.

// buildSufTab returns the suffix table of the reversed string branch rev
// and the length of its suffixes; nil where the walk reads the branch.
func buildSufTab(rev *node, buf []byte) (*strTab, uint8) {
	if rev == nil {
		return nil, 0
	}
	var ks []strSlot
	if !collectSuffixes(rev, buf[:0], &ks, strTabMax) || len(ks) == 0 {
		return nil, 0
	}
	n := ks[0].n
	for _, k := range ks {
		if k.n != n {
			return nil, 0
		}
	}
	if n == 0 || n > 255 {
		return nil, 0 // the empty suffix fires at every value: the walk
	}
	size := 8
	for size < 2*len(ks) {
		size *= 2
	}
	t := &strTab{slots: make([]strSlot, size), shift: uint8(64 - log2(size))}
	for _, k := range ks {
		if !t.place(k) {
			return nil, 0
		}
		t.lastBits |= 1 << (k.keyString()[n-1] & 63)
	}
	return t, uint8(n)
}

// collectSuffixes appends the suffixes marked below n (their bytes so
// far, reversed, in key) with their pass marks; false when n's branch
// has end or range marks, or more than max suffixes.
func collectSuffixes(n *node, key []byte, ks *[]strSlot, max int) bool {
	if len(n.end) > 0 || len(n.rangeMarks()) > 0 {
		return false
	}
	key = append(key, n.seg...)
	if pass := n.passMarks(); len(pass) > 0 {
		if len(*ks) >= max {
			return false
		}
		suf := make([]byte, len(key))
		for i, b := range key {
			suf[len(key)-1-i] = b
		}
		*ks = append(*ks, newSlot(string(suf), pass))
	}
	for i := 0; i < len(n.keys); i++ {
		if !collectSuffixes(n.kids[i], append(key, n.keys[i]), ks, max) {
			return false
		}
	}
	return true
}

// suffix fires the suffix of table t (of length n) that val ends with,
// if any, as walkRev from the branch t was built from fires it, with the
// marks of its slot fired as a strTab slot's (addLeaf has set the leaf
// up). Those lines repeat addLeaf's for the exact table on purpose: one
// shared, non-inlined method for both cost addLeaf a call per exact value
// found, mixed-10000 trusted +29 instr/event (callgrind, addLeaf 306 ->
// 251 + 84 in the shared method).
func (mt *Matcher) suffix(t *strTab, n int, val []byte) {
	if n > len(val) || t.lastBits>>(val[len(val)-1]&63)&1 == 0 {
		return // the last byte ends no suffix, as the walk's first step finds
	}
	s := t.find(val[len(val)-n:])
	if s == nil {
		return
	}
	if p := s.one; p >= 0 && mt.free {
		// One plain mark, stamped in line as walkRev does.
		if ps := &mt.pred[p]; ps.epoch != mt.epoch {
			mt.firstHit(ps, p)
		} else if mt.hits[ps.head].leaf != 0 {
			mt.hit(p, 0)
		}
	} else if !s.plain {
		mt.tailMemo.part = "" // a new value (see aroundTail)
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
