package automaton

import (
	"bytes"
	"fmt"
	"slices"
	"unicode/utf8"
)

// TrustError reports an event that is valid JSON but breaks MatchTrusted's
// contract: two members of one object name the same member (after
// unescaping, a dotted name standing for its first part).
type TrustError struct {
	Offset int    // the later of the two member names
	Name   string // the member named twice (the first part, for a dotted name)
	// TopEmpty: the event has a top-level member named "" holding an
	// object or an array, whose members are top-level members
	// (docs/semantics/patterns.md §7); Offset is its name's.
	TopEmpty bool
}

func (e *TrustError) Error() string {
	if e.TopEmpty {
		return fmt.Sprintf("automaton: event has a top-level member named \"\" holding an object or an array (at byte %d), whose members count as top-level members: MatchTrusted may answer it differently from Match", e.Offset)
	}
	return fmt.Sprintf("automaton: event names member %q twice in one object (at byte %d): MatchTrusted may answer it differently from Match", e.Name, e.Offset)
}

// CheckTrusted reports whether event meets MatchTrusted's contract on
// this machine (see MatchTrusted): nil when it does, and then
// MatchTrusted answers it exactly as Match. Otherwise the error is
// Match's own for an event Match rejects (a *SyntaxError, a
// *NotObjectError, an oversized event), or a *TrustError for a member
// named twice. It reads the whole event and allocates nothing once the
// Matcher's buffers have grown.
func (mt *Matcher) CheckTrusted(event []byte) error {
	if len(event) > mt.m.cfg.MaxEventSize {
		return fmt.Errorf("automaton: event is %d bytes, larger than the limit of %d", len(event), mt.m.cfg.MaxEventSize)
	}
	i := skipWS(event, 0)
	if i >= len(event) || event[i] != '{' {
		return notObject(event, i)
	}
	if !utf8.Valid(event) {
		k := invalidUTF8(event)
		return &SyntaxError{k, "invalid UTF-8"}
	}
	c := &mt.check
	c.names, c.members, c.twin = c.names[:0], c.members[:0], nil
	i, err := c.value(event, i, 1, mt.m.cfg.MaxDepth)
	if err != nil {
		return err
	}
	if i = skipWS(event, i); i != len(event) {
		return &SyntaxError{i, "unexpected data after the end of the event"}
	}
	if c.twin != nil {
		return c.twin // only now: a syntax error later in the event comes first
	}
	return nil
}

// CheckTrusted is Matcher.CheckTrusted with a pooled Matcher.
func (m *Machine) CheckTrusted(event []byte) error {
	mt := m.getMatcher()
	err := mt.CheckTrusted(event)
	m.matchers.Put(mt)
	return err
}

// trustCheck is CheckTrusted's memory: the names of the members of the
// objects open on the way down (the part before the first dot), back to
// back in names, one trustMember each.
type trustCheck struct {
	names   []byte
	members []trustMember
	scratch []byte      // a name with escapes, decoded
	twin    *TrustError // the first member named twice
}

type trustMember struct {
	from, to int32 // the name's first part, in names
	at       int32 // its offset in the event
	dotted   bool
}

// value checks the value at d[i] (depth: the nesting of containers, as
// Match counts it).
func (c *trustCheck) value(d []byte, i, depth, maxDepth int) (int, error) {
	if i >= len(d) {
		return i, &SyntaxError{i, "expected a value"}
	}
	switch d[i] {
	case '{':
		return c.object(d, i, depth, maxDepth)
	case '[':
		if depth > maxDepth {
			return i, &SyntaxError{i, fmt.Sprintf("nesting deeper than the limit of %d levels", maxDepth)}
		}
		i = skipWS(d, i+1)
		if i < len(d) && d[i] == ']' {
			return i + 1, nil
		}
		for {
			var err error
			if i < len(d) && (d[i] == '-' || d[i]-'0' < 10) {
				i, err = scanNumber(d, i) // most arrays hold numbers (a polygon)
			} else {
				i, err = c.value(d, i, depth+1, maxDepth)
			}
			if err != nil {
				return i, err
			}
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
	return skipValue(d, i, depth) // a scalar
}

// object checks the object at d[i] and that no two of its members name
// the same member.
func (c *trustCheck) object(d []byte, i, depth, maxDepth int) (int, error) {
	if depth > maxDepth {
		return i, &SyntaxError{i, fmt.Sprintf("nesting deeper than the limit of %d levels", maxDepth)}
	}
	nameBase, base := len(c.names), len(c.members)
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(d) || d[i] != '"' {
			return i, &SyntaxError{i, "expected a double-quoted member name"}
		}
		at := i
		name := d[i+1:]
		if j := stringStop(d, i+1); j < len(d) && d[j] == '"' {
			name, i = d[i+1:j], j+1
		} else {
			var err error
			c.scratch, i, err = unescape(c.scratch[:0], d, i)
			if err != nil {
				return i, err
			}
			name = c.scratch
		}
		dot := bytes.IndexByte(name, '.')
		if dot >= 0 {
			name = name[:dot]
		}
		from := len(c.names)
		c.names = append(c.names, name...)
		c.members = append(c.members, trustMember{int32(from), int32(len(c.names)), int32(at), dot >= 0})
		i = skipWS(d, i)
		if i >= len(d) || d[i] != ':' {
			return i, &SyntaxError{i, "expected ':' after a member name"}
		}
		i = skipWS(d, i+1)
		if depth == 1 && dot < 0 && len(name) == 0 && c.twin == nil && i < len(d) && (d[i] == '{' || d[i] == '[') {
			c.twin = &TrustError{Offset: int(at), Name: "", TopEmpty: true}
		}
		var err error
		if i, err = c.value(d, i, depth+1, maxDepth); err != nil {
			return i, err
		}
		i = skipWS(d, i)
		if i >= len(d) {
			return i, &SyntaxError{i, "unexpected end of input in an object"}
		}
		switch d[i] {
		case ',':
			i = skipWS(d, i+1)
		case '}':
			if c.twin == nil {
				c.twin = c.twice(base)
			}
			c.names, c.members = c.names[:nameBase], c.members[:base]
			return i + 1, nil
		default:
			return i, &SyntaxError{i, "expected ',' or '}' in an object"}
		}
	}
}

// twice finds two members from members[base:] that name the same member:
// the same first part, one of them without a dot. (Two dotted names may
// share a first part: {"a.b":1,"a.c":2} is {"a":{"b":1,"c":2}}.) The
// members are sorted by first part, undotted first, and each run of
// equal parts checked.
func (c *trustCheck) twice(base int) *TrustError {
	ms := c.members[base:]
	if len(ms) < 2 {
		return nil
	}
	part := func(m trustMember) []byte { return c.names[m.from:m.to] }
	slices.SortFunc(ms, func(a, b trustMember) int {
		if k := bytes.Compare(part(a), part(b)); k != 0 {
			return k
		}
		switch {
		case a.dotted == b.dotted:
			return int(a.at - b.at)
		case !a.dotted:
			return -1
		}
		return 1
	})
	for k := 1; k < len(ms); k++ {
		if !ms[k-1].dotted && bytes.Equal(part(ms[k-1]), part(ms[k])) {
			return &TrustError{Offset: int(max(ms[k-1].at, ms[k].at)), Name: string(part(ms[k]))}
		}
	}
	return nil
}
