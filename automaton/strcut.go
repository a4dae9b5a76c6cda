package automaton

import (
	"math/bits"
	"slices"
	"unicode/utf8"
)

// Reading only the part of a string value that a path's tries can use.
// A string with escapes is decoded before it is walked, and the walk
// reads no further than the deepest key: at a path of prefixes (a note
// that must start with "Deliver to "), the decoded text past the longest
// prefix is never read, and at a path of suffixes (a URL that must end
// in "lang=pt") nothing before the longest suffix is. So at such a path
// only the head (or the tail) is decoded, and the rest of the string is
// only passed over: validated on the validating path, skipped on the
// trusted one. A value cut to one byte more than the deepest key fires
// exactly the marks the whole value fires: every key's node is passed
// as it is by the whole value, and no key ends where the cut value ends,
// where the whole value goes on.
//
// This holds where nothing reads the value but the walk of one trie: no
// recorded leaves (anything-but and exists read them), no folded tries,
// no CIDR blocks, no infix literals, no mark that verifies the whole
// value (a wildcard's glob), and only forward (head) or only reverse
// (tail) string keys. setStringCuts decides it at commit, for paths of
// few values.

// cutVals and cutNodes bound the work setStringCuts does per path and
// write: a path with more distinct values than cutVals, or tries of more
// nodes than cutNodes, reads strings whole. (A write's cost must not grow
// with the path's size: a walk of the first 256 nodes of a path of 100 000
// exact values cost every Add there ~1.5 µs.)
const (
	cutVals  = 64
	cutNodes = 256
)

// setStringCuts derives pm.strHead and pm.strTail (see pathMatcher) from
// its tries, after commit has derived str and recordAll, and the table
// of prefixes (pfxtab.go); vals is the number of distinct values the
// path's tries hold, prev the path's affixTab before the write (kept
// where the prefixes have not changed).
func (pm *pathMatcher) setStringCuts(vals int32, prev *strTab) {
	pm.strHead, pm.strTail = 0, 0
	if vals > cutVals || pm.recordAll || pm.fold != nil || pm.revFold != nil || pm.infix != nil || pm.cidrs > 0 {
		return
	}
	switch {
	case pm.rev == nil && pm.str != nil:
		pm.strHead = cutOf(pm.str)
		if pm.strHead != 0 && pm.strTab == nil {
			pm.affixTab = buildPfxTab(pm.str, prev)
		}
	case pm.rev != nil && pm.str == nil:
		if r := pm.rev.child(tagString); r != nil {
			pm.strTail = cutOf(r)
		}
	}
}

// cutOf returns one more than the deepest byte any mark below n reads
// (the bytes a value must keep to fire what the whole value fires), or
// 0 where a mark verifies the whole value or the trie is too big to
// look at.
func cutOf(n *node) int32 {
	budget := cutNodes
	deepest, ok := keyDepth(n, 0, &budget)
	if !ok || deepest >= 1<<20 {
		return 0
	}
	return int32(deepest + 1)
}

// keyDepth returns the number of bytes a walk reads to decide the marks
// of n and below it, n being reached after d bytes.
func keyDepth(n *node, d int, budget *int) (int, bool) {
	if *budget--; *budget < 0 {
		return 0, false
	}
	d += len(n.seg)
	if !plainVerify(n.end) || !plainVerify(n.passMarks()) {
		return 0, false
	}
	deepest := d
	if rng := n.rangeMarks(); len(rng) > 0 {
		for k := range rng {
			if rng[k].m.verify != verifyNone {
				return 0, false
			}
		}
		deepest = d + 1 // a range mark reads the byte after the node
	}
	for _, k := range n.kids {
		kd, ok := keyDepth(k, d+1, budget)
		if !ok {
			return 0, false
		}
		deepest = max(deepest, kd)
	}
	return deepest, true
}

// plainVerify tells that no mark of marks reads the value beyond the walk.
func plainVerify(marks []mark) bool {
	for k := range marks {
		if marks[k].verify != verifyNone {
			return false
		}
	}
	return true
}

// tailString is stringValue on the trusted path at a path that reads
// only a string's tail (pm.strTail): it skips the string whose body
// starts at d[start] and has its first stop at d[j] (a backslash), and
// where the plain text after its last escape holds the tail, runs that
// through the path's automaton, decoding nothing; it returns the
// string's end. ok is false where the tail is not all plain text (then
// stringValue decodes the string whole).
func (mt *Matcher) tailString(d []byte, start, j int, pm *pathMatcher) (int, bool) {
	end := skipStringTrusted(d, j)
	n := int(pm.strTail)
	last := end - 1 // the closing quote
	if last-n < start || !plainTail(d, last-n, last) {
		return 0, false
	}
	mt.addLeaf(pm, tagString, d[last-n:last:last])
	return end, true
}

// decodeTrusted is decodeString for trusted input, where a control
// character is not an error, UTF-8 need not be checked and the digits of
// a \u escape are taken to be hex digits (hexValue), and for strings read
// only up to a limit: it decodes the string whose body starts at
// d[start] and has its first quote or backslash at d[j] (quoteOrBackslash
// has found it) onto dst until the closing quote, or (cut) until the
// first stop or word at which dst has at least lim bytes. It returns the
// end past the closing quote, or where it cut (never inside an escape),
// or -1 where an escape is malformed or the string does not end. The
// text before d[j] is copied by words, as far as the limit needs; each
// escape is read from one word (loadEsc), as decodeString reads it.
func decodeTrusted(dst []byte, d []byte, start, j, lim int) (out []byte, end int, cut bool) {
	w := len(dst)
	// Room as decodeString makes it.
	if cap(dst)-w < len(d)-start+16 {
		dst = slices.Grow(dst, len(d)-start+16)
	}
	buf := dst[:cap(dst)]
	// The text before the first stop, by words. Where it reaches the
	// limit, the string is cut in it: it holds no escape.
	if k := start + lim - w; k < j {
		j = k
	}
	k, o := start, w-start // d[k] goes to buf[k+o]
	for ; k+8 <= j; k += 8 {
		store64(buf, k+o, load64(d, k)) // k+8 <= j <= len(d)
	}
	if k < j {
		if k+8 <= len(d) {
			store64(buf, k+o, load64(d, k))
		} else {
			for ; k < j; k++ {
				buf[k+o] = d[k]
			}
		}
	}
	w += j - start
	if w >= lim {
		return buf[:w], j, true
	}
	for {
		// Escapes, as long as they follow each other: at a stop, that
		// is a quote or a backslash, or the end of the input.
		for {
			x := loadEsc(d, j)
			if byte(x) != '\\' {
				if byte(x) == '"' { // not past the end: loadEsc reads zeros there
					return buf[:w], j + 1, false
				}
				return nil, -1, false
			}
			if w >= lim {
				return buf[:w], j, true
			}
			var next byte // the byte after the escape
			if byte(x>>8) == 'u' && j+6 <= len(d) {
				r := hexValue(uint32(x >> 16))
				j += 6
				next = byte(x >> 48)
				if r&0xF800 == 0xD800 {
					// As decodeString: a pair is one character, a lone
					// surrogate U+FFFD.
					lo := rune(-1)
					if r < 0xDC00 && next == '\\' && j+6 <= len(d) && d[j+1] == 'u' {
						lo = hexValue(load32(d, j+2))
					}
					if lo&0xFC00 == 0xDC00 {
						r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
						j += 6
						next = byte(loadEsc(d, j))
					} else {
						r = utf8.RuneError
					}
				}
				// Encoded as decodeString encodes it, written out in
				// both: a shared utf8Word does not inline (-gcflags=-m=2:
				// cost 113) and cost escapes-unicode ~70 instr/event.
				x, n := uint32(r), 1
				if r >= 0x800 {
					x, n = utf8Wide(r)
				} else if r >= 0x80 {
					x, n = 0xC0|x>>6|(0x80|x&0x3F)<<8, 2
				}
				store32(buf, w, x)
				w += n
			} else if e := escByte[byte(x>>8)]; e != 0 { // not cut: no zero maps
				store32(buf, w, uint32(e))
				w++
				j += 2
				next = byte(x >> 16)
			} else {
				return nil, -1, false
			}
			if next != '\\' && next != '"' {
				break
			}
		}
		// The word loop reads no further than the word at which dst
		// reaches lim (a plain run decodes byte for byte).
		stop := min(len(d), j+lim-w+7)
		for j+8 <= stop {
			x := load64(d, j)
			store64(buf, w, x)
			if m := quoteStops(x); m != 0 {
				n := bits.TrailingZeros64(m) >> 3
				w += n
				j += n
				goto stopped
			}
			w += 8
			j += 8
		}
		if w >= lim {
			return buf[:w], j, true
		}
		// The last bytes of the input, one at a time (fewer than 8).
		for j < len(d) {
			c := d[j]
			if c == '"' || c == '\\' {
				goto stopped
			}
			buf[w] = c
			w++
			j++
		}
		return nil, -1, false
	stopped:
	}
}

// hexValue is hex4 for digits known to be hex digits (trusted input):
// the value alone, without the check, which costs as much again. On
// other bytes it answers some rune below 0x10000.
func hexValue(x uint32) rune {
	return hexDigits(x&0x0F0F0F0F + x>>6&0x01010101*9)
}

// plainTail tells whether d[from:last], the end of a string's body, is
// plain text, outside any escape. An escape is at most six bytes long
// (\uXXXX), so one that covers d[from] begins at most five bytes before
// it; the last backslash b before last is looked for, that far back, a
// word at a time from the end. An escape that begins before b ends at
// b at the latest (\\), and one that begins at b ends at b+5 (\uXXXX)
// or b+1; where b is the second of \\ its escape is taken to run past
// it, which only answers false more often. (The words may reach before
// the string, as may a backslash found there: that too only answers
// false more often.)
func plainTail(d []byte, from, last int) bool {
	lo := max(from-5, 0)
	k, b := last, -1
	// Words down to lo; the last may reach below it, and a backslash
	// found there (none being above it) begins an escape that ends
	// before from, which the rule below finds.
	for k > lo && k >= 8 {
		x := load64(d, k-8) ^ (ones * '\\')
		// The zero bytes of x flagged exactly (no carry between bytes).
		if m := ^((x&lows7 + lows7) | x | lows7); m != 0 {
			b = k - 8 + (63-bits.LeadingZeros64(m))>>3
			break
		}
		k -= 8
	}
	for k--; b < 0 && k >= lo; k-- { // the first bytes of the input
		if d[k] == '\\' {
			b = k
		}
	}
	if b < 0 {
		return true
	}
	if d[b+1] == 'u' {
		return b+6 <= from
	}
	return b+2 <= from
}

// walkHead is walkFrom from n for head, the raw text of a string before
// its first backslash, and so the first len(head) bytes of its decoded
// value: it fires what walkFrom fires for those bytes, and returns nil
// where the walk ended inside head (a seg differs, no key for the next
// byte): the whole value then fires nothing more, so it needs no
// decoding. Else it returns the node and offset at which walkFrom goes
// on with the decoded value, before the node's seg and marks (walkHead
// stops before any node whose marks need a byte past head). At a path
// of prefixes most values leave the trie inside their raw head (a note
// "Deliver to Αθήνα,\nring twice": no key goes past the city).
func (mt *Matcher) walkHead(n *node, head []byte) (*node, int) {
	i := 0
	for n != nil {
		seg := n.seg
		l := len(seg)
		if len(head)-i <= l {
			return n, i // the seg, or the byte after the node, lies past head
		}
		if l > 0 {
			// The seg compared as walkFrom compares it.
			if v, s := head[i:i+l], stringBytes(seg); l >= 8 && l <= 16 {
				if load64(v, 0) != load64(s, 0) || load64(v, l-8) != load64(s, l-8) {
					return nil, 0
				}
			} else if l >= 4 && l < 8 {
				if load32(v, 0) != load32(s, 0) || load32(v, l-4) != load32(s, l-4) {
					return nil, 0
				}
			} else if string(v) != seg {
				return nil, 0
			}
			i += l
		}
		more := n.more
		if more != nil && len(more.pass) > 0 {
			if pass := more.pass; len(pass) == 1 && mt.free && pass[0].verify == verifyNone && pass[0].ab == nil {
				p := pass[0].pred
				if ps := &mt.pred[p]; ps.epoch != mt.epoch {
					mt.firstHit(ps, p)
				} else if mt.hits[ps.head].leaf != 0 {
					mt.hit(p, 0)
				}
			} else {
				mt.fireAll(pass, head)
			}
		}
		b := head[i] // i < len(head): tested above
		if more != nil && len(more.rng) > 0 {
			mt.fireRanges(more.rng, b, head)
		}
		n = n.child(b)
		i++
	}
	return nil, 0
}
