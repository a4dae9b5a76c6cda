package automaton

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
)

// MatchTrusted is Match for events already known to be valid JSON
// objects — events a bus or topic has
// validated on the way in, or a stream its user declares trusted. It
// reads the event only as far as the patterns need: once every member
// that leads to a path some pattern of the snapshot names has been
// passed, it stops, and what it skips on the way it does not validate.
//
// The contract: on valid JSON it answers exactly as Match does. On any
// other input it may answer instead of reporting an error, and the answer
// may be wrong; but it never reads out of bounds, never panics and always
// ends (every step moves forward).
//
// The early stop is exact: a later member could still reach a pattern
// path through a dotted name ({"a.b":1} is {"a":{"b":1}}), a duplicate
// name or an escape, so before stopping the unread rest is searched for
// any backslash and any segment of a pattern path followed by a quote or
// a dot; where one may be, the event is read to its end. Where the rest
// is mostly numbers (a polygon, say) that search runs many times faster
// than reading would.
func (mt *Matcher) MatchTrusted(dst []ID, event []byte) ([]ID, error) {
	dst = dst[:0]
	mt.begin()
	if len(event) > mt.m.cfg.MaxEventSize {
		return dst, fmt.Errorf("automaton: event is %d bytes, larger than the limit of %d", len(event), mt.m.cfg.MaxEventSize)
	}
	mt.trusted, mt.noStop, mt.stopFrom = true, false, -1
	dst, err := mt.run(dst, inputEvent, event)
	mt.trusted = false
	return dst, err
}

// MatchTrusted is Matcher.MatchTrusted with a pooled Matcher; it
// allocates its result.
func (m *Machine) MatchTrusted(event []byte) ([]ID, error) {
	mt := m.getMatcher()
	ids, err := mt.MatchTrusted(nil, event)
	m.matchers.Put(mt)
	return ids, err
}

// canStop tells whether nothing in d[i:] can reach a pattern path any
// more. The caller has passed every member name that leads to one; what
// is left could still matter only through a member named with an escape,
// with a dotted name ({"a.b":1} is {"a":{"b":1}}), or with a name seen
// before (a duplicate). With few segments, the rest is searched for a
// backslash and for each segment followed by a quote or a dot. With more,
// it is read string by string, from quote to quote (one vectorised search
// each; the numbers between cost nothing): a string holding a backslash,
// or a member name that is a segment of a pattern path or has one as a
// dotted component, forbids the stop. (In valid JSON a backslash occurs
// only inside strings, and until the first one every quote found
// delimits a string.) The answer is kept for the rest of the event (a
// later position sees less).
func (mt *Matcher) canStop(d []byte, i int) bool {
	if mt.noStop {
		return false
	}
	if mt.stopFrom >= 0 && i >= mt.stopFrom {
		return true
	}
	rest := d[i:]
	if len(mt.sub.segments) <= segmentSearchMax {
		if restReachesSegment(rest, mt.sub.segments) {
			mt.noStop = true
			return false
		}
		mt.stopFrom = i
		return true
	}
	for k := 0; k < len(rest); {
		q := bytes.IndexByte(rest[k:], '"')
		if q < 0 {
			break
		}
		a := k + q + 1
		b := stringStop(rest, a) // the closing quote, unless an escape
		if b >= len(rest) {
			break // not valid JSON: the contract allows any answer
		}
		if rest[b] != '"' {
			mt.noStop = true // an escape (or a control byte: not valid JSON)
			return false
		}
		body := rest[a:b]
		if j := skipWS(rest, b+1); j < len(rest) && rest[j] == ':' && mt.sub.namesSegment(body) {
			mt.noStop = true
			return false
		}
		k = b + 1
	}
	mt.stopFrom = i
	return true
}

// segmentSearchMax: with up to this many segments, canStop searches the
// rest once per segment and once for a backslash instead of string by
// string: a few vectorised passes beat stopping at every string of the
// rest (callgrind, instructions per event on the trusted path: citylots
// exact, 2 segments, 5.2 k this way and 6.1 k string by string; $or, 4
// segments, 7.5 k this way and 7.0 k string by string; multi-field's 20
// segments the same either way). String by string, each string costs one
// vectorised search for its opening quote and one eight-byte scan of its
// body, which finds an escape on the way.
const segmentSearchMax = 3

// restReachesSegment is the search by segments: a backslash anywhere, or
// any segment followed by a quote or a dot, may reach a pattern path.
func restReachesSegment(rest []byte, segments [][]byte) bool {
	if bytes.IndexByte(rest, '\\') >= 0 {
		return true
	}
	for _, seg := range segments {
		for from := 0; ; {
			k := bytes.Index(rest[from:], seg)
			if k < 0 {
				break
			}
			end := from + k + len(seg)
			if end < len(rest) && (rest[end] == '"' || rest[end] == '.') {
				return true
			}
			from = end
		}
	}
	return false
}

// namesSegment tells whether a member name, or a component of a dotted
// one, is a segment of some pattern path.
func (s *subMachine) namesSegment(name []byte) bool {
	for {
		part := name
		dot := bytes.IndexByte(name, '.')
		if dot >= 0 {
			part, name = name[:dot], name[dot+1:]
		}
		if s.segLens&(1<<(len(part)&63)) != 0 {
			for _, seg := range s.segments {
				if string(seg) == string(part) {
					return true
				}
			}
		}
		if dot < 0 {
			return false
		}
	}
}

// countNeeds derives what MatchTrusted's early stop needs from the index:
// per prefix, the number of distinct member names below it on the way to
// a pattern path; the same for the top level; and every distinct segment
// of the paths, which canStop looks for.
func (s *subMachine) countNeeds() {
	s.rootNeed = 0
	s.segments = s.segments[:0:0]
	s.segLens = 0
	seen := map[string]bool{}
	for k := range s.index {
		j := strings.LastIndexByte(k, '.')
		if j < 0 {
			s.rootNeed++
		} else if e, ok := s.index[k[:j]]; ok {
			e.need++
			s.index[k[:j]] = e
		} else {
			// Cannot happen (every proper prefix is indexed); if it did,
			// the top level could never count as passed.
			s.rootNeed = 1 << 30
		}
		if seg := k[j+1:]; seg == "" {
			// A member named "" cannot be searched for: no early stop.
			s.rootNeed = 1 << 30
		} else if !seen[seg] {
			seen[seg] = true
			s.segments = append(s.segments, []byte(seg))
			s.segLens |= 1 << (len(seg) & 63)
		}
	}
}

// skip skips a value nobody matches: validated by Match, only found the
// end of by MatchTrusted.
func (mt *Matcher) skip(d []byte, i, depth int) (int, error) {
	if mt.trusted {
		return skipTrusted(d, i)
	}
	return skipValue(d, i, depth)
}

// skipTrusted returns the end of the value at d[i] of trusted input,
// reading no more than it takes to find it.
func skipTrusted(d []byte, i int) (int, error) {
	if i >= len(d) {
		return i, &SyntaxError{i, "expected a value"}
	}
	switch d[i] {
	case '"':
		return skipStringTrusted(d, i+1), nil
	case '{', '[':
		return finishTrusted(d, i+1, 1), nil
	}
	// A number or a literal: up to the next delimiter.
	j := i + 1
	for j < len(d) {
		if c := d[j]; c == ',' || c == '}' || c == ']' || c <= ' ' {
			break
		}
		j++
	}
	return j, nil
}

// skipStringTrusted returns the end of a string whose body starts at
// d[i], taking every backslash to escape the byte after it.
func skipStringTrusted(d []byte, i int) int {
	for i < len(d) {
		i = stringStop(d, i)
		if i >= len(d) {
			break
		}
		switch d[i] {
		case '"':
			return i + 1
		case '\\':
			i += 2
		default:
			i++ // a control byte: not ours to judge
		}
	}
	return len(d)
}

// finishTrusted returns the position after the open containers that d[i]
// is inside of (open of them), counting brackets outside strings.
func finishTrusted(d []byte, i, open int) int {
	for i < len(d) {
		i = structStop(d, i)
		if i >= len(d) {
			break
		}
		switch d[i] {
		case '"':
			i = skipStringTrusted(d, i+1)
			continue
		case '{', '[':
			open++
		case '}', ']':
			if open--; open == 0 {
				return i + 1
			}
		}
		i++
	}
	return len(d)
}

// structStop returns the index of the first byte at or after d[i] that
// may be structural outside strings — a quote or a bracket — or len(d);
// eight bytes at a time. Brackets are found as the bytes b with
// b|0x26 == 0x7F, which also lets through Y, _, y and DEL: the caller
// treats those as the plain bytes they are.
func structStop(d []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for i+8 <= len(d) {
		x := binary.LittleEndian.Uint64(d[i:])
		q := x ^ (ones * '"')
		b := (x | ones*0x26) ^ (ones * 0x7F)
		m := ((q - ones) &^ q) | ((b - ones) &^ b)
		if m &= highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(d) {
		if c := d[i]; c == '"' || c|0x26 == 0x7F {
			return i
		}
		i++
	}
	return i
}
