package automaton

import (
	"fmt"
	"math/bits"
	"unsafe"
)

// object reads the object at d[i] (a '{') along the pattern paths, for
// MatchTrusted. need is how many of its member names lead to a pattern
// path (0: nothing to stop for; given where the object is the last thing
// its parents need, or to every member object where innerStopOn,
// trustskip.go): it stops once it has passed them all, and returns the
// number of objects it leaves open (0 when it read to the closing brace),
// whose rest its parent finds the end of where it needs more.
//
// It is validObject's loop cut to what trusted input needs. passMembers
// reads the usual members nobody matches, the most, without a call, and
// matches a string at a pattern path where it lies; object takes the
// other members on the way to pattern paths, and whatever passMembers
// leaves to it. What it skips it only finds the end of
// (skipTrusted). A member object on the way to pattern paths is read
// here, not through value: one call where value's dispatch took three.
// On input outside the contract it may answer anything, but every step
// moves forward and every read is in bounds.
//
// A member object that is the last thing an object needs (detail, at the
// top of the usual event; an S3 event's detail.object; an order's
// customer) is read in the same frame, as a loop, where a call would
// return only to add its object to the count of those left open: the
// frame's prologue runs again for it, but not the call, the spills
// around it and the answer's way back. Callgrind trusted, steady state
// (instr/event): multi-field 3 836 -> 3 818 as first written, 3 831 with
// the lastInFrame switch tested (the code's layout), mixed-10000 7 012 ->
// 6 954, cloudtrail-large 13 276 -> 13 183, escapes-unicode 3 257 ->
// 3 256; bench/ablayout, four layouts, two runs each, trusted ratio: multi-field
// 1.533 -> 1.576 (+2.8 %, paired +1.7 %), mixed-10000 1.577 -> 1.595
// (+1.1 / +1.0), cloudtrail-large 4.393 -> 4.454 (+1.4 / +1.0); Match
// (not this function) -1.4..+0.3 %. The same again later that hour,
// this with run's scan written in place (since undone, scan.go), paired:
// trusted multi-field +0.0 %, mixed-10000 -0.8, escapes-unicode -0.4,
// cloudtrail-large +0.2; exact +2.2, exact-100000 +2.1 — within the
// noise (a change that left multi-field's events untouched read +0.7 %
// on them the same way). Kept for mixed-10000's and cloudtrail-large's
// instructions, and a member object read so is one call less deep on the
// goroutine's stack.
//
// Measured and lost: passMembers going down into such a member object
// itself (the scope, the count and the nesting room handed back through
// the memo), without the return to object: callgrind trusted multi-field
// 3816 -> 3798, escapes-unicode 3246 -> 3221 instr/event, but
// bench/ablayout paired trusted multi-field -0.3 %, escapes-unicode 0.0,
// mixed-10000 -1.0.
func (mt *Matcher) object(d []byte, i, depth int, need int32, sc *scope) (int, int, error) {
	// outer counts the objects around the one being read that this frame
	// stands in for: a member object its parent needs last is read here,
	// in place of a call whose return would only add itself to open (see
	// member, below). Every answer adds them.
	outer := 0
	// memoEnd is the last index where a name's two words fit (its
	// words end 8 bytes later: slowName's wordEnd). (Tests set byteNames
	// to hold the word-wise name reader to memberName.)
	memoEnd := len(d) - 16
	if mt.byteNames {
		memoEnd = -9
	}
	mm := mt.memo
enter:
	if depth > mt.m.cfg.MaxDepth {
		return i, 0, &SyntaxError{i, fmt.Sprintf("nesting deeper than the limit of %d levels", mt.m.cfg.MaxDepth)}
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, outer, nil
	}
	if i >= len(d) || d[i] != '"' {
		return i, 0, &SyntaxError{i, "expected a double-quoted member name"}
	}
	// left is how many of the names need counts are still to come
	// (negative, never reaching 0, where need is 0: nothing to stop for);
	// passMembers counts those it passes in mm.left.
	left := need
	if need == 0 {
		left = -1
	}
	prev := memoStart(sc)
	for { // at the '"' of a name
		var e *pathEntry
		var k, st, end int
		mm.left = left
		e, k, st, end, prev = passMembers(d, i, sc, memoEnd, mm, prev)
		left = mm.left
		i = k
		switch st {
		case passDone:
			return i, outer + 1, nil
		case passObject:
			goto member
		case passEnd:
			return i, outer, nil
		case passSep:
			goto sep
		case passName:
			var err error
			if e, i, err = mt.slowName(d, i, sc, memoEnd+8, prev); err != nil {
				return i, 0, err
			}
		case passList:
			if i = mt.shortList(d, i, end, depth, e.pm); i < 0 {
				i = k - 2 // at the '[', for array to say so
				goto member
			}
			if !e.uncounted {
				if left--; left == 0 {
					return i, outer + 1, nil
				}
			}
			goto sep
		}
		// After the name: the ':' and the value. (Outside the contract,
		// where there is no ':', the value is read from where it would
		// have been.)
		if uint(i) < uint(len(d)) && d[i] == ':' {
			i++
		} else if i = skipWS(d, i); uint(i) < uint(len(d)) && d[i] == ':' {
			i++
		}
		i = skipWS(d, i)
		if e == nil {
			goto skip
		}
	member: // at the value of a member on the way to pattern paths
		{
			// A member on the way to pattern paths. Only one of the
			// object's own names counts towards need (a dotted name or
			// the top-level "" does not: uncounted), and only the last one
			// this object needs, in an object its parents need last, may
			// stop the object inside its value; a member object stops at
			// its own last need (innerStopOn), and closeTrusted finds the
			// end of its rest. The usual leaf of the usual rule
			// (source, detail-type, a state: exact values, in no array),
			// a plain string, is looked up in the path's table where it
			// lies; stringTrusted reads any other string at a pattern
			// path, value any other value.
			direct := left > 0 && !e.uncounted
			if pm := e.pm; pm != nil && uint(i) < uint(len(d)) && d[i] == '"' {
				if k := mt.stringTrusted(d, i, pm); k >= 0 {
					i = k
					if direct {
						if left--; left == 0 {
							return i, outer + 1, nil
						}
					}
					goto sep
				}
			}
			childNeed := int32(0)
			if direct && left == 1 || innerStopOn && e.deep {
				childNeed = e.need
			}
			var open int
			var err error
			if g := e.guard; g != nil && !mt.hasFired(g.pred[0]) && mt.deadBelow(g) {
				// Every clause at or below it has failed (deadbelow.go).
				i, err = skipTrusted(d, i)
			} else if e.sc != nil && uint(i) < uint(len(d)) && d[i] == '{' {
				if direct && left == 1 && lastInFrame {
					// The last member this object needs: the call's
					// answer would be this object's, one more open, so
					// the member object is read in this frame
					// (lastInFrame).
					outer++
					depth, need, sc = depth+1, childNeed, e.sc
					goto enter
				}
				i, open, err = mt.object(d, i, depth+1, childNeed, e.sc)
			} else if e.sc != nil && uint(i) < uint(len(d)) && d[i] == '[' {
				// An array of objects on the way to pattern paths (a
				// CloudTrail call's items): each element stops at the
				// last name it needs, and array finds the end of the rest.
				i, err = mt.array(d, i, depth, e.pm, e.sc, e.need)
			} else {
				i, open, err = mt.value(d, i, depth, e.pm, e.sc, childNeed)
			}
			if err != nil {
				return i, 0, err
			}
			if direct {
				if left--; left == 0 {
					return i, outer + open + 1, nil
				}
			}
			if open > 0 {
				i = closeTrusted(d, i, open)
			}
			goto sep
		}
	skip: // the value of a member nobody matches
		{
			var err error
			if i, err = skipTrusted(d, i); err != nil {
				return i, 0, err
			}
		}
	sep:
		if i+2 <= len(d) && load16(d, i) == ','|'"'<<8 { // i+2 <= len(d)
			i++
			continue
		}
		if i = skipWS(d, i); i >= len(d) {
			return i, 0, &SyntaxError{i, "unexpected end of input in an object"}
		}
		switch d[i] {
		case ',':
			if i = skipWS(d, i+1); i >= len(d) || d[i] != '"' {
				return i, 0, &SyntaxError{i, "expected a double-quoted member name"}
			}
		case '}':
			return i + 1, outer, nil
		default:
			return i, 0, &SyntaxError{i, "expected ',' or '}' in an object"}
		}
	}
}

// lastInFrame switches object's reading of the last member object it
// needs in its own frame (a variable, so that the tests run both ways).
var lastInFrame = true

// What passMembers stopped at.
const (
	// passMember: a member on the way to a pattern path whose value is
	// not a string, or one nobody matches whose value is other than a
	// plain ASCII string; its entry (or nil), and the index after its
	// name.
	passMember = iota
	passDone   // the last name the object needs passed (mm.left at 0): the index after its value
	passList   // an array of none or one plain ASCII string at a pattern path: its entry, and after the '[' (end -1) or the string's body (to end)
	passName   // a name the words do not read (at its '"')
	passSep    // the end of a value followed by neither ',"' nor '}'
	passEnd    // the end of the object, after its '}'
	passObject // a member object on the way to pattern paths: its entry, and its '{' (right after the ':')
)

// passMembers reads the members of trusted input from the name at d[i]
// (a '"') in an object of scope sc, and passes over those nobody
// matches whose values are plain ASCII strings, the most, or numbers or
// literals, up to anything else, which it leaves to object: it returns
// where it stopped, what is there, and for a member on the way to
// pattern paths its entry. It calls nothing on its usual way, so that
// its few values stay in registers (object's loop calls, and keeps its
// state on the stack across the calls). A string at a pattern path it
// matches itself (plainString, or stringTrusted for one with escapes or
// text over 0x7F), and counts its name in mm.left, object's count of the
// names it needs (passDone at 0): a return to object and object's call
// back for it, with object's state saved and restored, cost more than
// the call (callgrind trusted, instr/event: escapes-unicode 5015 ->
// 4886, multi-field 4138 -> 4106; object + object'2 853 -> 550 and
// 1077 -> 502; cloudtrail-large +0.8%, whose names cost a little more
// each with a call in the loop).
//
// A name is first compared with the one that followed the last name
// last time (nameMemo: prev is the last name's node), where two words
// fit before the end (memoEnd is len(d)-16). Else a name shorter than 16
// bytes is read by words while a whole word fits before memoEnd+8, and
// looked up by the words read, and remembered; wordNameStops stops it at
// a dot too, so a dotted name, like a longer one or one with an escape,
// a control character or a byte over 0x7F, goes to slowName (no test for
// a dot on every name that is not the scope's). Only remembering calls
// (learn), and only where the guess failed.
//
// Measured and lost (escapes-unicode trusted, paired thread CPU, 600-800
// pairs, load 5-10): each skipped string's length predicted from the
// last event's (a byte per name node; the next name read from the
// prediction, the scan only checking it): +11 ns/event; a string at a
// path without an exact table handed to stringTrusted without the ASCII
// scan first (no branch on raw or escaped there): +6 ns; the same at
// tables with escaped forms: -14 instr/event, -2.6 ns, within the noise;
// object reading member objects in its own frame (a stack of four
// levels) in place of calling itself: object 392 -> 472 and 515
// instr/event (spills around this call, the stack zeroed). In-process
// A/B, on-off median of 300 rounds (callgrind escapes-unicode trusted
// instr/event): the length prediction again, with no loop (a byte per
// node for values of 8 to 24 bytes; the guessed quote and the ',"' after
// it checked, and the words before it tested for stops as three words
// ORed, else the scan), 3819 -> 4034 (the loop's registers), +1.62 /
// +1.72 %; a short name's tail (nameMemo.tails, a long name's only) kept
// as the ':"', the string and its quote that followed the name last time
// (up to sixteen bytes: version, detail-type, account and region repeat)
// and compared after the name's guess, the value passed on a match, 3791
// -> 4179 (3887 with the knob off: the added code costs the loop its
// registers either way), +5.5 % (100 rounds); a string at a path of
// suffixes, or of prefixes with written forms, alone (strOnly) handed
// to stringTrusted without the ASCII scan (no branch on escapes-unicode's
// url written raw or escaped): +0.85 / +0.20 % (300 rounds).
func passMembers(d []byte, i int, sc *scope, memoEnd int, mm *nameMemo, prev uint8) (*pathEntry, int, int, int, uint8) {
	for { // at the '"' of a name
		var e *pathEntry
		var x uint64
		start := i + 1
		if start <= memoEnd {
			// The name that came after the last one last time, tried
			// first: a guess takes no length and no lookup.
			//
			// The guess's node is where the clock stops most in this
			// loop (perf, cpu-clock samples of mixed-10000 trusted: 4 %
			// of MatchTrusted's time on its loads, the node's line
			// gone from L1 since the last event of its kind). Measured
			// and lost: the next guess's node loaded one member ahead
			// (its w0 stored to the memo as the name is taken, so that
			// its miss overlaps this member's value): in-process A/B,
			// on-off median, mixed-10000 trusted -0.18 % (200 rounds)
			// and -0.99 % (300; quartiles -5.5, +4.6), multi-field
			// +1.81 % (300).
			g := mm.nodes[prev].next
			nd := &mm.nodes[g]
			x = load64(d, start)    // start+16 <= len(d)
			y := load64(d, start+8) // start+16 <= len(d)
			if (x&nd.m0^nd.w0)|(y&nd.m1^nd.w1) == 0 && nd.sc == sc {
				e, i, prev = nd.e, start+int(nd.n), g
				if nd.run() != runNone {
					// A run of members nobody matches may follow
					// (memberrun.go): passed as one where its bytes
					// are those of last time, or learned here.
					var at int
					if i, prev, at = mm.passRun(d, i, sc, g); at == runAtName {
						continue
					} else if at == runAtValue {
						e = mm.nodes[prev].e
					}
				}
				goto value
			}
			// The other guesses, in line: they are guessAgain's, which
			// validObject calls, but the call cost passMembers 68
			// instructions per multi-field event and 26 per
			// escapes-unicode event more (callgrind trusted: 3953 ->
			// 4105 and 4487 -> 4513 instr/event).
			if prev < memoNames {
				// The first name of an object: the other names that
				// began this scope's objects lately.
				for _, f := range mm.nodes[prev].firsts {
					if nd := &mm.nodes[f]; (x&nd.m0^nd.w0)|(y&nd.m1^nd.w1) == 0 && nd.sc == sc {
						mm.nodes[prev].next = f
						e, i, prev = nd.e, start+int(nd.n), f
						goto value
					}
				}
			} else if a := mm.nodes[prev].alt; a != memoSink {
				// The name that followed the last one before: two
				// layouts taking turns (nameNode.alt). It becomes the
				// first guess.
				if nd := &mm.nodes[a]; (x&nd.m0^nd.w0)|(y&nd.m1^nd.w1) == 0 && nd.sc == sc {
					mm.nodes[prev].next, mm.nodes[prev].alt = a, g
					e, i, prev = nd.e, start+int(nd.n), a
					goto value
				}
			}
		} else if start > memoEnd+8 {
			return nil, i, passName, 0, memoSink
		} else {
			x = load64(d, start) // start+8 <= len(d)
		}
		if m := wordNameStops(x); m != 0 {
			n := bits.TrailingZeros64(m) >> 3
			if byte(x>>(8*n)) != '"' {
				return nil, i, passName, 0, memoSink
			}
			i = start + n + 1
			w0 := x & (1<<(8*n) - 1)
			if sc.has(n) {
				e = sc.findShort(w0, n)
			}
			prev = mm.learn(prev, sc, e, w0, 0, n)
		} else {
			if start+16 > len(d) {
				return nil, i, passName, 0, memoSink
			}
			y := load64(d, start+8) // start+16 <= len(d)
			m := wordNameStops(y)
			if m == 0 {
				// A name of 16 bytes or more, most likely: its own node
				// before the next name (nameMemo.long), and, where it is
				// the name that came next last time and its tail is
				// kept (setTail: n over 16, the name and its quote),
				// guessed by two words more.
				g := mm.nodes[prev].next
				if nd := &mm.nodes[g]; nd.w0 == x && nd.w1 == y && nd.n > 16 && nd.sc == sc && start+32 <= len(d) {
					t := &mm.tails[g]
					if (load64(d, start+16)&t.m2^t.w2)|(load64(d, start+24)&t.m3^t.w3) == 0 { // start+32 <= len(d)
						e, i, prev = nd.e, start+int(nd.n), g
						goto value
					}
				}
				return nil, i, passName, 0, mm.long(prev, sc, x, y)
			}
			n := bits.TrailingZeros64(m) >> 3
			if byte(y>>(8*n)) != '"' {
				return nil, i, passName, 0, memoSink
			}
			i = start + 8 + n + 1
			w1 := y & (1<<(8*n) - 1)
			if sc.has(8 + n) {
				e = sc.find(x, w1, 8+n)
			}
			prev = mm.learn(prev, sc, e, x, w1, 8+n)
		}
	value:
		// The usual member nobody matches has a plain ASCII string for
		// its value, right after the ':'; some have an array of none or
		// one ("resources":[] or ["arn:..."]).
		if i+3 > len(d) {
			return e, i, passMember, 0, prev
		}
		if e != nil {
			// A plain string at a pattern path, or an array of none or
			// one, is found here for object to match where it lies. The
			// path's matcher is read from the name's node (nameNode.pm,
			// set where the entry counts), in the line the guess has just
			// compared, not from the entry: at mixed-10000, where events
			// of one kind follow another's, the entry's line was an L1
			// miss 2.9 times an event (callgrind trusted, cache
			// simulated, 10 000 events).
			if pm := mm.nodes[prev].pm; pm != nil {
				switch load16(d, i) { // i+2 <= len(d)
				case ':' | '"'<<8:
					if j := asciiRunEndMem(d, i+2); uint(j) < uint(len(d)) && d[j] == '"' {
						mm.left--
						mm.m.plainString(pm, d[i+2:j])
						i = j + 1
						if mm.left == 0 {
							return e, i, passDone, 0, prev
						}
						goto sep
					}
					// Any other string there (escapes, text over 0x7F)
					// is stringTrusted's, called from here too.
					if k := mm.m.stringTrusted(d, i+1, pm); k >= 0 {
						mm.left--
						i = k
						if mm.left == 0 {
							return e, i, passDone, 0, prev
						}
						goto sep
					}
				case ':' | '['<<8:
					switch d[i+2] { // i+3 <= len(d)
					case ']':
						return e, i + 3, passList, -1, prev
					case '"':
						if j := asciiRunEndMem(d, i+3); uint(j+1) < uint(len(d)) && load16(d, j) == '"'|']'<<8 { // j+2 <= len(d)
							return e, i + 3, passList, j, prev
						}
					}
				}
			}
			if e.sc != nil && load16(d, i) == ':'|'{'<<8 { // i+2 <= len(d)
				return e, i + 1, passObject, 0, prev
			}
			return e, i, passMember, 0, prev
		}
		switch load16(d, i) { // i+2 <= len(d)
		case ':' | '"'<<8:
			// (Two words a turn here, one test for the pair and the
			// first stop found without a branch, lost: passMembers
			// 1601 -> 1770 instr/event on escapes-unicode trusted, 2478
			// -> 2668 on mixed-10000, the short values taking the pair
			// and the select; paired thread CPU +9.0 / +4.5 ns/event,
			// 600 pairs, both build orders, load 15.)
			//
			// (The end found from the event's quote and backslash bit
			// masks, as simdjson does, lost too: the masks of the
			// 64-byte blocks from the first string's block on, filled
			// once (an AVX2 loop, 22 instructions a block; to eight
			// blocks past the string's next, at most 4 KB), the string's
			// end the lowest quote bit of the word read at its start's
			// byte in the bit array, a backslash before it handing
			// over to this loop. Callgrind trusted, instr/event and
			// branch-sim conditional mispredicts/event: multi-field
			// 4081 -> 4307 and 61.1 -> 53.9 (the loop's exits, 14.1,
			// to 6.0), escapes-unicode 3989 -> 4276 and 39.3 -> 37.2,
			// mixed-10000 8033 -> 8435 and 124 -> 120, exact 1664 ->
			// 2107, cloudtrail-large 18858 -> 20718: the fill (~330
			// instr/event on multi-field) costs more than the scans it
			// saves (~18 instructions a string, 11.5 strings an
			// event). A/B on-off median, 300 rounds, two runs:
			// multi-field +11.6 / +9.0 %, escapes-unicode +10.3 /
			// +9.6, mixed-10000 +5.9 / +8.8, cloudtrail-large +7.2 /
			// +9.7, exact +22.9 / +24.4. One mask of both (17
			// instructions a block), +157 instr/event: multi-field
			// +7.0 / +9.2 %, escapes-unicode +7.3 / +5.6, mixed-10000
			// +5.3 / +5.3, cloudtrail-large +5.1 / +4.3, exact +20.9
			// / +18.2. The mispredicts the model saves are not there
			// on the hardware: with the fill in both sides, the
			// lookup against this loop (-192 instr, -5.9 mispredicts
			// per multi-field event) gave only -3.0 / -3.9 %
			// (multi-field) and -2.3 / -2.4 % (escapes-unicode), 500
			// rounds, within the quartiles: about the instructions
			// alone. A fill pays off only where a pass reads the whole
			// event; this loop stops early and its strings are short.)
			j := asciiRunEndMem(d, i+2)
			// The string's closing quote and the usual ',"' after it
			// are read as one word.
			if j+4 <= len(d) && load32(d, j)&0xFFFFFF == '"'|','<<8|'"'<<16 { // j+4 <= len(d)
				i = j + 2
				continue
			}
			if uint(j) >= uint(len(d)) || d[j] != '"' {
				return nil, i, passMember, 0, prev
			}
			i = j + 1
		case ':' | '['<<8:
			switch d[i+2] { // i+3 <= len(d)
			case ']':
				i += 3
			case '"':
				j := asciiRunEndMem(d, i+3)
				if uint(j+1) >= uint(len(d)) || load16(d, j) != '"'|']'<<8 { // j+2 <= len(d)
					return nil, i, passMember, 0, prev
				}
				i = j + 2
			default:
				return nil, i, passMember, 0, prev
			}
		default:
			// A number or a literal (true, false, null) right after the
			// ':' is its bytes up to the ',', '}', ']' or space after it,
			// as skipTrusted reads it, passed here where a return to
			// object and skipTrusted cost 60 instructions more. An object
			// or array is object's.
			if c := d[i+1]; d[i] != ':' || c == '{' || c == '[' || c <= ' ' { // i+3 <= len(d)
				return nil, i, passMember, 0, prev
			}
			j := i + 2
			for j < len(d) {
				if c := d[j]; c == ',' || c == '}' || c == ']' || c <= ' ' {
					break
				}
				j++
			}
			i = j
		}
		// The usual ',"' after a value is read as one word.
	sep:
		if i+2 <= len(d) && load16(d, i) == ','|'"'<<8 { // i+2 <= len(d)
			i++
			continue
		}
		if uint(i) < uint(len(d)) && d[i] == '}' {
			return nil, i + 1, passEnd, 0, prev
		}
		return nil, i, passSep, 0, prev
	}
}

// slowName reads a member name at d[i] that passMembers leaves: by
// words where they fit (a name of 16 bytes or more, readLong), else byte
// by byte (memberName, the definition, which finds a dotted name by its
// full path, decodes escapes, and reports every error in a name). It
// returns the member's entry (nil: nobody matches it) and the index
// after the name. A name read by words whose node passMembers made
// (prev, nameMemo.long) keeps its tail there for the next guess.
func (mt *Matcher) slowName(d []byte, i int, sc *scope, wordEnd int, prev uint8) (*pathEntry, int, error) {
	if start := i + 1; start <= wordEnd && start+16 <= len(d) {
		x, y := load64(d, start), load64(d, start+8) // start+16 <= len(d)
		if wordNameStops(x)|wordNameStops(y) == 0 {
			if e, j := sc.readLong(d, start, x, y); j >= 0 {
				if prev >= memoNames && mt.memo.nodes[prev].n == 0 {
					// A long name's new node (nameMemo.long): its
					// rest, for the next guess.
					mt.memo.setTail(prev, d, start, j-start, e)
				}
				return e, j + 1, nil
			}
		}
	}
	return mt.memberAt(d, i, sc)
}

// shortList matches an array of none or one plain string at pm, as
// array and value would, without their calls: end is -1 for [] (d[i] is
// after it), else the index of the string's closing quote (its body
// starts at d[i]). The element pins no index. It returns the index after
// the array, or -1 where the array is deeper than the limit, for array
// to say so.
func (mt *Matcher) shortList(d []byte, i, end, depth int, pm *pathMatcher) int {
	if depth+1 > mt.m.cfg.MaxDepth {
		return -1
	}
	mt.arrays++
	if end < 0 {
		return i
	}
	mt.addLeaf(pm, tagString, d[i:end])
	return end + 2
}

// plainString matches val, the body of a plain ASCII string that is a
// member's value at pattern path pm, for passMembers: the usual leaf of
// the usual rule (source, detail-type, a state: exact values, in no
// array) is looked up in the path's table, as tabString would, and its
// one mark stamped in line; any other is addLeaf's. passMembers calls it
// where the string lies, and goes on to the next name.
//
// Measured and lost: the key found by its first word before the end is
// searched for, as stringTrusted finds one with escapes (headtab.go): a
// heads index of a table's plain ASCII keys (with each key's last word,
// so that up to 16 bytes compare without formEqual; a miss where it
// holds them all only searches for the end), called from passMembers at
// a path of exact values before the ASCII run, and the heads of keys
// over 0x7F tried there too. Callgrind trusted, instr/event: multi-field
// 3893 -> 3780, escapes-unicode 3781 -> 3692, mixed-10000 passMembers +
// plainString 2943 -> ~2820; bench-like paired thread CPU (600 pairs,
// both build orders, load 14-17), on-off median: escapes-unicode +2.2 /
// +0.6 ns/event, multi-field +4.8 / +6.7 (the ASCII index alone:
// escapes-unicode -7.3 / -8.6, multi-field +3.3 / +3.6, mixed-10000
// +27 / +5, 400 pairs). Fewer instructions, more lines on the way to
// the slot (the table's header, the head slot, then the key's slot,
// where this goes from pm's first line to the slot).
func (mt *Matcher) plainString(pm *pathMatcher, val []byte) {
	if pm.leafSlots == nil || len(mt.stack) > 0 {
		if pm.strOnly == strOnlySuf && len(mt.stack) == 0 {
			// The suffix table alone (strOnly; stringTrusted says what
			// it saved).
			mt.freeString(pm)
			mt.suffix(pm.affixTab, int(pm.sufLen), val)
			return
		}
		mt.addLeaf(pm, tagString, val)
		return
	}
	// The path's one leaf, looked up in its table alone (deadbelow.go).
	if pm.guardPath && uint(pm.idx) < uint(len(mt.pathLeaves)) {
		mt.pathLeaves[pm.idx].seen = mt.epoch
	}
	// The table's find(val), in line: its call, the arguments moved for
	// it and mt and pm kept across it cost (callgrind trusted,
	// plainString + find, instr/event): multi-field 658 -> 592,
	// mixed-10000 639 -> 588, cloudtrail-large 1501 -> 1391,
	// escapes-unicode 369 -> 353. Its slots, shift and probe are read
	// from pm's first line (leafSlots).
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
				k, m := stringBytes(s.keyString()), n/2-4
				if (load64(k, 8)^load64(val, 8))|(load64(k, m)^load64(val, m))|(load64(k, n-16)^load64(val, n-16)) == 0 {
					break
				}
			} else if midEqual(s.keyString(), val) {
				break
			}
		}
		if s.hash == 0 || p >= uint(pm.leafProbe) {
			return
		}
	}
	if p := s.one; p >= 0 {
		// stamp of one mark, in line, as tabString does.
		if ps := &mt.pred[p]; ps.epoch != mt.epoch {
			mt.firstHit(ps, p)
		} else if mt.hits[ps.head].leaf != 0 {
			mt.hit(p, 0)
		}
	} else if s.plain {
		mt.stamp(s.preds())
	} else {
		// The slot's key, equal to val: val dead across find's call
		// (spills of its words on every call: plainString 327 -> 316
		// instr/event on multi-field trusted, 5.5 calls an event).
		mt.freeString(pm)
		mt.fireAll(s.marks(), stringBytes(s.keyString()))
	}
}
