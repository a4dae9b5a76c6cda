package automaton

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"unicode/utf8"
	"unsafe"

	"github.com/patternc/patternc/compiler/source"
)

// The event scanner reads JSON once, left to right, building nothing: it
// keeps the dotted path of the current member, descends only into members
// that lead to a pattern path, decodes only the values at pattern paths,
// and skips (while still validating) everything else. fastjson is the
// reference it is tested against.

// SyntaxError reports malformed event JSON with the byte offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("automaton: event is not valid JSON at byte %d: %s", e.Offset, e.Msg)
}

// NotObjectError reports an event that is valid JSON but not an object
// ([1,2], "text", 42): a different fault from malformed JSON, and said so.
type NotObjectError struct {
	Kind string // "an array", "a string", "a number", "a boolean", "null"
}

func (e *NotObjectError) Error() string {
	return "automaton: the event is " + e.Kind + ", not a JSON object"
}

// scan reads the input's object, on the path the Matcher is on. (Written
// out in run in place of this call, it took a few instructions an input
// less — callgrind steady state, trusted multi-field 3818 -> 3816,
// mixed-10000 6950 -> 6936, Match multi-field 4114 -> 4099 — and read
// neutral by the clock, so it stays a function of its own.)
func (mt *Matcher) scan(d []byte) error {
	i := skipWS(d, 0)
	if i >= len(d) || d[i] != '{' {
		return notObject(d, i)
	}
	root := mt.sub.root
	if root == nil {
		root = noScope
	}
	if mt.memo == nil {
		// Made here, where both paths' object readers start (validObject
		// guesses names as object does), and only for a Matcher that
		// reads an object: it is 29 KB.
		mt.memo = newMemo(mt)
	}
	var err error
	if !mt.trusted {
		i, err = mt.validObject(d, i, 1, root)
	} else {
		var open int
		i, open, err = mt.object(d, i, 1, mt.sub.rootNeed, root)
		if open > 0 && err == nil {
			return nil // MatchTrusted stopped early: the rest is not read
		}
	}
	if err != nil {
		return err
	}
	if i = skipWS(d, i); i != len(d) {
		return &SyntaxError{i, "unexpected data after the end of the event"}
	}
	return nil
}

// notObject explains an event that does not start with '{': valid JSON of
// another kind, or not JSON at all. Only this error path pays for the
// validation.
func notObject(d []byte, i int) error {
	if i < len(d) && json.Valid(d) {
		kind := "a number"
		switch d[i] {
		case '[':
			kind = "an array"
		case '"':
			kind = "a string"
		case 't', 'f':
			kind = "a boolean"
		case 'n':
			kind = "null"
		}
		return &NotObjectError{Kind: kind}
	}
	if i >= len(d) {
		return &SyntaxError{i, "the event is empty; an event must be a JSON object"}
	}
	return &SyntaxError{i, "an event must be a JSON object"}
}

// skipWS returns the index of the first byte at or after d[i] that is
// not white space. (The unsigned compares let the compiler drop the
// bounds checks; i is never negative.)
//
// Measured and lost (icode, the hot code's size): the loop out of line,
// in a noinline function after the first test, to take its copies out of
// object's and array's hot lines: object grew 2630 -> 2730 bytes (the
// reloads after each call: Go saves no register across one), mixed-10000
// trusted 7794 -> 7783 instr/event, callgrind I1 model misses per event
// 47.3 / 43.7 / 44.0 / 45.0 -> 55.1 / 57.2 / 54.9 / 43.2 (default layout,
// -randlayout 1-3).
func skipWS(d []byte, i int) int {
	if uint(i) < uint(len(d)) && d[i] > ' ' {
		return i
	}
	for uint(i) < uint(len(d)) {
		switch d[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// validObject is object for Match, which reads every byte: without
// MatchTrusted's count of the names it needs, its skipper or objects
// left open, it is a smaller function, with fewer values to keep in
// registers across the member loop. The grammar steps the two share (the
// colon, the separator, tabString's dispatch) are written out in both:
// a helper per member is a call per member, and the differential and
// trusted fuzz tests hold the two loops to the same answers.
func (mt *Matcher) validObject(d []byte, i, depth int, sc *scope) (int, error) {
	if depth > mt.m.cfg.MaxDepth {
		return i, &SyntaxError{i, fmt.Sprintf("nesting deeper than the limit of %d levels", mt.m.cfg.MaxDepth)}
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, nil
	}
	// A name is read by words while a whole word fits in the input, and
	// looked up by the words read: one shorter than 16 bytes (most) here,
	// a longer one by readLong. memberName, the byte-wise definition,
	// reads the others, and every name with an escape, a control
	// character, a dot or a byte over 0x7F, and so reports every error in
	// a name, finds every dotted name by its full path and checks
	// non-ASCII names are UTF-8. (Tests set byteNames to hold the two to
	// each other.)
	wordEnd, memoEnd := len(d)-8, len(d)-16
	if mt.byteNames {
		wordEnd, memoEnd = -1, -9
	}
	mm, prev := mt.memo, memoStart(sc)
	for {
		if i >= len(d) || d[i] != '"' {
			return i, &SyntaxError{i, "expected a double-quoted member name"}
		}
	member: // at a '"'
		var e *pathEntry
		j := -1
		// The name that came after the last one last time (nameMemo,
		// shared with MatchTrusted, as passMembers guesses it), tried
		// first: its bytes and closing quote equal those of a name read
		// by words before (no escape, control character, dot or byte over
		// 0x7F), so the guess checks them too, and takes no search for
		// the end, length filter or lookup. (Callgrind, Match, instr/event:
		// escapes-unicode 6299 -> 5760, mixed-10000 12645 -> 12112,
		// multi-field 5177 -> 4368, cloudtrail-large 36888 -> 32214.)
		if start := i + 1; start <= memoEnd {
			g := mm.nodes[prev].next
			nd := &mm.nodes[g]
			if (load64(d, start)&nd.m0^nd.w0)|(load64(d, start+8)&nd.m1^nd.w1) == 0 && nd.sc == sc { // start+16 <= len(d)
				e, j, prev = nd.e, start+int(nd.n)-1, g
				// The usual member nobody matches: a plain ASCII string,
				// a number (numberWords) or a compact container
				// (skipCompact) right after the ':', passed here, and on
				// to the next name where ',"' follows, as passMembers
				// passes it. Anything else goes the long way below, which
				// reads it again. (Numbers: callgrind Match automaton
				// instr/event cloudtrail-large 31663 -> 31053, mixed-10000
				// 11351 -> 11272; containers and the object's last member:
				// 31053 -> 30871, 11272 -> 11200, escapes-unicode 5618 ->
				// 5520, complex-arrays 4662 -> 4549.)
				if k := j + 1; k+2 <= memoEnd { // k+16 <= len(d)
					w := load16(d, k)
					if e != nil {
						// A guessed name somebody matches, its ':' and
						// its value's first byte right after it (the
						// usual layout), goes to its value without the
						// tests below of a name read the long way.
						// (Callgrind, Match instr/event: mixed-10000
						// validObject 2513 -> 2451, escapes-unicode
						// 5266 -> 5208, multi-field 4367 -> 4278.)
						if byte(w) == ':' && byte(w>>8) > ' ' {
							i = k + 1
							goto entry
						}
					} else if w == ':'|'"'<<8 {
						// '","' after the string as one compare of a word
						// (callgrind Match validObject instr/event:
						// cloudtrail-large 9028 -> 8910, mixed-10000
						// 2451 -> 2424, escapes-unicode 1793 -> 1759).
						if q := asciiRunEndMem(d, k+2); q+4 <= len(d) && load32(d, q)&0xFFFFFF == '"'|','<<8|'"'<<16 {
							i = q + 2
							goto member
						} else if uint(q) < uint(len(d)) && d[q] == '"' {
							i = q + 1
							goto after
						}
					} else if c := byte(w >> 8); byte(w) == ':' && (c-'0' < 10 || c == '-') {
						if q, _ := numberWords(d, k+1); q >= 0 {
							i = q
							goto after
						}
					} else if byte(w) == ':' && c|0x20 == '{' && depth < 1000 { // '{', or '['
						// (Measured and lost: an array of one plain
						// ASCII string, "resources":["arn:..."], passed
						// here as passMembers passes it, not by the
						// kernel: callgrind mixed-10000 Match kernel
						// 1399 -> 1340 instr/event but validObject +55,
						// automaton 9343 -> 9341; paired thread CPU +6
						// ns/event, 800 pairs, load 14.)
						q := k + 3 // past an empty one ("resources":[]), as below
						if d[k+2] != c+2 {
							q = skipCompact(d, k+1, depth)
						}
						if q >= 0 {
							i = q
							goto after
						}
					}
				}
				goto named
			}
			if g := guessAgain(mm, prev, sc, d, start); g != memoSink {
				e, j, prev = mm.nodes[g].e, start+int(mm.nodes[g].n)-1, g
				goto named
			}
		}
		// The names read by words hold no dot ({"a.b":1} is
		// {"a":{"b":1}}) and are ASCII: wordNameStops stops at a dot or
		// a byte over 0x7F too, as in object. The words are loaded again
		// where a name is looked up, so that none is kept across the test
		// that finds its end.
		if start := i + 1; start <= wordEnd {
			if m := wordNameStops(load64(d, start)); m != 0 { // start+8 <= len(d)
				n := bits.TrailingZeros64(m) >> 3
				if j = start + n; byte(load64(d, start)>>(8*n)) != '"' { // d[j], from the word: no bound test
					j = -1
				} else {
					w0 := load64(d, start) & (1<<(8*n) - 1)
					if sc.has(n) {
						e = sc.find(w0, 0, n)
					}
					if start <= memoEnd {
						prev = mm.learn(prev, sc, e, w0, 0, n)
					} else {
						prev = memoSink // near the end: no guess
					}
				}
			} else if start+16 <= len(d) {
				if m := wordNameStops(load64(d, start+8)); m != 0 { // start+16 <= len(d)
					n := bits.TrailingZeros64(m) >> 3
					if j = start + 8 + n; byte(load64(d, start+8)>>(8*n)) != '"' {
						j = -1
					} else {
						w1 := load64(d, start+8) & (1<<(8*n) - 1)
						if sc.has(8 + n) {
							e = sc.find(load64(d, start), w1, 8+n)
						}
						if start <= memoEnd {
							prev = mm.learn(prev, sc, e, load64(d, start), w1, 8+n)
						} else {
							prev = memoSink
						}
					}
				} else {
					e, j = sc.readLong(d, start, load64(d, start), load64(d, start+8))
					prev = learnLong(mm, prev, sc, d, start, j, e)
				}
			}
		}
		if j < 0 {
			prev = memoSink
		}
	named:
		if j >= 0 {
			i = j + 1
		} else {
			var err error
			if e, i, err = mt.memberAt(d, i, sc); err != nil {
				return i, err
			}
		}
		if uint(i) < uint(len(d)) && d[i] == ':' {
			i++
		} else {
			if i = skipWS(d, i); i >= len(d) || d[i] != ':' {
				return i, &SyntaxError{i, "expected ':' after a member name"}
			}
			i++
		}
		i = skipWS(d, i)
		if e != nil {
			goto entry
		}
		switch {
		case uint(i) < uint(len(d)) && d[i] == '"':
			// A plain ASCII string, the usual value of a member nobody
			// matches, is skipped here by words, as stringStop would;
			// skipString reads the rest of any other, and checks
			// non-ASCII text is UTF-8.
			j := asciiRunEndMem(d, i+1)
			if uint(j) < uint(len(d)) && d[j] == '"' {
				i = j + 1
			} else {
				var err error
				if i, err = skipString(d, i); err != nil {
					return i, err
				}
			}
		case uint(i) < uint(len(d)) && (d[i] == '{' || d[i] == '['):
			// skipValue's cases written out for the usual values of
			// members nobody names: a call less each; and the empty
			// container ("resources":[]) as skipContainer reads it
			// (its depth limit included), without its call.
			if i+1 < len(d) && d[i+1] == d[i]+2 && depth < 1000 { // '['+2 is ']', '{'+2 is '}'
				i += 2
				break
			}
			var err error
			if i, err = skipContainer(d, i, depth); err != nil {
				return i, err
			}
		case uint(i) < uint(len(d)) && (d[i] == '-' || d[i]-'0' < 10):
			if end, _ := numberWords(d, i); end >= 0 {
				i = end
			} else if end, _ := numberTail(d, i); end >= 0 {
				i = end // the last member of many an event
			} else {
				var err error
				if i, err = scanNumber(d, i); err != nil {
					return i, err
				}
			}
		default:
			var err error
			if i, err = skipValue(d, i, depth); err != nil {
				return i, err
			}
		}
		goto after
	entry: // the value of a member somebody matches, at d[i]
		{
			if pm := e.pm; pm != nil && pm.leafSlots != nil {
				// The usual leaf of the usual rule (source, detail-type,
				// a state): a plain string at a path of exact values,
				// looked up where it lies, without value's dispatch.
				if k := mt.tabString(d, i, pm); k >= 0 {
					i = k
					goto after
				}
			} else if pm != nil && uint(i) < uint(len(d)) && d[i] == '"' {
				// Any other string at a pattern path (an address, a
				// prefix's text) is read as value reads it, without
				// value's call and dispatch: its ASCII run by words, the
				// rest (from a stop other than its quote, or the last
				// bytes, which asciiRunEndMem leaves) by textStop, which
				// value would have read it all with (callgrind Match,
				// validObject + value + textStop instr/event: small
				// CloudTrail events of mixed-10000 2328 -> 2118,
				// escapes-unicode 2088 -> 2068).
				j, ok := asciiRunEndMem(d, i+1), true
				if uint(j) >= uint(len(d)) || d[j] != '"' {
					j, ok = textStop(d, j)
				}
				if ok && uint(j) < uint(len(d)) && d[j] == '"' {
					mt.addLeaf(pm, tagString, d[i+1:j])
					i = j + 1
					goto after
				}
				var err error
				if i, _, err = mt.stringValue(d, i, j, ok, pm); err != nil {
					return i, err
				}
				goto after
			}
			var err error
			if e.sc != nil && i < len(d) && d[i] == '{' {
				// An object on the way to pattern paths, without
				// value's dispatch.
				i, err = mt.validObject(d, i, depth+1, e.sc)
			} else {
				i, _, err = mt.value(d, i, depth, e.pm, e.sc, 0)
			}
			if err != nil {
				return i, err
			}
		}
		// The usual ',"' after a value is read as one word.
	after:
		if i+2 <= len(d) && load16(d, i) == ','|'"'<<8 { // i+2 <= len(d)
			i++
			goto member
		}
		i = skipWS(d, i)
		if i >= len(d) {
			return i, &SyntaxError{i, "unexpected end of input in an object"}
		}
		switch d[i] {
		case ',':
			i = skipWS(d, i+1)
		case '}':
			return i + 1, nil
		default:
			return i, &SyntaxError{i, "expected ',' or '}' in an object"}
		}
	}
}

// guessAgain is validObject's second guess at the name whose body starts
// at d[start] (start+16 <= len(d)) after node prev, where the name that
// followed prev last time was not it: passMembers' guesses after its
// first, written apart so that only a failed first guess calls them.
// At an object's start, the names that began its scope's objects lately;
// else the name that followed prev before (nameNode.alt); a long name
// (nameMemo.long) by its kept tail. It returns the name's node, or
// memoSink for none. (Without them, mixed-10000 Match learned 2.8 names
// an event again, each a call of about 50 instructions.) Measured and
// lost: the long name's guess (its words and kept tail) in validObject's
// line before this call, where most calls are for one (a large
// CloudTrail event has ~7): callgrind mixed-10000 Match guessAgain 190
// -> 126 instr/event but validObject +124 (automaton 9343 -> 9401);
// paired thread CPU -16 ns/event, q1/q3 -134/+82, 800 pairs, load 16.
func guessAgain(mm *nameMemo, prev uint8, sc *scope, d []byte, start int) uint8 {
	x, y := load64(d, start), load64(d, start+8) // start+16 <= len(d)
	if prev < memoNames {
		for _, f := range mm.nodes[prev].firsts {
			if nd := &mm.nodes[f]; (x&nd.m0^nd.w0)|(y&nd.m1^nd.w1) == 0 && nd.sc == sc {
				mm.nodes[prev].next = f
				return f
			}
		}
		return memoSink
	}
	g := mm.nodes[prev].next
	if nd := &mm.nodes[g]; nd.w0 == x && nd.w1 == y && nd.n > 16 && nd.sc == sc && start+32 <= len(d) {
		if t := &mm.tails[g]; (load64(d, start+16)&t.m2^t.w2)|(load64(d, start+24)&t.m3^t.w3) == 0 { // start+32 <= len(d)
			return g
		}
	}
	if a := mm.nodes[prev].alt; a != memoSink {
		if nd := &mm.nodes[a]; (x&nd.m0^nd.w0)|(y&nd.m1^nd.w1) == 0 && nd.sc == sc {
			mm.nodes[prev].next, mm.nodes[prev].alt = a, g
			return a
		}
	}
	return memoSink
}

// learnLong gives the name of 16 bytes or more whose body is
// d[start:j], read by words (readLong; j is -1 where it was not), its
// node after prev, as passMembers and slowName do, so that the name
// after it, and it, are guessed; it returns the node to go on from.
func learnLong(mm *nameMemo, prev uint8, sc *scope, d []byte, start, j int, e *pathEntry) uint8 {
	if j < 0 {
		return memoSink
	}
	k := mm.long(prev, sc, load64(d, start), load64(d, start+8)) // start+16 <= len(d)
	if mm.nodes[k].n == 0 {
		mm.setTail(k, d, start, j-start, e)
	}
	return k
}

// value reads the value at a pattern path (pm, may be nil) or leading to
// one (below).
func (mt *Matcher) value(d []byte, i, depth int, pm *pathMatcher, below *scope, need int32) (int, int, error) {
	if i >= len(d) {
		return i, 0, &SyntaxError{i, "expected a value"}
	}
	switch c := d[i]; {
	case c == '{':
		if below == nil {
			i, err := mt.skip(d, i, depth)
			return i, 0, err
		}
		if !mt.trusted {
			i, err := mt.validObject(d, i, depth+1, below)
			return i, 0, err
		}
		return mt.object(d, i, depth+1, need, below)
	case c == '[':
		i, err := mt.array(d, i, depth, pm, below, 0)
		return i, 0, err
	case c == '"':
		if pm == nil {
			i, err := mt.skip(d, i, depth)
			return i, 0, err
		}
		// The usual string, without escapes, is matched where it lies;
		// stringValue reads the others. (The trusted path need not look
		// for control characters or non-ASCII bytes.)
		start := i + 1
		j, ok := start, true
		if mt.trusted {
			j = quoteOrBackslash(d, start)
		} else {
			j, ok = textStop(d, start)
		}
		if ok && j < len(d) && d[j] == '"' {
			mt.addLeaf(pm, tagString, d[start:j])
			return j + 1, 0, nil
		}
		if mt.trusted && j < len(d) {
			if k := mt.trustedString(d, start, j, pm); k >= 0 {
				return k, 0, nil
			}
		}
		return mt.stringValue(d, i, j, ok, pm)
	case c == '-' || (c >= '0' && c <= '9'):
		end, sh := numberShape(d, i)
		if end < 0 {
			end, err := scanNumber(d, i)
			return end, 0, err
		}
		if pm != nil {
			mt.numShape = sh
			mt.addLeaf(pm, tagNumber, d[i:end])
		}
		return end, 0, nil
	case c == 't', c == 'f', c == 'n':
		end, tag, err := scanLiteral(d, i)
		if err != nil {
			return end, 0, err
		}
		if pm != nil {
			mt.addLeaf(pm, tag, nil)
		}
		return end, 0, nil
	}
	return i, 0, &SyntaxError{i, fmt.Sprintf("unexpected character %q", d[i])}
}

// tabString reads the value at d[i] at path pm, which has a leafTab
// (pm.strTab, looked up in line by its leafSlots, which are not nil),
// when it is a string in no array, as value would, and returns its end;
// -1 leaves the value to value. A string without escapes is looked up
// where it lies, one with escapes decoded by tabEscaped. Such a leaf is
// the free leaf (pm records no leaf), whose marks the table holds,
// mostly plain ones, which only stamp their predicates. (It finds the
// plain string as value does, written out in both: a shared helper of
// three calls does not inline, and a call more per value costs ~20
// instructions on every value matched. The trusted and validating ways
// to the string's end are apart: each keeps only its own values live.)
func (mt *Matcher) tabString(d []byte, i int, pm *pathMatcher) int {
	if uint(i) >= uint(len(d)) || d[i] != '"' || len(mt.stack) > 0 {
		return -1
	}
	start := i + 1
	j, ascii := start, true
	if mt.trusted {
		j = quoteOrBackslash(d, start)
	} else {
		// The first stop, and whether the text before it is ASCII
		// (stringStopASCII, its ASCII words in line); text that is not
		// is checked to be UTF-8 only where it is not a key of the
		// table, which are (strTab.utf8): the usual non-ASCII value here
		// (a city, a name) is one, and its check was most of its reading.
		j = asciiRunEnd(d, start)
		if uint(j) < uint(len(d)) && d[j] != '"' && pm.strTab.esc != nil {
			// Not ASCII to its end, at a path of keys that have
			// written forms: raw or escaped, found by its span.
			if k := mt.tabSpan(d, start, pm); k >= 0 {
				return k
			}
		}
		if uint(j) >= uint(len(d)) || d[j] >= 0x80 {
			j, ascii = stringStopASCII(d, j)
		}
	}
	if j >= len(d) {
		return -1
	}
	if d[j] != '"' {
		if d[j] != '\\' {
			return -1
		}
		// A string with escapes (a name written S\u00e3o Paulo): decoded
		// and looked up by tabEscaped, not found again by value.
		return mt.tabEscaped(d, start, j, pm, ascii)
	}
	val := d[start:j]
	// The table's find(val) in line, as plainString has it for
	// MatchTrusted: findIn's call, its arguments and the values kept
	// across it cost more than its probe (callgrind Match, tabString +
	// findIn instr/event: multi-field 1117 -> 1058, mixed-10000 884 ->
	// 846, escapes-unicode 571 -> 563; paired thread CPU multi-field
	// -20 and -33 ns/event, mixed-10000 -10).
	var x, y uint64
	switch n := len(val); {
	case n >= 8:
		x, y = load64(val, 0), load64(val, n-8)
	case n >= 4:
		x, y = uint64(load32(val, 0)), uint64(load32(val, n-4))
	default:
		x, y = strWords(val)
	}
	h := strHash(val, x, y)
	tag := uint32(h >> 32)
	mask := uint(pm.leafMask)
	k := uint(h >> (pm.leafShift & 63)) // shift < 64
	var s *strSlot
	for p := uint(0); ; p++ {
		// In bounds: the table has leafMask+1 slots.
		s = (*strSlot)(unsafe.Add(unsafe.Pointer(pm.leafSlots), uintptr((k+p)&mask)*unsafe.Sizeof(strSlot{})))
		if s.hash == tag && s.a == x && s.b == y && int(s.n) == len(val) {
			if n := len(val); n <= 16 {
				break
			} else if n <= 40 {
				// find's three words for 17 to 40 bytes.
				kb, m := stringBytes(s.keyString()), n/2-4
				if (load64(kb, 8)^load64(val, 8))|(load64(kb, m)^load64(val, m))|(load64(kb, n-16)^load64(val, n-16)) == 0 {
					break
				}
			} else if midEqual(s.keyString(), val) {
				break
			}
		}
		if s.hash == 0 || p >= uint(pm.leafProbe) {
			s = nil
			break
		}
	}
	if !ascii && (s == nil || !pm.strTab.utf8) && !validUTF8(val) {
		return -1 // value writes the error
	}
	if s != nil {
		if p := s.one; p >= 0 {
			// stamp of one mark, in line (stamp's call and loop
			// cost more than the stamp).
			if ps := &mt.pred[p]; ps.epoch != mt.epoch {
				mt.firstHit(ps, p)
			} else if mt.hits[ps.head].leaf != 0 {
				mt.hit(p, 0)
			}
		} else {
			mt.fireSlot(s, pm, val)
		}
	}
	return j + 1
}

// tabSpan is tabString on Match at a path of keys that have written
// forms (a name, a city not ASCII), for the string whose body starts at
// d[start] and is not ASCII up to its closing quote: its span first (stringSpan), and one lookup in the table its
// form selects, raw text among the keys (valid text where found: utf8),
// escaped text among the forms, as MatchTrusted looks it up
// (stringTrusted). Raw and escaped strings, which come in no order a
// predictor learns, take one way, with no check of their text and no
// branch on their form (escapes-unicode Match 6418 -> 6351 instr/event,
// mispredicts 73.7 -> 70.4 by callgrind's model). It returns the
// string's end, or -1 for one found in neither table, which tabString
// reads again. (Apart, and only after the ASCII run, so that tabString
// keeps its registers for the usual ASCII value: multi-field Match +75
// instr/event in line, +65 as a call before the run.)
func (mt *Matcher) tabSpan(d []byte, start int, pm *pathMatcher) int {
	if h := &pm.strTab.heads; h.slots != nil && start+8 <= len(d) {
		// A key as it lies, by its first word (headtab.go): a raw key
		// there is valid text, a written form well formed.
		if s, n := h.find(d, start); s != nil {
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
	// stringSpan's first block in line, as stringTrusted takes it.
	var e, b int
	if start+64 <= len(d) {
		q, bs := quoteMasks(d, start)
		follows := bs << 1
		seq, _ := bits.Add64(bs&^evenBits&^follows, bs, 0)
		q &^= (evenBits ^ seq<<1) & follows
		k := bits.TrailingZeros64(q)
		m := bs & (1<<uint(k) - 1)
		e, b = start+k, start+bits.TrailingZeros64(m)
		if m == 0 {
			b = -1
		}
		if q == 0 {
			e, b = stringSpan(d, start)
		}
	} else {
		e, b = stringSpan(d, start)
	}
	if e >= len(d) {
		return -1
	}
	t := pm.strTab
	tab, esc := t, t.esc
	if b >= 0 {
		tab = esc
	}
	s := tab.find(d[start:e])
	if s == nil || !(t.utf8 || b >= 0) {
		return -1
	}
	if p := s.one; p >= 0 {
		// stamp of one mark, in line, as tabString stamps it.
		if ps := &mt.pred[p]; ps.epoch != mt.epoch {
			mt.firstHit(ps, p)
		} else if mt.hits[ps.head].leaf != 0 {
			mt.hit(p, 0)
		}
	} else if s.plain { // a form's slot is, and the usual key's
		mt.stamp(s.preds())
	} else {
		mt.fireSlot(s, pm, d[start:e])
	}
	return e + 1
}

// tabEscaped is tabString for a string with escapes, whose body starts
// at d[start] and has its first stop at d[j], a backslash (the text
// before it ASCII, or, on Match, checked to be UTF-8 here): a string
// written as an encoder writes a key is found as written (escforms.go);
// any other is decoded whole, on both paths, and looked up in the leafTab,
// without trustedString's and addLeaf's calls; where it is malformed, it
// returns -1, and value reads it again and writes the error. (Apart from
// tabString, whose plain strings, the usual value, are read with fewer
// values to keep in registers. strHead would only spare the decoding of
// a value longer than every key, which matches nothing here.)
// fireSlot fires what table slot s holds for value val at path pm,
// other than one plain mark, which its callers (tabString, tabEscaped)
// stamp in line: several plain predicates, or marks to fire with their
// checks. (The trusted object loop writes it out: the call there moved
// its registers, multi-field trusted 4157 -> 4175 instr/event.)
func (mt *Matcher) fireSlot(s *strSlot, pm *pathMatcher, val []byte) {
	if s.plain {
		mt.stamp(s.preds())
		return
	}
	mt.freeString(pm)
	mt.fireAll(s.marks(), val)
}

func (mt *Matcher) tabEscaped(d []byte, start, j int, pm *pathMatcher, ascii bool) int {
	if esc := pm.strTab.esc; esc != nil {
		// A key as an encoder writes it (escforms.go): its bytes are a
		// well-formed string that decodes to the key, wherever the end
		// found here is (every backslash taken to escape the next byte,
		// on any input). The end is found by stringSpan, in one 64-byte
		// step whatever the escapes, where skipStringTrusted's blocks
		// took a turn and a branch per escape (escapes-unicode Match
		// ~2% less time per event).
		if e, _ := stringSpan(d, j); e < len(d) { // d[e] is the closing quote
			if s := esc.find(d[start:e]); s != nil {
				if p := s.one; p >= 0 {
					// stamp of one mark, in line, as tabString stamps it.
					if ps := &mt.pred[p]; ps.epoch != mt.epoch {
						mt.firstHit(ps, p)
					} else if mt.hits[ps.head].leaf != 0 {
						mt.hit(p, 0)
					}
				} else {
					mt.stamp(s.preds()) // the table holds plain keys only
				}
				return e + 1
			}
		}
	}
	if !ascii && !validUTF8(d[start:j]) {
		return -1 // (Match's only) value writes the error
	}
	v0 := len(mt.valBuf)
	var buf []byte
	var end int
	if mt.trusted {
		buf, end, _ = decodeTrusted(mt.valBuf, d, start, j, len(d)+v0)
	} else {
		buf, end = decodeString(mt.valBuf, d, start, j)
	}
	if end < 0 {
		return -1
	}
	mt.valBuf = buf
	val := buf[v0:len(buf):len(buf)]
	if s := pm.leafFind(val); s != nil {
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
	}
	return end
}

// array reads an array at a pattern path: each element is a value of the
// same path. Leaves inside an element that is an object or an array carry
// (array, index) in their trail; a scalar element pins no index, so it
// combines with leaves of any element (docs/semantics/patterns.md §5, as
// event-ruler). On MatchTrusted, elemNeed is how many names of below an
// element object has that lead further (0: read it all): an element stops
// once it has passed them, and its rest is only found the end of.
func (mt *Matcher) array(d []byte, i, depth int, pm *pathMatcher, below *scope, elemNeed int32) (int, error) {
	if depth+1 > mt.m.cfg.MaxDepth {
		return i, &SyntaxError{i, fmt.Sprintf("nesting deeper than the limit of %d levels", mt.m.cfg.MaxDepth)}
	}
	id := mt.arrays
	mt.arrays++
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == ']' {
		return i + 1, nil
	}
	for index := int32(0); ; index++ {
		if i >= len(d) {
			return i, &SyntaxError{i, "expected a value"}
		}
		var open int
		if c := d[i]; pm != nil && (c == '-' || c-'0' < 10) {
			// Number elements, the bulk of a coordinate array: read here,
			// one after the other, without value's dispatch. They pin no
			// index. At a path with only ranges, most numbers are outside
			// their hull, or never comparable (18 significant digits or
			// more): that is settled before any bookkeeping.
			rangesOnly := !pm.recordAll && !pm.numKeys && !pm.numText && pm.hull
			for {
				end, sh := numberShape(d, i)
				if end < 0 {
					return scanNumber(d, i)
				}
				if val := d[i:end]; !rangesOnly {
					mt.numShape = sh
					mt.addLeaf(pm, tagNumber, val)
				} else if !mt.outsideHull(pm, val, sh) && !longMantissa(val, sh) {
					mt.numShape = sh
					mt.inHull = true // number() need not test it again
					mt.addLeaf(pm, tagNumber, val)
				}
				if i = end; i+1 >= len(d) || d[i] != ',' {
					break
				}
				if c := d[i+1]; c != '-' && c-'0' >= 10 {
					break
				}
				i++
				index++
			}
		} else {
			// (An element of an array whose path leads to one pattern
			// path alone pins nothing: pinless.go.)
			pin := (c == '{' || c == '[') && (below == nil || !below.oneField || !pinlessOn)
			if pin {
				mt.stack = append(mt.stack, arrayStep{array: id, index: index})
			}
			// (Measured and lost: an element object on the trusted path
			// handed to object without value's dispatch: callgrind,
			// mixed-10000 trusted, large CloudTrail calls, value 243 ->
			// 79 and array 545 -> 623 instr/event, 86 less in all;
			// paired thread CPU on those calls -11 and +7 ns/event, 400
			// pairs, load 14.)
			var err error
			i, open, err = mt.value(d, i, depth+1, pm, below, elemNeed)
			if pin {
				mt.stack = mt.stack[:len(mt.stack)-1]
			}
			if err != nil {
				return i, err
			}
		}
		if open > 0 {
			// An element object gave all it holds for the patterns; the
			// next elements may give more.
			i = finishTrusted(d, i, open)
		}
		// The separator is read inline, as CheckTrusted's array reads it:
		// a shared function does not inline, and the call per element of
		// a coordinate ring costs numeric 3% of its instructions.
		i = skipWS(d, i)
		if i >= len(d) {
			return i, &SyntaxError{i, "unexpected end of input in an array"}
		}
		switch d[i] {
		case ',':
			i = skipWS(d, i+1)
		case ']':
			return i + 1, nil
		default:
			return i, &SyntaxError{i, "expected ',' or ']' in an array"}
		}
	}
}

func skipString(d []byte, i int) (int, error) {
	// The common case: no escape, and UTF-8 text (checked a run at a
	// time; the loop below says where it fails).
	if j, ascii := stringStopASCII(d, i+1); j < len(d) && d[j] == '"' && (ascii || validUTF8(d[i+1:j])) {
		return j + 1, nil
	}
	for j := i + 1; j < len(d); j++ {
		switch c := d[j]; {
		case c == '"':
			return j + 1, nil
		case c >= utf8.RuneSelf:
			if r, size := utf8.DecodeRune(d[j:]); r == utf8.RuneError && size <= 1 {
				return j, &SyntaxError{j, "invalid UTF-8 in a string"}
			} else {
				j += size - 1
			}
		case c == '\\':
			if j+1 >= len(d) {
				return len(d), &SyntaxError{j, "unexpected end of input in an escape"}
			}
			switch d[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if j+5 >= len(d) || !isHex(d[j+2]) || !isHex(d[j+3]) || !isHex(d[j+4]) || !isHex(d[j+5]) {
					return j, &SyntaxError{j, "invalid \\u escape"}
				}
				j += 5
			default:
				return j, &SyntaxError{j, "invalid escape"}
			}
		case c < 0x20:
			return j, &SyntaxError{j, "control character in a string"}
		}
	}
	return len(d), &SyntaxError{len(d), "unexpected end of input in a string"}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// unescape decodes the string at d[i] (a '"') onto dst, exactly as the
// compiler's reader does (a lone surrogate becomes U+FFFD): decodeString
// a word at a time, and unescapeSlow for the error where the string is
// not well formed.
func unescape(dst []byte, d []byte, i int) ([]byte, int, error) {
	if j, ok := textStop(d, i+1); ok && j < len(d) {
		if d[j] == '"' {
			return append(dst, d[i+1:j]...), j + 1, nil
		}
		if out, end := decodeString(dst, d, i+1, j); end >= 0 {
			return out, end, nil
		}
	}
	return unescapeSlow(dst, d, i)
}

// unescapeSlow is unescape run by run: plain runs between escapes are
// found eight bytes at a time and copied whole, each escape is decoded by
// source.AppendEscape. It writes unescape's errors.
func unescapeSlow(dst []byte, d []byte, i int) ([]byte, int, error) {
	j := i + 1
	for j < len(d) {
		if k, ascii := stringStopASCII(d, j); k > j {
			run := d[j:k]
			if !ascii && !utf8.Valid(run) {
				return dst, j + invalidUTF8(run), &SyntaxError{j + invalidUTF8(run), "invalid UTF-8 in a string"}
			}
			dst = append(dst, run...)
			if j = k; j >= len(d) {
				break
			}
		}
		switch c := d[j]; {
		case c == '"':
			return dst, j + 1, nil
		case c == '\\':
			var n int
			var bad source.EscapeError
			switch dst, n, bad = source.AppendEscape(dst, d, j); bad {
			case source.EscapeTruncated:
				return dst, len(d), &SyntaxError{j, "unexpected end of input in an escape"}
			case source.EscapeBadUnicode:
				return dst, j, &SyntaxError{j, "invalid \\u escape"}
			case source.EscapeUnknown:
				return dst, j, &SyntaxError{j, "invalid escape"}
			}
			j += n
		default:
			return dst, j, &SyntaxError{j, "control character in a string"}
		}
	}
	return dst, len(d), &SyntaxError{len(d), "unexpected end of input in a string"}
}

// invalidUTF8 returns the offset of the first invalid sequence in b.
func invalidUTF8(b []byte) int {
	for k := 0; k < len(b); {
		r, size := utf8.DecodeRune(b[k:])
		if r == utf8.RuneError && size <= 1 {
			return k
		}
		k += size
	}
	return len(b)
}

// numShape is what the scanner learns of a number's text on the way, so
// the matcher need not read it again: where its integer digits end and
// whether it has a fraction or an exponent.
type numShape struct {
	intEnd   int // offset after the integer digits
	frac     bool
	exponent bool
}

// maxNumberLen bounds a number's text: a longer one is a syntax error,
// so that a hostile event cannot make the matcher convert or compare
// megabytes of digits (no pattern can tell such numbers apart anyway:
// comparisons take 15 significant digits, docs/semantics/patterns.md).
const maxNumberLen = 1024

// errNumberTooLong is the message of a number over maxNumberLen.
const errNumberTooLong = "number longer than 1024 characters"

// scanNumberShape is scanNumber that also reports the number's shape.
func scanNumberShape(d []byte, i int) (int, numShape, error) {
	var sh numShape
	start := i
	if d[i] == '-' {
		i++
		if i >= len(d) {
			return i, sh, &SyntaxError{i, "expected a digit"}
		}
	}
	switch c := d[i]; {
	case c == '0':
		i++
	case c-'1' < 9:
		i = skipDigits(d, i+1)
	default:
		return i, sh, &SyntaxError{i, "expected a digit"}
	}
	sh.intEnd = i - start
	if i < len(d) && d[i] == '.' {
		sh.frac = true
		i++
		if i >= len(d) || d[i]-'0' >= 10 {
			return i, sh, &SyntaxError{i, "expected a digit after '.'"}
		}
		i = skipDigits(d, i+1)
	}
	if i < len(d) && d[i]|0x20 == 'e' {
		sh.exponent = true
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i]-'0' >= 10 {
			return i, sh, &SyntaxError{i, "expected a digit in the exponent"}
		}
		i = skipDigits(d, i+1)
	}
	if i-start > maxNumberLen {
		return i, sh, &SyntaxError{start, errNumberTooLong}
	}
	return i, sh, nil
}

// stringStop returns the index of the first byte at or after d[i] that
// ends a plain ASCII run inside a JSON string — a quote, a backslash, a
// control character or a byte over 0x7F (whose text skipString checks is
// UTF-8) — or len(d); eight bytes at a time, by asciiStops.
func stringStop(d []byte, i int) int {
	for i+8 <= len(d) {
		x := load64(d, i) // i+8 <= len(d)
		if m := asciiStops(x); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(d) {
		if c := d[i]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return i
		}
		i++
	}
	return i
}

// stringStopASCII is stringStop that also tells whether every byte
// before the stop is ASCII, so the run needs no UTF-8 check. A byte with
// its high bit set stops the word loop too (one flag more, no mask kept
// per word): at the first such byte, the string is not ASCII and
// plainStop finds the end from there. (The high bits are exact flags,
// so the lowest flagged byte still is.)
func stringStopASCII(d []byte, i int) (int, bool) {
	for i+8 <= len(d) {
		if m := asciiStops(load64(d, i)); m != 0 { // i+8 <= len(d)
			i += bits.TrailingZeros64(m) >> 3
			if d[i] < 0x80 {
				return i, true
			}
			return plainStop(d, i), false
		}
		i += 8
	}
	for ; i < len(d); i++ {
		if c := d[i]; c == '"' || c == '\\' || c < 0x20 {
			return i, true
		} else if c >= 0x80 {
			return plainStop(d, i), false
		}
	}
	return i, true
}

// plainStop is stringStop for text that may hold non-ASCII bytes: it
// stops only at a quote, a backslash or a control character.
func plainStop(d []byte, i int) int {
	for i+8 <= len(d) {
		if m := nameStops(load64(d, i)); m != 0 { // i+8 <= len(d)
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(d) {
		if c := d[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
		i++
	}
	return i
}

// skipDigits returns the end of the run of ASCII digits at d[i], eight
// bytes at a time: a byte is a digit iff subtracting '0' does not borrow
// (no high bit) and adding 0x46 does not reach 0x80. Borrows and carries
// only move upwards, so the lowest flagged byte is the first non-digit.
func skipDigits(d []byte, i int) int {
	for i+8 <= len(d) {
		if m := nonDigits(load64(d, i)); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(d) && d[i]-'0' < 10 {
		i++
	}
	return i
}

func scanLiteral(d []byte, i int) (int, byte, error) {
	switch {
	case len(d)-i >= 4 && string(d[i:i+4]) == "true":
		return i + 4, tagTrue, nil
	case len(d)-i >= 5 && string(d[i:i+5]) == "false":
		return i + 5, tagFalse, nil
	case len(d)-i >= 4 && string(d[i:i+4]) == "null":
		return i + 4, tagNull, nil
	}
	return i, 0, &SyntaxError{i, "invalid literal (expected true, false or null)"}
}

// asciiRunEnd is stringStop's word loop alone: the index of the first
// stop (asciiStops) at or after d[j] among the words that fit in d, or
// where those words end; callers that find no quote there leave the rest
// to skipString. It inlines (-gcflags=-m=2: cost 64), so the object and
// container loops skip a plain string without a call.
func asciiRunEnd(d []byte, j int) int {
	for j+8 <= len(d) {
		if m := asciiStops(load64(d, j)); m != 0 { // j+8 <= len(d)
			return j + bits.TrailingZeros64(m)>>3
		}
		j += 8
	}
	return j
}

// stopWords are asciiStops' constants, for asciiStopsMem.
var stopWords = [5]uint64{ones * 0x02, ones * 0x5C, 1<<64 - ones*0x21, 1<<64 - ones, highs}

// asciiStopsMem is asciiStops with its constants read from memory
// (stopWords), where the compiler folds each into the operation that uses
// it: in passMembers' loop, whose values leave no registers for five
// constants, asciiStops had each written out as a 10-byte move, and the
// registers shuffled around them, each word (24 instructions a word in
// the loop where this takes 15; callgrind multi-field trusted 4347 ->
// 4120 instr/event).
func asciiStopsMem(x uint64) uint64 {
	return ((x ^ stopWords[0]) + stopWords[2] | ((x ^ stopWords[1]) + stopWords[3])) & stopWords[4]
}

// asciiRunEndMem is asciiRunEnd with asciiStopsMem, for the loops that
// keep many values (passMembers, validObject and the skippers).
func asciiRunEndMem(d []byte, j int) int {
	for j+8 <= len(d) {
		if m := asciiStopsMem(load64(d, j)); m != 0 { // j+8 <= len(d)
			return j + bits.TrailingZeros64(m)>>3
		}
		j += 8
	}
	return j
}
