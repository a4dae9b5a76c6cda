package automaton

import "fmt"

// The trusted scan: how MatchTrusted reads an event. It is scan.go's
// object, value and array written again for the trusted contract (valid
// JSON, no member named twice), where object serves Match and so pays on
// every step for what only validation needs. Here a member is: the end
// of its name from the string index (trustindex.go), the name looked up
// in its scope (members.go) by the two words at its start, the colon,
// and then the value skipped or handed on; the end of a skipped string
// is the string index's again. So a member that no pattern names costs a
// few dozen instructions and, on the usual event, no branch that depends
// on the length of its name or its value: the word loops that found a
// string's end took a mispredicted exit on most strings, and were most
// of the trusted path's mispredictions on AWS events, whose member
// loop is their cost (detail, the member the patterns name most, is
// last, so the early stop rarely saves much there).
//
// What it does with the members the patterns name is scan.go's: the
// same early stop (need, finishTrusted), the same free leaf through a
// path's string table (ttabString is tabString), the same leaves. On
// other input it may answer anything, but every read is bounds-checked
// or guarded, every step moves forward, and nesting is bounded by
// Config.MaxDepth as in object.

// tscan is scan for MatchTrusted.
func (mt *Matcher) tscan(d []byte) error {
	i := skipWS(d, 0)
	if i >= len(d) || d[i] != '{' {
		return notObject(d, i)
	}
	root := mt.sub.root
	if root == nil {
		root = noScope
	}
	mt.tix.start(d)
	i, open, err := mt.tobject(d, i, 1, mt.sub.rootNeed, root)
	if err != nil {
		return err
	}
	if open > 0 {
		return nil // stopped early: the rest is not read
	}
	if i = skipWS(d, i); i != len(d) {
		return &SyntaxError{min(i, len(d)), "unexpected data after the end of the event"}
	}
	return nil
}

// tobject is object for MatchTrusted: it reads the object at d[i] (a
// '{') in scope sc, of which it needs need member names (see object),
// and returns the objects it leaves open when it stops early.
func (mt *Matcher) tobject(d []byte, i, depth int, need int32, sc *scope) (int, int, error) {
	if depth > mt.m.cfg.MaxDepth {
		return i, 0, &SyntaxError{i, fmt.Sprintf("nesting deeper than the limit of %d levels", mt.m.cfg.MaxDepth)}
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, 0, nil
	}
	seen := int32(0)
	for {
		if i >= len(d) || d[i] != '"' {
			return min(i, len(d)), 0, &SyntaxError{min(i, len(d)), "expected a double-quoted member name"}
		}
	member: // at a '"'
		// The way of the usual member, a name of up to 16 bytes that no
		// pattern names with a plain string after it, calls nothing:
		// around a call every value the loop keeps in a register is
		// saved and loaded again.
		start := i + 1
		j, ok := mt.tix.quote(start)
		if !ok {
			j = mt.quoteFar(d, start)
		}
		var e *pathEntry
		if n := j - start; j < len(d) && start+16 <= len(d) && n <= 16 && mt.tix.plain(start, j) {
			// The name's first two words, zero above its length as a
			// scope's slots hold them, looked up in its home slot; a
			// name may be further on only where the slot holds another
			// and the scope has names of its length.
			m := &nameMasks[n&31]
			x, y := load64(d, start)&m.x, load64(d, start+8)&m.y // start+16 <= len(d)
			slots := sc.slots
			s := &slots[uint(nameHash(x, n)>>(sc.shift&63))&uint(len(slots)-1)]
			// The name is the slot's or not without a branch (the entry
			// is loaded first: the compiler makes a conditional move only
			// of what needs no load); the one branch that depends on the
			// name is tobject's on e below. A name may be further on
			// only where the slot holds another name and the scope has
			// names of its length: seldom, and tested as one word too.
			se := s.e
			miss := (s.w0 ^ x) | (s.w1 ^ y) | uint64(int(s.n)^n)
			if miss == 0 {
				e = se
			}
			if miss != 0 {
				miss = 1
			}
			if miss&^(uint64(s.n)>>63)&(sc.lens>>(uint(n)&63)) != 0 {
				e = sc.find(x, y, n)
			}
			// A name with a dot is seldom: its bytes are tested all at
			// once first (the masked bytes are zeros, no dot).
			if e == nil && (hasDot(x)|hasDot(y)) != 0 {
				e = mt.dottedName(sc, d, start, j)
			}
			i = j + 1
		} else {
			var err error
			if e, i, err = mt.tname(d, i, j, sc); err != nil {
				return i, 0, err
			}
		}
		if uint(i) < uint(len(d)) && d[i] == ':' {
			i++
		} else {
			if i = skipWS(d, i); i >= len(d) || d[i] != ':' {
				return i, 0, &SyntaxError{i, "expected ':' after a member name"}
			}
			i++
		}
		i = skipWS(d, i)
		if e != nil {
			var open int
			var err error
			if i, open, seen, err = mt.tmember(d, i, depth, need, seen, e); err != nil || open > 0 {
				return i, open, err
			}
		} else if uint(i) < uint(len(d)) && d[i] == '"' {
			// The usual member: nobody's. A string ends at the next
			// quote of the index.
			j, ok := mt.tix.quote(i + 1)
			if !ok {
				j = mt.quoteFar(d, i+1)
			}
			i = j + 1
		} else {
			var err error
			if i, err = skipTrusted(d, i); err != nil {
				return i, 0, err
			}
		}
		// The usual ',"' after a value is read as one word.
		if i+2 <= len(d) && load16(d, i) == ','|'"'<<8 { // i+2 <= len(d)
			i++
			goto member
		}
		if i = skipWS(d, i); i >= len(d) {
			return len(d), 0, &SyntaxError{len(d), "unexpected end of input in an object"}
		}
		switch d[i] {
		case ',':
			i = skipWS(d, i+1)
		case '}':
			return i + 1, 0, nil
		default:
			return i, 0, &SyntaxError{i, "expected ',' or '}' in an object"}
		}
	}
}

// nameMasks[n] keeps the bytes of a name of n bytes (at most 16) in the
// two words read at its start.
var nameMasks = func() (m [32]struct{ x, y uint64 }) {
	for n := range 17 {
		for k := range n {
			if k < 8 {
				m[n].x |= 0xFF << (8 * k)
			} else {
				m[n].y |= 0xFF << (8 * (k - 8))
			}
		}
	}
	return m
}()

// dottedName is the test object makes of a name that is none of the
// scope's (d[start:j]) before it looks it up as a dotted name.
func (mt *Matcher) dottedName(sc *scope, d []byte, start, j int) *pathEntry {
	if j > start+int(sc.dot1) && (d[start+int(sc.dot1)] == '.' || sc.dotMore) {
		return mt.dottedMember(sc, d[start:j])
	}
	return nil
}

// tname reads the member name at d[i] (a '"') that tobject does not:
// longer than 16 bytes, with an escape, in the last 16 bytes of the
// input, or without a closing quote (j, from the index: len(d)). It
// returns what the name leads to and the position after it.
func (mt *Matcher) tname(d []byte, i, j int, sc *scope) (*pathEntry, int, error) {
	start := i + 1
	if j >= len(d) || start+16 > len(d) || !mt.tix.plain(start, j) && escapedIn(d, start, j) {
		return mt.memberAt(d, i, sc) // byte by byte
	}
	var e *pathEntry
	if n := j - start; n <= 16 {
		m := &nameMasks[n&31]
		if sc.has(n) {
			e = sc.find(load64(d, start)&m.x, load64(d, start+8)&m.y, n)
		}
	} else if sc.has(n) {
		e = sc.findLong(load64(d, start), load64(d, start+8), d[start:j])
	}
	if e == nil {
		e = mt.dottedName(sc, d, start, j)
	}
	return e, j + 1, nil
}

// tmember reads the value at d[i] of a member that leads to a pattern
// path (e) in an object of which tobject needs need names and has seen
// seen: as object does, with the early stop (countedValue). It returns
// the position after the value, the objects it leaves open when it
// stops, and seen again.
func (mt *Matcher) tmember(d []byte, i, depth int, need, seen int32, e *pathEntry) (int, int, int32, error) {
	if k := mt.tabLeaf(d, i, e.pm); k >= 0 {
		// The usual leaf of the usual rule, matched where it lies.
		if need != 0 && e != &mt.dotEntry && !e.uncounted {
			if seen++; seen >= need {
				return k, 1, seen, nil
			}
		}
		return k, 0, seen, nil
	}
	if need == 0 {
		var err error
		if e.sc != nil && i < len(d) && d[i] == '{' {
			i, _, err = mt.tobject(d, i, depth+1, 0, e.sc)
		} else {
			i, _, err = mt.tvalue(d, i, depth, e.pm, e.sc, 0)
		}
		return i, 0, seen, err
	}
	// countedValue: a member named with a dot, or the top-level "", is
	// not one of the names need counts.
	direct := e != &mt.dotEntry && !e.uncounted
	childNeed := int32(0)
	if direct && seen+1 >= need {
		childNeed = e.need
	}
	i, open, err := mt.tvalue(d, i, depth, e.pm, e.sc, childNeed)
	if err != nil {
		return i, 0, seen, err
	}
	if direct {
		if seen++; seen >= need {
			return i, open + 1, seen, nil
		}
	}
	if open > 0 {
		i = finishTrusted(d, i, open)
	}
	return i, 0, seen, nil
}

// tvalue is value for MatchTrusted.
func (mt *Matcher) tvalue(d []byte, i, depth int, pm *pathMatcher, below *scope, need int32) (int, int, error) {
	if i >= len(d) {
		return min(i, len(d)), 0, &SyntaxError{min(i, len(d)), "expected a value"}
	}
	switch c := d[i]; {
	case c == '{':
		if below == nil {
			i, err := skipTrusted(d, i)
			return i, 0, err
		}
		return mt.tobject(d, i, depth+1, need, below)
	case c == '[':
		i, err := mt.tarray(d, i, depth, pm, below)
		return i, 0, err
	case c == '"':
		start := i + 1
		j, ok := mt.tix.quote(start)
		if !ok {
			j = mt.quoteFar(d, start)
		}
		if pm == nil {
			return j + 1, 0, nil
		}
		// The usual string, without escapes, is matched where it lies;
		// stringValue reads the others.
		if j < len(d) && (mt.tix.plain(start, j) || !escapedIn(d, start, j)) {
			mt.addLeaf(pm, tagString, d[start:j])
			return j + 1, 0, nil
		}
		return mt.stringValue(d, i, quoteOrBackslash(d, start), true, pm)
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

// tabLeaf is tabString for MatchTrusted: the value at d[i] at path pm
// (may be nil), when pm has a string table and the value is a string
// without escapes in no array; it returns the value's end, or -1 where
// it leaves the value to tvalue.
func (mt *Matcher) tabLeaf(d []byte, i int, pm *pathMatcher) int {
	if pm == nil || pm.leafTab == nil || uint(i) >= uint(len(d)) || d[i] != '"' || len(mt.stack) > 0 {
		return -1
	}
	start := i + 1
	j, ok := mt.tix.quote(start)
	if !ok {
		j = mt.quoteFar(d, start)
	}
	if j >= len(d) || !mt.tix.plain(start, j) && escapedIn(d, start, j) {
		return -1
	}
	val := d[start:j]
	if s := pm.leafTab.find(val); s != nil {
		if s.plain {
			mt.stamp(s.end)
		} else {
			mt.cur, mt.curPM, mt.curKind, mt.free = -1, pm, tagString, true
			mt.fireAll(s.end, val)
		}
	}
	return j + 1
}

// tarray is array for MatchTrusted.
func (mt *Matcher) tarray(d []byte, i, depth int, pm *pathMatcher, below *scope) (int, error) {
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
			return min(i, len(d)), &SyntaxError{min(i, len(d)), "expected a value"}
		}
		var open int
		if c := d[i]; pm != nil && (c == '-' || c-'0' < 10) {
			// Number elements, as array reads them.
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
					mt.inHull = true
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
			pin := c == '{' || c == '['
			if pin {
				mt.stack = append(mt.stack, arrayStep{array: id, index: index})
			}
			var err error
			i, open, err = mt.tvalue(d, i, depth+1, pm, below, 0) // more elements may follow
			if pin {
				mt.stack = mt.stack[:len(mt.stack)-1]
			}
			if err != nil {
				return i, err
			}
		}
		if open > 0 {
			i = finishTrusted(d, i, open)
		}
		if i = skipWS(d, i); i >= len(d) {
			return len(d), &SyntaxError{len(d), "unexpected end of input in an array"}
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

// hasDot flags (in their high bit) the bytes of x that are '.', and
// maybe bytes above one that is: zero when x has none.
func hasDot(x uint64) uint64 {
	t := x ^ (ones * '.')
	return (t - ones) &^ t & highs
}
