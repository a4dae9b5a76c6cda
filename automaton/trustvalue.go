package automaton

import "math/bits"

// stringTrusted matches the string at d[i] (a '"') at pattern path pm
// for MatchTrusted's object loop, from its span (stringSpan: its closing
// quote and its first backslash, found at once whatever its escapes),
// and returns its end, after the closing quote; or -1 where the string
// does not end or an escape is malformed, for value to read it again and
// write the error. It does what tabString and value do there, with the
// end known before anything is looked up: a string without escapes is
// matched where it lies (looked up in the path's table of exact values,
// or walked); one with escapes is looked up as written among the table's
// written forms (escforms.go), else decoded, as far as the path's tries
// read (strcut.go), and the rest is not read again. So the usual
// international value, raw UTF-8 or \u-escaped, costs one block of the
// kernel and one lookup, with no branch on its form or per escape
// (escapes-unicode trusted 5501 -> 5359 instr/event, ~11% less time by
// the clock, alternated A/B).
func (mt *Matcher) stringTrusted(d []byte, i int, pm *pathMatcher) int {
	start := i + 1
	if t := pm.leafTab(); t != nil && t.heads.slots != nil && start+8 <= len(d) && len(mt.stack) == 0 {
		// A key as it lies, found by its first word (headtab.go): no
		// search for the end before the lookup, whose loads then wait
		// on nothing but the string's first word (escapes-unicode
		// trusted 4180 -> 3941 instr/event, stringTrusted + findIn +
		// quote kernel 845 -> 606 with the index's find; bench-like
		// paired thread CPU, fastjson interleaved, 2x600 pairs, load 6:
		// median -42 ns/event, min 388 -> 341).
		if s, n := t.heads.find(d, start); s != nil {
			if p := s.one; p >= 0 {
				if ps := &mt.pred[p]; ps.epoch != mt.epoch {
					mt.firstHit(ps, p)
				} else if mt.hits[ps.head].leaf != 0 {
					mt.hit(p, 0)
				}
			} else {
				mt.stamp(s.preds())
			}
			return start + n + 1
		}
	}
	// stringSpan's first block in line where the string starts 64 bytes
	// or more before the event's end: the usual value ends in it, and
	// this function then keeps its values across one call (the
	// kernel's), not across stringSpan's frame and call too (escapes-
	// unicode trusted stringTrusted + stringSpan 646 -> 564 instr/event;
	// thread CPU neutral). stringSpan reads any other.
	var end, j int
	if start+64 <= len(d) {
		q, b := quoteMasks(d, start)
		follows := b << 1
		seq, _ := bits.Add64(b&^evenBits&^follows, b, 0)
		q &^= (evenBits ^ seq<<1) & follows
		k := bits.TrailingZeros64(q)
		m := b & (1<<uint(k) - 1)
		end, j = start+k, start+bits.TrailingZeros64(m)
		if m == 0 {
			j = -1 // no branch on the string's form (stringSpan)
		}
		if q == 0 {
			end, j = stringSpan(d, start)
		}
	} else {
		end, j = stringSpan(d, start)
	}
	if end >= len(d) {
		return -1
	}
	val := d[start:end:end]
	if pm.strOnly == strOnlyPfx && j >= 0 && len(mt.stack) == 0 {
		// A path of prefixes with written forms and nothing else
		// (strOnly): the lookups below (the prefixes' branch of the
		// cut walk) without the tests of the tables and cuts that this
		// path has not, on the way to them. escapes-unicode's note.
		// Measured with the suffix's below: callgrind escapes-unicode
		// trusted 3912 -> 3815 instr/event (this one -45); A/B trusted,
		// 1000 rounds each: escapes-unicode -2.56 % (q1 -4.45, q3
		// -0.56), -2.41 % (-5.00, +0.01), -1.45 % (-3.98, +1.19);
		// multi-field +0.01 %, mixed-10000 +0.04 %, exact -0.10 %.
		// It is the prefixes' block of the walk of a head below, in
		// line: the two as one method called from both cost the call,
		// +39 instr/event (callgrind escapes-unicode trusted 3816 ->
		// 3855), most of what this branch saves; a change to one
		// changes both (TestStrOnlyPaths holds them to Match).
		mt.freeString(pm)
		t := pm.affixTab
		if found, _ := mt.prefixes(t.esc, val); found {
			return end + 1
		}
		if _, more := mt.prefixes(t, d[start:j:j]); !more {
			return end + 1
		}
		v0 := len(mt.valBuf)
		buf, next, _ := decodeTrusted(mt.valBuf, d, start, j, v0+int(pm.strHead))
		if next < 0 {
			return -1
		}
		mt.valBuf = buf
		mt.prefixes(t, buf[v0:len(buf):len(buf)])
		return end + 1
	}
	if t := pm.leafTab(); t != nil && len(mt.stack) == 0 {
		// The free leaf of a path of few exact values (tabString).
		// Raw text among the keys, escaped text among their written
		// forms (a form decodes to its key, a plain one): the table
		// chosen without a branch on the string's form, which comes in
		// no order a predictor learns.
		var s *strSlot
		tab, esc := t, t.esc
		if j >= 0 {
			tab = esc
		}
		if tab != nil {
			s = tab.find(val)
		}
		if s == nil && j >= 0 {
			v0 := len(mt.valBuf)
			buf, next, _ := decodeTrusted(mt.valBuf, d, start, j, len(d)+v0)
			if next < 0 {
				return -1
			}
			mt.valBuf = buf
			val = buf[v0:len(buf):len(buf)]
			s = t.find(val)
		}
		if s == nil {
			return end + 1
		}
		if p := s.one; p >= 0 {
			// stamp of one mark, in line, as tabString stamps it.
			if ps := &mt.pred[p]; ps.epoch != mt.epoch {
				mt.firstHit(ps, p)
			} else if mt.hits[ps.head].leaf != 0 {
				mt.hit(p, 0)
			}
		} else {
			mt.fireSlot(s, pm, val)
		}
		return end + 1
	}
	if pm.strOnly == strOnlySuf && len(mt.stack) == 0 {
		// A path of suffixes and nothing else (strOnly): the value, or
		// its plain tail, to suffix without addLeaf's tests of every
		// other trie and table (escapes-unicode's url: addLeaf's own
		// 77 instructions a call; with plainString's, escapes-unicode
		// trusted 3914 -> 3864 instr/event by callgrind, A/B -1.7 %,
		// -0.5 %, -1.6 %, 300-1000 rounds).
		if j >= 0 {
			n := int(pm.strTail)
			if n == 0 || end-n < start || !plainTail(d, end-n, end) {
				goto slow // decoded below
			}
			val = d[end-n : end : end]
		}
		mt.freeString(pm)
		mt.suffix(pm.affixTab, int(pm.sufLen), val)
		return end + 1
	}
slow:
	if j < 0 {
		mt.addLeaf(pm, tagString, val)
		return end + 1
	}
	// With escapes, where nothing but a trie walk reads the value: a
	// tail that is plain text is walked as it lies (tailString), a head
	// decoded only as far as the deepest key (trustedString).
	if n := int(pm.strTail); n != 0 && end-n >= start && plainTail(d, end-n, end) {
		mt.addLeaf(pm, tagString, d[end-n:end:end])
		return end + 1
	}
	v0 := len(mt.valBuf)
	lim := len(d) + v0 // more than any string here decodes to
	if pm.strHead != 0 {
		lim = v0 + int(pm.strHead)
		if pm.strTab == nil {
			// addLeaf's walk, from the raw text before the first
			// backslash (walkHead), decoding only where the walk goes
			// past it: escapes-unicode's notes written as raw UTF-8
			// leave the trie before their first escape (\n after the
			// city), and are not decoded (trusted 5320 -> 5282
			// instr/event, decodeTrusted 211 -> 150; thread CPU ~2-7%
			// less, alternated). (Match must check the rest anyway,
			// which costs as much as decoding it.)
			mt.cur, mt.curPM, mt.curKind, mt.free = -1, pm, tagString, len(mt.stack) == 0
			if t := pm.affixTab; t != nil && t.pfx == nil && mt.free {
				// The prefixes by hash (pfxtab.go): the string as
				// written among their written forms, then, where none
				// starts it, its raw head and, where that does not
				// decide, its decoded head.
				if e := t.esc; e != nil {
					if found, _ := mt.prefixes(e, d[start:end:end]); found {
						return end + 1
					}
				}
				if _, more := mt.prefixes(t, d[start:j:j]); !more {
					return end + 1
				}
				buf, next, _ := decodeTrusted(mt.valBuf, d, start, j, lim)
				if next < 0 {
					return -1
				}
				mt.valBuf = buf
				mt.prefixes(t, buf[v0:len(buf):len(buf)])
				return end + 1
			}
			n, off := mt.walkHead(pm.str, d[start:j:j])
			if n == nil {
				return end + 1
			}
			buf, next, _ := decodeTrusted(mt.valBuf, d, start, j, lim)
			if next < 0 {
				return -1
			}
			mt.valBuf = buf
			if val := buf[v0:len(buf):len(buf)]; off <= len(val) {
				mt.walkFrom(n, val[off:], val)
			}
			return end + 1
		}
	}
	buf, next, _ := decodeTrusted(mt.valBuf, d, start, j, lim)
	if next < 0 {
		return -1
	}
	mt.valBuf = buf
	mt.addLeaf(pm, tagString, buf[v0:len(buf):len(buf)])
	return end + 1
}
