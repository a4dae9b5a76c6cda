package automaton

import (
	"math/bits"
	"slices"
)

// infixes runs a string value through its path's infix trie from every
// offset where a literal may start: a wildcard without a useful head or
// tail ("*file-37*") is indexed by its longest middle part, which can
// start anywhere. The offsets are found eight at a time (infixFilter):
// a word of the value and the word a pair's distance further are
// compared with pairs of bytes of the literals (each one's first byte
// and the byte at a distance all of them span: infixPairs), so that an
// ARN's six colons do not each start a walk for ":instance/i-". A trie
// of one literal needs no walk at all: the pair is the literal's first
// and last byte, and a candidate is compared whole. Globs are verified
// around each place their literal is found (globCheck); marks that
// verify nothing fire at the first place only (infixFilter.once), and a
// leaf that has a predicate's hit verifies it no more.
func (mt *Matcher) infixes(pm *pathMatcher, val []byte) {
	f := pm.infixFirst
	n := pm.infixStr
	if f.nends > 0 && len(val) >= 8 && !f.endsFit(val) {
		return // no glob here has the value's ends (infixEnds)
	}
	if f.pairs == 0 {
		for i := f.from; i < len(val); i++ {
			if b := val[i]; f.first[b>>6]&(1<<(b&63)) != 0 {
				mt.infixWalk(n, val[i:], val)
			}
		}
		return
	}
	if f.lit == "" {
		for j := f.next(val, f.from); j >= 0; j = f.next(val, j+1) {
			mt.infixWalk(n, val[j:], val)
		}
		return
	}
	for j := f.next(val, f.from); j >= 0; j = f.next(val, j+1) {
		if mt.infixLit(n, f, val, j) {
			return
		}
	}
}

// next returns the first offset from i on where a pair of the filter
// starts in val, or -1.
func (f *infixFilter) next(val []byte, i int) int {
	d := f.dist
	if last := len(val) - d - 8; last >= 0 && i <= last+7 {
		// Eight offsets a word up to last, then the offsets left up to the
		// last with room for a pair in one word at last, overlapping the
		// one before (keep drops the offsets before i). The loop is
		// written out for one and two pairs (the usual filters), where
		// match would not inline.
		switch f.pairs {
		case 1:
			b0, b1, a := f.b0[0], f.b1[0], f.any[0]
			for ; i <= last; i += 8 {
				if m := zeroBytes(load64(val, i) ^ b0 | (load64(val, i+d)^b1)&^a); m != 0 {
					return i + bits.TrailingZeros64(m)>>3
				}
			}
			if i <= last+7 {
				keep := ^uint64(0) << (8 * uint(i-last))
				if m := zeroBytes(load64(val, last)^b0|(load64(val, last+d)^b1)&^a) & keep; m != 0 {
					return last + bits.TrailingZeros64(m)>>3
				}
			}
		case 2:
			b0, b1, a := f.b0[0], f.b1[0], f.any[0]
			c0, c1, ca := f.b0[1], f.b1[1], f.any[1]
			for ; i <= last; i += 8 {
				x, y := load64(val, i), load64(val, i+d)
				if m := zeroBytes(x^b0|(y^b1)&^a) | zeroBytes(x^c0|(y^c1)&^ca); m != 0 {
					return i + bits.TrailingZeros64(m)>>3
				}
			}
			if i <= last+7 {
				keep := ^uint64(0) << (8 * uint(i-last))
				x, y := load64(val, last), load64(val, last+d)
				if m := (zeroBytes(x^b0|(y^b1)&^a) | zeroBytes(x^c0|(y^c1)&^ca)) & keep; m != 0 {
					return last + bits.TrailingZeros64(m)>>3
				}
			}
		default:
			for ; i <= last; i += 8 {
				if m := f.match(load64(val, i), load64(val, i+d)); m != 0 {
					return i + bits.TrailingZeros64(m)>>3
				}
			}
			if i <= last+7 {
				keep := ^uint64(0) << (8 * uint(i-last))
				if m := f.match(load64(val, last), load64(val, last+d)) & keep; m != 0 {
					return last + bits.TrailingZeros64(m)>>3
				}
			}
		}
		if !f.hasAny {
			return -1 // no pair starts where its second byte is past the end
		}
		i = last + 8
	}
	// A short value, or the last byte, where a literal of one byte may
	// still start (pairs that take any second byte).
	for ; i < len(val); i++ {
		c := val[i]
		for k := 0; k < f.pairs; k++ {
			if c == byte(f.b0[k]) && (f.any[k] != 0 || i+d < len(val) && val[i+d] == byte(f.b1[k])) {
				return i
			}
		}
	}
	return -1
}

// infixLit compares the trie's one literal at offset j of val, where
// its first and last byte are (j+len(lit) <= len(val)), fires its marks
// where it is there, and tells that the trie is done with the value.
func (mt *Matcher) infixLit(n *node, f *infixFilter, val []byte, j int) bool {
	lit := f.lit
	if string(val[j:j+len(lit)]) != lit {
		return false
	}
	mt.infixOff = j
	mt.fireAll(n.more.pass, val)
	return f.once || mt.allHit(n.more.pass)
}

// allHit tells that the leaf has a hit of every mark's predicate (an
// exclusion is not tracked so): a literal found again would verify
// nothing.
func (mt *Matcher) allHit(marks []mark) bool {
	for k := range marks {
		if marks[k].ab != nil || !mt.hitByLeaf(marks[k].pred) {
			return false
		}
	}
	return true
}

// infixWalk is walkFrom for the infix trie, which holds pass marks only
// (no ends, no byte ranges, never reversed): most walks start at an
// offset whose first byte fits and end a byte or two later, so the loop
// keeps to what such a walk needs. As in walkFrom, a seg of 4 to 16
// bytes is compared as two words, one plain mark ("*file-3*") is
// stamped and a node of up to four keys stepped without a call.
func (mt *Matcher) infixWalk(n *node, val, orig []byte) {
	i := 0
	for {
		if seg := n.seg; len(seg) > 0 {
			l := len(seg)
			if len(val)-i < l {
				return
			}
			if l < 4 {
				for k := 0; k < l; k++ {
					if val[i+k] != seg[k] {
						return
					}
				}
			} else if v, s := val[i:i+l], stringBytes(seg); l < 8 {
				if load32(v, 0) != load32(s, 0) || load32(v, l-4) != load32(s, l-4) {
					return
				}
			} else if l <= 16 {
				if load64(v, 0) != load64(s, 0) || load64(v, l-8) != load64(s, l-8) {
					return
				}
			} else if string(v) != seg {
				return
			}
			i += l
		}
		if more := n.more; more != nil && len(more.pass) > 0 {
			if pass := more.pass; len(pass) == 1 && mt.free && pass[0].verify == verifyNone && pass[0].ab == nil {
				p := pass[0].pred
				if ps := &mt.pred[p]; ps.epoch != mt.epoch {
					mt.firstHit(ps, p)
				} else if mt.hits[ps.head].leaf != 0 {
					mt.hit(p, 0)
				}
			} else {
				mt.infixOff = len(orig) - len(val)
				mt.fireAll(pass, orig)
			}
		}
		if i == len(val) {
			return
		}
		b := val[i]
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
			if n = n.child(b); n == nil {
				return
			}
		}
		i++
	}
}

// maxInfixPairs bounds the pairs of bytes an infix filter compares per
// word: beyond it, a set of first bytes tested byte by byte is cheaper.
const maxInfixPairs = 4

// infixFilter finds where an infix trie's literals may start in a value:
// at offset i, byte b0 and, dist bytes further, byte b1 of one of its
// pairs (or any byte there, for a literal of one byte).
type infixFilter struct {
	pairs  int // 0: test first byte by byte
	dist   int
	b0, b1 [maxInfixPairs]uint64 // the pair's bytes, in every byte of a word
	any    [maxInfixPairs]uint64 // all ones when the second byte may be any
	hasAny bool
	// lit is the trie's one literal (the pair is its first and last
	// byte, dist its length less one), or "".
	lit string
	// once: the marks of the literal verify nothing ("*ab*"), so where
	// it is found first is all that counts; a glob is verified around
	// each place the literal is found (markCheck.part).
	once  bool
	first [4]uint64 // the set of the literals' first bytes
	// nends: every mark of the trie is a glob with a head or a tail,
	// and these are their first and last words (globCheck.ends): a value
	// of eight bytes or more whose ends fit none meets no mark, and is
	// not searched (infixEnds).
	nends int
	ends  [maxInfixEnds]globEnds
	// from is where a literal may start at the earliest: the shortest
	// head of the trie's globs ("arn:aws:*:us-east-1:*:instance/i-*"
	// is not looked for in "arn:aws:"), 0 where a mark is not a glob.
	from int
}

// globEnds is what globCheck.ends compares: a value's first and last
// word, masked.
type globEnds struct {
	headW, headMask, tailW, tailMask uint64
}

// maxInfixEnds bounds the distinct ends an infix filter compares a value
// with before its search.
const maxInfixEnds = 4

// endsFit tells whether the first and last word of val (eight bytes or
// more) fit the ends of some glob of the trie.
func (f *infixFilter) endsFit(val []byte) bool {
	x, y := load64(val, 0), load64(val, len(val)-8)
	for _, e := range f.ends[:f.nends] {
		if x&e.headMask == e.headW && y&e.tailMask == e.tailW {
			return true
		}
	}
	return false
}

// infixEnds sets the filter's ends where every mark of the infix trie
// from n is a glob with a head or a tail ("*State*n", "*State*tion":
// a detail-type that ends in neither is not searched for "State"), they
// are at most maxInfixEnds distinct, and the trie is small enough to
// look at (maxInfixVisit nodes); and from, where every mark is a glob
// with a head.
func infixEnds(n *node, f *infixFilter) {
	visits := 0
	from, ends := -1, true
	var walk func(x *node) bool
	walk = func(x *node) bool {
		if visits++; visits > maxInfixVisit {
			return false
		}
		for _, mk := range x.passMarks() {
			if mk.verify != verifyGlob {
				from, ends = 0, false
				continue
			}
			g := mk.check.glob
			if from < 0 || len(g.head) < from {
				from = len(g.head)
			}
			e := globEnds{g.headW, g.headMask, g.tailW, g.tailMask}
			switch {
			case !ends, slices.Contains(f.ends[:f.nends], e):
			case e.headMask == 0 && e.tailMask == 0, f.nends == maxInfixEnds:
				ends = false // "*ab*c*": any value may hold it
			default:
				f.ends[f.nends] = e
				f.nends++
			}
		}
		for _, k := range x.kids {
			if !walk(k) {
				return false
			}
		}
		return true
	}
	ok := walk(n)
	if !ok || !ends {
		f.nends = 0
	}
	if ok && from > 0 {
		f.from = from
	}
}

// match returns the high bit of each byte of x at which a pair starts,
// given y, the word dist bytes further: a byte of (x^b0)|(y^b1) is zero
// where both bytes of the pair are there. (Written out for one and two
// pairs, the usual filters: the loop costs as much again.)
func (f *infixFilter) match(x, y uint64) uint64 {
	switch f.pairs {
	case 1:
		return zeroBytes(x ^ f.b0[0] | (y^f.b1[0])&^f.any[0])
	case 2:
		return zeroBytes(x^f.b0[0]|(y^f.b1[0])&^f.any[0]) | zeroBytes(x^f.b0[1]|(y^f.b1[1])&^f.any[1])
	}
	var m uint64
	for k := 0; k < f.pairs; k++ {
		m |= zeroBytes(x ^ f.b0[k] | (y^f.b1[k])&^f.any[k])
	}
	return m
}

// zeroBytes returns the high bit of each zero byte of x, exactly (no
// borrow runs from one byte into the next).
func zeroBytes(x uint64) uint64 {
	return ^((x&lows7 + lows7) | x) & highs
}

// infixStart derives, at commit, where an infix trie's string literals
// start and the filter that finds the offsets where they may.
func infixStart(infix *node) (*node, *infixFilter) {
	n := infix.childOrNil(tagString)
	if n == nil {
		return nil, nil
	}
	f := &infixFilter{}
	infixEnds(n, f)
	var pairs [][2]int // second byte -1: any
	if seg := n.seg; len(seg) > 0 {
		f.first[seg[0]>>6] |= 1 << (seg[0] & 63)
		switch {
		case len(n.keys) == 0 && len(seg) > 1:
			f.lit = seg
			f.dist = len(seg) - 1
			f.once = true
			for _, mk := range n.passMarks() {
				f.once = f.once && mk.verify == verifyNone
			}
			pairs = append(pairs, [2]int{int(seg[0]), int(seg[len(seg)-1])})
		case len(seg) > 1:
			pairs = append(pairs, [2]int{int(seg[0]), int(seg[1])})
		case len(n.passMarks()) > 0 || len(n.keys) > maxInfixPairs:
			pairs = append(pairs, [2]int{int(seg[0]), -1})
		default:
			for k := 0; k < len(n.keys); k++ {
				pairs = append(pairs, [2]int{int(seg[0]), int(n.keys[k])})
			}
		}
	} else {
		for i := 0; i < len(n.keys); i++ {
			c := n.keys[i]
			f.first[c>>6] |= 1 << (c & 63)
			kid := n.kids[i]
			switch {
			case len(kid.seg) > 0:
				pairs = append(pairs, [2]int{int(c), int(kid.seg[0])})
			case len(kid.passMarks()) > 0 || len(kid.keys) > maxInfixPairs:
				pairs = append(pairs, [2]int{int(c), -1})
			default:
				for k := 0; k < len(kid.keys); k++ {
					pairs = append(pairs, [2]int{int(c), int(kid.keys[k])})
				}
			}
		}
	}
	if f.lit == "" {
		// Bytes further apart than a literal's first two: after a
		// separator the next byte is often the same letter in many
		// places (":aws", ":ap-southeast-2:"), a byte further on less
		// so. The farthest distance that every literal spans with few
		// pairs wins.
		for d := maxInfixDist; d >= 2; d-- {
			if ps, ok := infixPairs(n, d); ok {
				pairs, f.dist = ps, d
				break
			}
		}
	}
	if len(pairs) > maxInfixPairs {
		f.lit = ""
		return n, f // pairs 0: the byte set
	}
	if f.dist == 0 {
		f.dist = 1
	}
	f.pairs = len(pairs)
	for k, p := range pairs {
		f.b0[k] = ones * uint64(p[0])
		if p[1] < 0 {
			f.any[k], f.hasAny = ^uint64(0), true
		} else {
			f.b1[k] = ones * uint64(p[1])
		}
	}
	return n, f
}

// maxInfixDist bounds the distance of an infix filter's pairs, and
// maxInfixVisit the trie nodes infixPairs looks at to find them.
const (
	maxInfixDist  = 8
	maxInfixVisit = 64
)

// infixPairs returns the pairs of bytes at offsets 0 and d of every
// literal of the infix trie from n (the node after the string tag), or
// false where a literal is d bytes or shorter, where they are more than
// maxInfixPairs, or where finding them would look at many nodes.
func infixPairs(n *node, d int) ([][2]int, bool) {
	var pairs [][2]int
	visits := 0
	var walk func(x *node, buf []byte) bool
	walk = func(x *node, buf []byte) bool {
		if visits++; visits > maxInfixVisit {
			return false
		}
		buf = append(buf, x.seg...)
		if len(buf) > d {
			p := [2]int{int(buf[0]), int(buf[d])}
			if !slices.Contains(pairs, p) {
				if len(pairs) == maxInfixPairs {
					return false
				}
				pairs = append(pairs, p)
			}
			return true
		}
		if len(x.passMarks()) > 0 || len(x.end) > 0 || len(x.keys) == 0 {
			return false // a literal of d bytes or fewer ends here
		}
		for i := 0; i < len(x.keys); i++ {
			if !walk(x.kids[i], append(buf, x.keys[i])) {
				return false
			}
		}
		return true
	}
	if !walk(n, make([]byte, 0, 2*maxInfixDist)) || len(pairs) == 0 {
		return nil, false
	}
	return pairs, true
}
