package automaton

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
)

// globAlts is a group of globs of one trie position that are the same
// glob but for one middle part, the alternatives: "arn:aws:*:us-east-1:*:
// instance/i-*" and its sister regions all find ":instance/i-", and then
// each looked for its own region, all but one in vain. The group is
// verified as one (found): the parts the members share once, and the
// alternatives in one pass over the value (altFilter), each candidate
// place compared with all of them as words. fireAll verifies the group
// at its lead member and passes over the others (globCheck.lead).
//
// A member keeps its whole glob in its globCheck: where fireAll hands a
// mark to fire (a leaf that is recorded, an exclusion), it is verified
// alone, as before.
type globAlts struct {
	after bool // the alternatives are in the members' after parts
	// pre and rest are the parts of that side before and after the
	// alternatives, other those of the other side: all members'.
	pre, rest, other []string
	// longEnds: a head or tail longer than eight bytes.
	longEnds bool
	parts    []string
	lens     []int   // len(parts[k])
	preds    []int32 // member k's predicate; its alternative is parts[k]
	// w0 is each alternative's first eight bytes as a word (fewer
	// where it is shorter, m0 masking them), w1 its last eight: they
	// decide most compares.
	w0, m0, w1 []uint64
	all        uint64 // a bit per alternative
	// filter finds where an alternative may start: the pairs of bytes
	// of the infix filter (infix.go), or with pairs 0 the first bytes.
	filter infixFilter
}

// maxGlobAlts bounds a group's alternatives (one bit each), and
// maxGlobGroup the marks of a trie position whose globs are grouped at
// all: grouping looks at each of them at every write there, and a
// longer list has no group (groupGlobs), so that a write to it costs
// nothing more.
const (
	maxGlobAlts  = 64
	maxGlobGroup = 256
)

// fireGroup verifies the group of lead member g for value s and hits
// the predicates of the members that match (fireAll, for the free leaf,
// where g's ends hold: the members share them).
func (mt *Matcher) fireGroup(g *globCheck, s []byte) {
	at := g.keyAt(len(s), mt.infixOff)
	a := g.alts
	for found := a.found(s, at, g); found != 0; found &= found - 1 {
		mt.hit(a.preds[bits.TrailingZeros64(found)], 0)
	}
}

// found returns a bit per alternative of the group whose member matches
// value s with the key at offset at, where the ends' first and last
// eight bytes hold (fireAll compared them, globCheck.ends): the key's
// room, the rest of the ends and the other side's parts, which the
// members share (c is any of them), then the alternatives.
func (a *globAlts) found(s []byte, at int, c *globCheck) uint64 {
	lo, hi := len(c.head), len(s)-len(c.tail)
	if at < lo || at+c.keyLen > hi {
		return 0
	}
	if len(s) < 8 || a.longEnds {
		if len(s) >= 8 {
			if len(c.head) > 8 && string(s[8:lo]) != c.head[8:] ||
				len(c.tail) > 8 && string(s[hi:len(s)-8]) != c.tail[:len(c.tail)-8] {
				return 0
			}
		} else if string(s[:lo]) != c.head || string(s[hi:]) != c.tail {
			return 0
		}
	}
	var r []byte
	if a.after {
		if len(a.other) > 0 && !inOrder(a.other, s[lo:at]) {
			return 0
		}
		r = s[at+c.keyLen : hi]
	} else {
		if len(a.other) > 0 && !inOrder(a.other, s[at+c.keyLen:hi]) {
			return 0
		}
		r = s[lo:at]
	}
	// The parts before the alternatives, each at its leftmost place.
	for _, p := range a.pre {
		i := bytes.Index(r, stringBytes(p))
		if i < 0 {
			return 0
		}
		r = r[i+len(p):]
	}
	var seen, found uint64
	f := &a.filter
	if d := f.dist; f.pairs == 1 && len(r) >= d+8 {
		// The offsets where the pair starts, eight a word up to last,
		// then those left in one word at last (it starts at last+7 at
		// the latest), as infixFilter.next finds them but in one pass.
		b0, b1 := f.b0[0], f.b1[0]
		last := len(r) - d - 8
		for i := 0; i < last+8; i += 8 {
			keep := ^uint64(0)
			if i > last {
				keep <<= 8 * uint(i-last)
				i = last
			}
			for m := zeroBytes(load64(r, i)^b0|load64(r, i+d)^b1) & keep; m != 0; m &= m - 1 {
				j := i + bits.TrailingZeros64(m)>>3
				if h := a.at(r, j) &^ seen; h != 0 {
					seen |= h
					found |= a.fit(h, r, j)
					if seen == a.all {
						return found
					}
				}
			}
		}
		return found
	}
	for j := 0; j < len(r); j++ {
		if b := r[j]; f.first[b>>6]&(1<<(b&63)) != 0 {
			if h := a.at(r, j) &^ seen; h != 0 {
				seen |= h
				found |= a.fit(h, r, j)
				if seen == a.all {
					return found
				}
			}
		}
	}
	return found
}

// at returns the alternatives r holds at offset j.
func (a *globAlts) at(r []byte, j int) uint64 {
	var h uint64
	if len(r)-j >= 8 {
		x := load64(r, j)
		for k, w := range a.w0 {
			if x&a.m0[k] == w {
				if n := a.lens[k]; n <= 8 || len(r)-j >= n && a.tailAt(k, r, j, n) {
					h |= 1 << k
				}
			}
		}
		return h
	}
	for k, p := range a.parts {
		if len(r)-j >= len(p) && string(r[j:j+len(p)]) == p {
			h |= 1 << k
		}
	}
	return h
}

// tailAt tells whether alternative k, of n > 8 bytes whose first eight r
// holds at offset j, has the rest there too (r holds n bytes from j).
func (a *globAlts) tailAt(k int, r []byte, j, n int) bool {
	if n <= 16 {
		return load64(r, j+n-8) == a.w1[k]
	}
	return string(r[j+8:j+n]) == a.parts[k][8:]
}

// fit returns the alternatives of h, found first at offset j of r, after
// which the parts after them fit in order. The leftmost place decides:
// the parts fit after a later place only if they fit here.
func (a *globAlts) fit(h uint64, r []byte, j int) uint64 {
	if len(a.rest) == 0 {
		return h
	}
	var found uint64
	for m := h; m != 0; m &= m - 1 {
		k := bits.TrailingZeros64(m)
		if inOrder(a.rest, r[j+a.lens[k]:]) {
			found |= 1 << k
		}
	}
	return found
}

// altFilter derives the filter of a group's alternatives (all one byte
// or longer): the infix filter's pairs, a first byte and the byte at the
// farthest distance (at most maxInfixDist) all of them span, with at
// most maxInfixPairs pairs; else the set of first bytes.
func altFilter(parts []string) infixFilter {
	var f infixFilter
	short := len(parts[0])
	for _, p := range parts {
		short = min(short, len(p))
		f.first[p[0]>>6] |= 1 << (p[0] & 63)
	}
	for d := min(short-1, maxInfixDist); d >= 1; d-- {
		var pairs [][2]byte
		for _, p := range parts {
			if pr := [2]byte{p[0], p[d]}; !slices.Contains(pairs, pr) {
				pairs = append(pairs, pr)
			}
		}
		if len(pairs) > maxInfixPairs {
			continue
		}
		f.pairs, f.dist = len(pairs), d
		for k, pr := range pairs {
			f.b0[k], f.b1[k] = ones*uint64(pr[0]), ones*uint64(pr[1])
		}
		break
	}
	return f
}

// groupGlobs returns the marks of one trie position with its globs
// grouped anew (globAlts), after a write there: a mark in a group gets a
// check of its own (the list's old checks are the published snapshot's).
// Globs group where they share the kind, the key, head, tail and every
// middle part but one; the largest groups are made first. A list of more
// than maxGlobGroup marks has no group: its groups go where it grows
// past the bound (insert calls this then), so a longer list has none to
// look for, and a write to it costs nothing more.
func groupGlobs(list []mark) []mark {
	if len(list) > maxGlobGroup+1 {
		return list
	}
	var cand []int
	grouped := false
	for i := range list {
		mk := &list[i]
		if mk.verify != verifyGlob {
			continue
		}
		g := mk.check.glob
		grouped = grouped || g.alts != nil
		if mk.ab == nil && len(g.before)+len(g.after) > 0 {
			cand = append(cand, i)
		}
	}
	if len(list) > maxGlobGroup {
		cand = nil // too many to look at on every write: none grouped
	}
	if len(cand) < 2 && !grouped {
		return list
	}
	// Candidate groups: the marks of each signature, a glob with one
	// middle part left out.
	type sig struct {
		v       int // the middle part left out
		members []int
	}
	sigs := map[string]*sig{}
	var order []*sig
	for _, i := range cand {
		g := list[i].check.glob
		for v := 0; v < len(g.before)+len(g.after); v++ {
			if altPart(g, v) == "" {
				continue
			}
			key := altSig(g, v)
			s := sigs[key]
			if s == nil {
				s = &sig{v: v}
				sigs[key] = s
				order = append(order, s)
			}
			s.members = append(s.members, i)
		}
	}
	slices.SortStableFunc(order, func(x, y *sig) int { return len(y.members) - len(x.members) })
	out := slices.Clone(list)
	taken := map[int]bool{}
	for _, s := range order {
		var members []int
		for _, i := range s.members {
			if !taken[i] {
				members = append(members, i)
			}
		}
		for len(members) >= 2 {
			n := min(len(members), maxGlobAlts)
			newGroup(out, members[:n], s.v)
			for _, i := range members[:n] {
				taken[i] = true
			}
			members = members[n:]
		}
	}
	// Globs in no group lose the one they had.
	for i := range out {
		if mk := &out[i]; mk.verify == verifyGlob && !taken[i] && mk.check.glob.alts != nil {
			g := *mk.check.glob
			g.alts, g.lead = nil, false
			mc := *mk.check
			mc.glob = &g
			mk.check = &mc
		}
	}
	return out
}

// newGroup makes the marks at members of list (globs alike but for
// middle part v) a group, each with a check of its own, the first its
// lead.
func newGroup(list []mark, members []int, v int) {
	a := &globAlts{}
	for k, i := range members {
		mk := &list[i]
		g := *mk.check.glob
		if k == 0 {
			a.after = v >= len(g.before)
			if a.after {
				w := v - len(g.before)
				a.pre, a.rest, a.other = g.after[:w], g.after[w+1:], g.before
			} else {
				a.pre, a.rest, a.other = g.before[:v], g.before[v+1:], g.after
			}
			a.longEnds = len(g.head) > 8 || len(g.tail) > 8
		}
		p := altPart(&g, v)
		a.parts = append(a.parts, p)
		a.preds = append(a.preds, mk.pred)
		var w, m uint64
		for b := 0; b < len(p) && b < 8; b++ {
			w |= uint64(p[b]) << (8 * b)
			m |= 0xff << (8 * b)
		}
		var w1 uint64
		if len(p) >= 8 {
			w1 = load64(stringBytes(p), len(p)-8)
		}
		a.w0, a.m0, a.w1 = append(a.w0, w), append(a.m0, m), append(a.w1, w1)
		a.lens = append(a.lens, len(p))
		a.all |= 1 << k
		g.alts, g.lead = a, k == 0
		mc := *mk.check
		mc.glob = &g
		mk.check = &mc
	}
	a.filter = altFilter(a.parts)
}

// altPart is middle part v of a glob check, counting before then after.
func altPart(g *globCheck, v int) string {
	if v < len(g.before) {
		return g.before[v]
	}
	return g.after[v-len(g.before)]
}

// altSig is what globs of a group share: the glob check but middle part
// v, and v itself.
func altSig(g *globCheck, v int) string {
	b := binary.AppendUvarint(nil, uint64(g.part))
	b = binary.AppendUvarint(b, uint64(g.keyLen))
	add := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	add(g.head)
	add(g.tail)
	b = binary.AppendUvarint(b, uint64(len(g.before)))
	b = binary.AppendUvarint(b, uint64(len(g.after)))
	for w := 0; w < len(g.before)+len(g.after); w++ {
		if w != v {
			add(altPart(g, w))
		}
	}
	return string(binary.AppendUvarint(b, uint64(v)))
}
