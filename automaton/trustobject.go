package automaton

import (
	"fmt"
	"math/bits"
)

// object reads the object at d[i] (a '{') along the pattern paths, for
// MatchTrusted. need is how many of its member names lead to a pattern
// path when the object is the last thing its parents need (0: nothing to
// stop for): MatchTrusted stops once it has passed them all, and returns
// the number of objects it leaves open (0 when it read to the closing
// brace).
//
// It is validObject's loop cut to what trusted input needs, and kept
// small so that its state stays in registers: on the usual member (a
// short name nobody matches and a plain string) it calls nothing. A
// name is read by words while a whole word fits in the input and looked
// up by the words read; wordNameStops stops it at a dot too, so a dotted
// name, like one with an escape, a control character or a byte over
// 0x7F, goes to memberName, the byte-wise definition, which finds it by
// its full path (no test for a dot on every name that is not the
// scope's). What it skips it only finds the end of (skipTrusted). A
// member object on the way to pattern paths is read here, not through
// value: one call where value's dispatch took three. On input outside
// the contract it may answer anything, but every step moves forward and
// every read is in bounds.
func (mt *Matcher) object(d []byte, i, depth int, need int32, sc *scope) (int, int, error) {
	if depth > mt.m.cfg.MaxDepth {
		return i, 0, &SyntaxError{i, fmt.Sprintf("nesting deeper than the limit of %d levels", mt.m.cfg.MaxDepth)}
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, 0, nil
	}
	// (Tests set byteNames to hold the word-wise reader to memberName.)
	wordEnd := len(d) - 8
	if mt.byteNames {
		wordEnd = -1
	}
	seen := int32(0)
	if i >= len(d) || d[i] != '"' {
		return i, 0, &SyntaxError{i, "expected a double-quoted member name"}
	}
	for { // at the '"' of a name
		var e *pathEntry
		if start := i + 1; start <= wordEnd {
			x := load64(d, start) // start+8 <= len(d)
			if m := wordNameStops(x); m != 0 {
				n := bits.TrailingZeros64(m) >> 3
				if byte(x>>(8*n)) != '"' {
					goto bytewise
				}
				i = start + n + 1
				if sc.has(n) {
					e = sc.find(x&(1<<(8*n)-1), 0, n)
				}
				goto colon
			}
			if start+16 > len(d) {
				goto bytewise
			}
			y := load64(d, start+8) // start+16 <= len(d)
			if m := wordNameStops(y); m != 0 {
				n := bits.TrailingZeros64(m) >> 3
				if byte(y>>(8*n)) != '"' {
					goto bytewise
				}
				i = start + 8 + n + 1
				if sc.has(8 + n) {
					e = sc.find(x, y&(1<<(8*n)-1), 8+n)
				}
				goto colon
			}
			var j int
			if e, j = sc.readLong(d, start, x, y); j >= 0 {
				i = j + 1
				goto colon
			}
		}
	bytewise:
		{
			var err error
			if e, i, err = mt.memberAt(d, i, sc); err != nil {
				return i, 0, err
			}
		}
	colon:
		if uint(i) < uint(len(d)) && d[i] == ':' {
			i++
		} else {
			if i = skipWS(d, i); i >= len(d) || d[i] != ':' {
				return i, 0, &SyntaxError{i, "expected ':' after a member name"}
			}
			i++
		}
		i = skipWS(d, i)
		if e == nil {
			// A member nobody matches: the usual plain ASCII string is
			// skipped here by words; skipTrusted finds the end of any
			// other value.
			if uint(i) < uint(len(d)) && d[i] == '"' {
				if j := asciiRunEnd(d, i+1); uint(j) < uint(len(d)) && d[j] == '"' {
					i = j + 1
					goto next
				}
			}
			var err error
			if i, err = skipTrusted(d, i); err != nil {
				return i, 0, err
			}
			goto next
		}
		// A member on the way to pattern paths. Only one of the object's
		// own names counts towards need (a dotted name or the top-level
		// "" does not: uncounted), and only the last one this object
		// needs, in an object its parents need last, may stop inside its
		// value.
		if pm := e.pm; pm != nil && pm.leafTab != nil {
			// The usual leaf of the usual rule (source, detail-type, a
			// state): a plain string at a path of exact values, looked up
			// where it lies, without value's dispatch.
			if k := mt.tabString(d, i, pm); k >= 0 {
				i = k
				if need != 0 && !e.uncounted {
					if seen++; seen >= need {
						return i, 1, nil
					}
				}
				goto next
			}
		}
		{
			direct := need != 0 && !e.uncounted
			childNeed := int32(0)
			if direct && seen+1 >= need {
				childNeed = e.need
			}
			var open int
			var err error
			if e.sc != nil && uint(i) < uint(len(d)) && d[i] == '{' {
				i, open, err = mt.object(d, i, depth+1, childNeed, e.sc)
			} else {
				i, open, err = mt.value(d, i, depth, e.pm, e.sc, childNeed)
			}
			if err != nil {
				return i, 0, err
			}
			if direct {
				if seen++; seen >= need {
					return i, open + 1, nil
				}
			}
			if open > 0 {
				i = finishTrusted(d, i, open)
			}
		}
	next:
		// The usual ',"' after a value is read as one word.
		if i+2 <= len(d) && load16(d, i) == ','|'"'<<8 { // i+2 <= len(d)
			i++
			continue
		}
		i = skipWS(d, i)
		if i >= len(d) {
			return i, 0, &SyntaxError{i, "unexpected end of input in an object"}
		}
		switch d[i] {
		case ',':
			if i = skipWS(d, i+1); i >= len(d) || d[i] != '"' {
				return i, 0, &SyntaxError{i, "expected a double-quoted member name"}
			}
		case '}':
			return i + 1, 0, nil
		default:
			return i, 0, &SyntaxError{i, "expected ',' or '}' in an object"}
		}
	}
}
