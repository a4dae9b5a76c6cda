package automaton

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
)

// MatchTrusted is Match for events already known to meet the trusted
// contract — events a bus has checked on the way in, or a stream its user
// declares trusted. It reads the event only as far as the patterns need:
// once every member that leads to a path some pattern of the snapshot
// names has been passed, it stops, and what it skips on the way it does
// not validate.
//
// The contract (CheckTrusted tells whether an event meets it):
//   - the event is valid JSON in valid UTF-8, within the machine's limits
//     (Config.MaxEventSize and MaxDepth), as Match would accept it;
//   - no two members of one object name the same member, compared after
//     unescaping names and with a dotted name standing for the member its
//     first dot-separated part names: {"a":1,"\u0061":2} breaks it, and
//     so do {"a":{"b":1},"a.b":2} and {"a":{"c":1},"a.b":2}, since
//     {"a.b":2} is {"a":{"b":2}}. Dotted names that only share a prefix
//     ({"a.b":1,"a.c":2}) keep it.
//
// On an event that meets it, MatchTrusted answers exactly as Match does:
// a member it skips could reach a pattern path only as a second member
// for a name already passed. On any other input it may answer instead of
// reporting an error, and the answer may differ from Match's; but it
// never reads out of bounds, never panics and always ends (every step
// moves forward).
func (mt *Matcher) MatchTrusted(dst []ID, event []byte) ([]ID, error) {
	dst = dst[:0]
	mt.begin()
	if len(event) > mt.m.cfg.MaxEventSize {
		return dst, fmt.Errorf("automaton: event is %d bytes, larger than the limit of %d", len(event), mt.m.cfg.MaxEventSize)
	}
	mt.trusted = true
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

// countNeeds derives what MatchTrusted's early stop needs from the index:
// per prefix, the number of distinct member names below it on the way to
// a pattern path, and the same for the top level.
func (s *subMachine) countNeeds() {
	s.rootNeed = 0
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
