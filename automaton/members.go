package automaton

import (
	"bytes"
	"math/bits"
	"sort"
	"strings"
)

// A scope is an object on the way to the pattern paths, as the scanner
// meets it: the member names there that are, or lead to, a pattern path.
// The scanner looks each member name up in the scope of the object it is
// in, with no dotted path built and no hash: most names are ruled out by
// their length alone, and the others by comparing a few bytes. Only a
// member named with a dot ({"a.b":1} is {"a":{"b":1}}) needs the full
// path, and is looked up in subMachine.index.
type scope struct {
	path  string // the object's dotted path; "" at the top
	names []scopeName
	lens  uint64 // bit len%64 of every name
	// from[n] is the first of the names (sorted by length) whose length
	// is n%64, when lens says there is one.
	from [64]uint8
	// byName replaces the list where it is long.
	byName map[string]pathEntry
}

type scopeName struct {
	name string
	e    pathEntry
}

// noScope is the scope of a machine with no paths.
var noScope scope

// scopeListMax: up to this many names a scope is searched as a list.
const scopeListMax = 16

// lookup returns the entry of a member name without a dot, if it is one
// of the scope's.
func (s *scope) lookup(key []byte) (pathEntry, bool) {
	if s.lens&(1<<(len(key)&63)) == 0 {
		return pathEntry{}, false
	}
	if s.byName != nil {
		e, ok := s.byName[string(key)]
		return e, ok
	}
	for k := int(s.from[len(key)&63]); k < len(s.names); k++ {
		n := &s.names[k]
		if len(n.name) != len(key) {
			if len(n.name) > len(key) {
				break
			}
			continue // a name 64 bytes shorter or longer
		}
		// Names of one length mostly differ in their first byte: that
		// compare costs no call.
		if len(key) > 0 && n.name[0] != key[0] {
			continue
		}
		if n.name == string(key) {
			return n.e, true
		}
	}
	return pathEntry{}, false
}

// buildScopes derives the scopes from the index (after countNeeds, whose
// counts the entries carry), and points every prefix entry at its scope.
func (s *subMachine) buildScopes() {
	scopes := map[string]*scope{"": {}}
	for k, e := range s.index {
		if e.below {
			scopes[k] = &scope{path: k}
		}
	}
	for k, e := range s.index {
		if e.below {
			e.sc = scopes[k]
			s.index[k] = e
		}
	}
	for k, e := range s.index {
		parent, name := "", k
		if j := strings.LastIndexByte(k, '.'); j >= 0 {
			parent, name = k[:j], k[j+1:]
		}
		if sc := scopes[parent]; sc != nil {
			sc.names = append(sc.names, scopeName{name: name, e: e})
			sc.lens |= 1 << (len(name) & 63)
		}
	}
	for _, sc := range scopes {
		sort.Slice(sc.names, func(a, b int) bool {
			na, nb := sc.names[a].name, sc.names[b].name
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			return na < nb
		})
		for k := len(sc.names) - 1; k >= 0; k-- {
			sc.from[len(sc.names[k].name)&63] = uint8(k)
		}
		if len(sc.names) > scopeListMax {
			sc.byName = make(map[string]pathEntry, len(sc.names))
			for _, n := range sc.names {
				sc.byName[n.name] = n.e
			}
		}
	}
	s.root = scopes[""]
}

// member finds what the member named key of the object in scope sc leads
// to: its own name, or, for a name with a dot, the full path (which may
// lead further than one level). direct is false for the dotted: such a
// member is not one of the names the early stop counts.
func (mt *Matcher) member(sc *scope, key []byte, dotted bool) (e pathEntry, ok, direct bool) {
	if !dotted {
		e, ok = sc.lookup(key)
		return e, ok, true
	}
	if bytes.IndexByte(key, '.') < 0 {
		e, ok = sc.lookup(key)
		return e, ok, true
	}
	p := mt.path[:0]
	if sc.path != "" {
		p = append(append(p, sc.path...), '.')
	}
	p = append(p, key...)
	mt.path = p
	if mt.sub.lengths&(1<<(len(p)&63)) == 0 {
		return pathEntry{}, false, false
	}
	e, ok = mt.sub.index[string(p)]
	return e, ok, false
}

// memberName reads a member name at d[i] (a '"'); escapes are decoded
// into keyBuf. dotted is set when the name may hold a '.': always for a
// name with escapes, else when its raw bytes hold one (found in the same
// eight-byte steps as the end of the string).
func (mt *Matcher) memberName(d []byte, i int) (key []byte, next int, dotted bool, err error) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	start := i + 1
	j := start
	var dots uint64
	for ; j+8 <= len(d); j += 8 {
		x := load64(d, j) // j+8 <= len(d)
		q := x ^ (ones * '"')
		b := x ^ (ones * '\\')
		p := x ^ (ones * '.')
		m := (((q - ones) &^ q) | ((b - ones) &^ b) | ((x - ones*0x20) &^ x)) & highs
		dm := ((p - ones) &^ p) & highs
		if m != 0 {
			stop := bits.TrailingZeros64(m)
			dots |= dm & (1<<stop - 1)
			j += stop / 8
			break
		}
		dots |= dm
	}
	if j+8 > len(d) {
		for ; j < len(d); j++ {
			c := d[j]
			if c == '"' || c == '\\' || c < 0x20 {
				break
			}
			if c == '.' {
				dots = 1
			}
		}
	}
	if j < len(d) && d[j] == '"' {
		return d[start:j], j + 1, dots != 0, nil
	}
	return mt.nameSlow(d, i, j)
}

// nameSlow is memberName past a stop that is not the closing quote: an
// escape, a control character or the end of the input.
func (mt *Matcher) nameSlow(d []byte, i, j int) ([]byte, int, bool, error) {
	switch {
	case j >= len(d):
		return nil, len(d), false, &SyntaxError{len(d), "unexpected end of input in a string"}
	case d[j] == '\\':
		buf, next, err := unescape(mt.keyBuf[:0], d, i)
		mt.keyBuf = buf
		return buf, next, true, err
	}
	return nil, j, false, &SyntaxError{j, "control character in a string"}
}
