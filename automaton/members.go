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
// in, with no dotted path built: a name is found, or ruled out, by its
// first eight bytes and its length in a small open-addressing table, most
// often with one compare, the words it compares being those it read to
// find the end of the name. Only a member named with a dot ({"a.b":1} is
// {"a":{"b":1}}) needs the full path, and is looked up in
// subMachine.index.
type scope struct {
	path  string // the object's dotted path; "" at the top
	names []scopeName
	// slots is the table of names: a power of two long, at least twice
	// as long as names (so a search ends at an empty slot within a few
	// steps), found from a name's first word and length by nameHash
	// shifted right by shift. A scope copied for a write copies it and
	// points it at its own names (ownScope).
	slots []nameSlot
	shift uint8
	lens  uint64 // bit len%64 of every name
	// id tells the scopes of a machine apart in a Matcher's nameMemo
	// (its copies keep it); memo is the node before an object's first
	// name there (memoStart), worked out with it (setID).
	id   uint32
	memo uint8
	// oneField: at most one pattern path lies at the object's path or
	// below it, so no clause has two fields whose leaves an element of
	// an array here could make inconsistent: array does not pin its
	// elements' index (pinless.go).
	oneField bool
}

// setID gives the scope its id, and its first memo node with it: the
// node is read once per object, where the division by memoNames-1 cost
// some eight instructions a call.
func (sc *scope) setID(id uint32) {
	sc.id = id
	sc.memo = uint8(1 + id%(memoNames-1))
}

type scopeName struct {
	name string
	e    pathEntry
}

// A nameSlot holds one name of a scope by the words the scanner reads:
// w0 is its first eight bytes and w1 the next eight, each zero above the
// name's length when it is shorter. Names of up to 16 bytes are compared
// whole by the two words and the length; a longer one also by the rest.
type nameSlot struct {
	w0, w1 uint64
	n      int32      // the name's length; -1 in an empty slot
	k      int32      // its position in names
	e      *pathEntry // its entry there, &names[k].e
}

// hashMul is an odd constant with well-spread bits (2^64/φ): the top bits
// of a word multiplied by it depend on all of the word's bits.
const hashMul = 0x9E3779B97F4A7C15

// nameHash mixes a name's first word and its length; a slot is found from
// its top bits.
func nameHash(w0 uint64, n int) uint64 {
	return (w0 + uint64(n)) * hashMul
}

// nameWords returns the words a slot holds for name.
func nameWords(name []byte) (w0, w1 uint64) {
	for k := 0; k < len(name) && k < 16; k++ {
		if k < 8 {
			w0 |= uint64(name[k]) << (8 * k)
		} else {
			w1 |= uint64(name[k]) << (8 * (k - 8))
		}
	}
	return w0, w1
}

// noScope is the scope of a machine with no paths.
var noScope = newScope("", nil)

// newScope builds the scope of the object at path with the given names
// (distinct, none holding a '.').
func newScope(path string, names []scopeName) *scope {
	sc := &scope{path: path}
	sc.setID(0)
	sc.setNames(names)
	return sc
}

// setNames makes names the scope's, and builds the table and dot offsets
// from them.
func (sc *scope) setNames(names []scopeName) {
	sort.Slice(names, func(a, b int) bool { return names[a].name < names[b].name })
	size := 2
	for size < 2*len(names) {
		size *= 2
	}
	sc.names = names
	sc.slots = make([]nameSlot, size)
	sc.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	sc.lens = 0
	for k := range sc.slots {
		sc.slots[k].n = -1
	}
	for k, nm := range names {
		w0, w1 := nameWords([]byte(nm.name))
		h := uint(nameHash(w0, len(nm.name)) >> sc.shift)
		for sc.slots[h&uint(size-1)].n >= 0 {
			h++
		}
		sc.slots[h&uint(size-1)] = nameSlot{w0: w0, w1: w1, n: int32(len(nm.name)), k: int32(k), e: &names[k].e}
		sc.lens |= 1 << (len(nm.name) & 63)
	}
}

// has tells whether the scope may have a name of length n: most names
// are ruled out by their length alone, before find.
func (sc *scope) has(n int) bool {
	return sc.lens&(1<<(n&63)) != 0
}

// find returns the entry of the name of length n (at most 16) whose
// words are w0 and w1 (as nameWords gives them), or nil.
func (sc *scope) find(w0, w1 uint64, n int) *pathEntry {
	mask := uint(len(sc.slots) - 1)
	h := uint(nameHash(w0, n) >> (sc.shift & 63))
	for {
		s := &sc.slots[h&mask]
		if s.w0 == w0 && s.w1 == w1 && int(s.n) == n {
			return s.e
		}
		if s.n < 0 {
			return nil
		}
		h++
	}
}

// findShort is find for a name of n <= 8 bytes, w0 (w1 is 0): a slot of
// that length holds 0 for its w1 too, so w1 need not be compared.
func (sc *scope) findShort(w0 uint64, n int) *pathEntry {
	mask := uint(len(sc.slots) - 1)
	h := uint(nameHash(w0, n) >> (sc.shift & 63))
	for {
		s := &sc.slots[h&mask]
		if s.w0 == w0 && s.n == int32(n) {
			return s.e
		}
		if s.n < 0 {
			return nil
		}
		h++
	}
}

// findLong is find for a name longer than 16 bytes: names that share its
// words and length are told apart by the rest.
func (sc *scope) findLong(w0, w1 uint64, key []byte) *pathEntry {
	mask := uint(len(sc.slots) - 1)
	h := uint(nameHash(w0, len(key)) >> (sc.shift & 63))
	for {
		s := &sc.slots[h&mask]
		if s.w0 == w0 && s.w1 == w1 && int(s.n) == len(key) && sc.names[s.k].name == string(key) {
			return s.e
		}
		if s.n < 0 {
			return nil
		}
		h++
	}
}

// entry returns the entry of a member name without a dot, or nil if it
// is none of the scope's.
func (sc *scope) entry(key []byte) *pathEntry {
	if !sc.has(len(key)) {
		return nil
	}
	w0, w1 := nameWords(key)
	if len(key) <= 16 {
		return sc.find(w0, w1, len(key))
	}
	return sc.findLong(w0, w1, key)
}

// readLong reads by words the rest of a member name whose body starts
// at d[start] with the words x and y (no stop in them), while a word
// fits in the input, and looks it up: it returns the name's entry (or
// nil) and the index of its closing quote, or j = -1 where it stopped at
// anything else (an escape, a control character, a dot, a non-ASCII
// byte, the end of the input) for memberName to read. (object reads
// names shorter than 16 bytes
// itself.) A stop is found as in stringStop: the lowest flagged byte is
// exact.
func (sc *scope) readLong(d []byte, start int, x, y uint64) (e *pathEntry, j int) {
	for j = start + 16; j+8 <= len(d); j += 8 {
		if m := wordNameStops(load64(d, j)); m != 0 { // j+8 <= len(d)
			j += bits.TrailingZeros64(m) >> 3
			if d[j] != '"' {
				return nil, -1
			}
			if !sc.has(j - start) {
				return nil, j
			}
			if j-start == 16 {
				return sc.find(x, y, 16), j
			}
			return sc.findLong(x, y, d[start:j]), j
		}
	}
	return nil, -1
}

// nameStops flags the high bit of each byte of x that is a quote, a
// backslash or a control character, and maybe of bytes above the first
// such byte. Flipping bit 1 moves the quote (0x22) to 0x20 and keeps
// the control characters below it, so one less-than-0x21 test finds
// both.
func nameStops(x uint64) uint64 {
	q := x ^ (ones * 0x02)
	b := x ^ (ones * '\\')
	return ((q-ones*0x21)&^q | (b-ones)&^b) & highs
}

// asciiStops flags (high bit) the bytes of x that end a plain ASCII run
// in a JSON string: a quote, a backslash, a control character or a byte
// over 0x7F; in six operations where nameStops' tests and the high bits
// take eleven. A byte q = x^0x02 less 0x21 has its high bit set when q
// is below 0x21 (the quote, flipped to 0x20, and the control
// characters) or at least 0xA1; b = x^0x5C less one, when b is 0 (the
// backslash) or at least 0x81. An ASCII byte meets only the first cases;
// every byte over 0x7F one of the others (b >= 0x81 but for 0xDC, whose q
// is 0xDE). Left without nameStops' &^, the subtractions flag no ASCII
// byte more. A borrow starts only at a flagged byte and moves upwards,
// so the lowest flagged byte is exact.
func asciiStops(x uint64) uint64 {
	q := x ^ (ones * 0x02)
	b := x ^ (ones * '\\')
	return ((q - ones*0x21) | (b - ones)) & highs
}

// wordNameStops flags the bytes that end a member name read by words
// (validObject, object, readLong): asciiStops' quote, backslash, control
// characters and bytes over 0x7F, and the dots. A name with a dot goes
// to memberName, which finds dotted names by their full path, and one
// with non-ASCII text too, which checks it is UTF-8. p = x^0x2E less one
// flags the dot (p is 0) and bytes over 0x7F (p >= 0x81), as b does in
// asciiStops; the lowest flagged byte is still exact.
func wordNameStops(x uint64) uint64 {
	q := x ^ (ones * 0x02)
	b := x ^ (ones * '\\')
	p := x ^ (ones * '.')
	return ((q - ones*0x21) | (b - ones) | (p - ones)) & highs
}

// buildScopes derives the scopes from the index (after countNeeds, whose
// counts the entries carry), and points every prefix entry at its scope.
//
// A member named "" at the top is no object of its own: a path is its
// parent's path, a dot and the member's name, except at the top, where
// it is the name alone (docs/semantics/patterns.md §7). So {"":{"a":1}}
// holds the path "a", and the top-level "" leads back to the top scope;
// a path that starts with a dot (".a") is a top-level member whose name
// starts with one, found as a dotted name.
func (s *subMachine) buildScopes() {
	root := &scope{}
	root.setID(0)
	scopes := map[string]*scope{}
	for k, e := range s.index {
		if e.below && k != "" {
			scopes[k] = &scope{path: k}
		}
	}
	// Ids in the order of the paths, so that a machine's Matchers
	// remember names (nameMemo) the same way from run to run.
	paths := make([]string, 0, len(scopes))
	for k := range scopes {
		paths = append(paths, k)
	}
	sort.Strings(paths)
	for n, k := range paths {
		scopes[k].setID(uint32(n + 1))
	}
	for k, e := range s.index {
		if e.below && k != "" {
			e.sc = scopes[k]
			s.index[k] = e
		}
	}
	names := make(map[*scope][]scopeName, len(scopes)+1)
	for k, e := range s.index {
		if k == "" {
			continue // the top-level "", below
		}
		parent, name := "", k
		if j := strings.LastIndexByte(k, '.'); j > 0 {
			parent, name = k[:j], k[j+1:]
		} else if j == 0 {
			continue // ".a": a dotted name at the top
		}
		sc := root
		if parent != "" {
			sc = scopes[parent]
		}
		if sc != nil {
			names[sc] = append(names[sc], scopeName{name: name, e: e})
		}
	}
	if len(s.index) > 0 {
		// below marks the top-level "" as the first part of dotted names
		// (".a"), so the scanner looks those up; need stays 0: it is not
		// one of the names the early stop counts (countNeeds).
		names[root] = append(names[root], scopeName{name: "", e: topEntry(s.index[""], root)})
	}
	markOneField(s.index, scopes)
	root.setNames(names[root])
	for _, sc := range scopes {
		sc.setNames(names[sc])
	}
	s.root = root
}

// topEntry is the scope entry of the top-level "" (e: its index entry,
// if any): its own pattern path, if a pattern names "", and the way back
// to the top scope.
func topEntry(e pathEntry, root *scope) pathEntry {
	return pathEntry{pm: e.pm, below: e.below, sc: root, uncounted: e.pm == nil}
}

// member finds what the member named key of the object in scope sc leads
// to (nil: nothing): its own name, or, for a name with a dot, the full
// path (which may lead further than one level). dotted says the name may
// hold a dot. The entry of a dotted name is mt.dotEntry, marked
// uncounted: such a member is not one of the names the early stop
// counts.
func (mt *Matcher) member(sc *scope, key []byte, dotted bool) *pathEntry {
	if !dotted || bytes.IndexByte(key, '.') < 0 {
		return sc.entry(key)
	}
	p := mt.path[:0]
	if sc.path != "" {
		p = append(append(p, sc.path...), '.')
	}
	p = append(p, key...)
	mt.path = p
	if mt.sub.lengths&(1<<(len(p)&63)) == 0 {
		return nil
	}
	e, ok := mt.sub.index[string(p)]
	if !ok {
		return nil
	}
	mt.dotEntry = e
	mt.dotEntry.uncounted = true // not one of the object's own names
	return &mt.dotEntry
}

// memberAt reads the member name at d[i] byte by byte (memberName) and
// finds what it leads to.
func (mt *Matcher) memberAt(d []byte, i int, sc *scope) (*pathEntry, int, error) {
	key, next, dotted, err := mt.memberName(d, i)
	if err != nil {
		return nil, next, err
	}
	return mt.member(sc, key, dotted), next, nil
}

// memberName reads a member name at d[i] (a '"'); escapes are decoded
// into keyBuf. dotted is set when the name may hold a '.': always for a
// name with escapes, else when its raw bytes hold one (found in the same
// eight-byte steps as the end of the string).
func (mt *Matcher) memberName(d []byte, i int) (key []byte, next int, dotted bool, err error) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	start := i + 1
	j := start
	var dots, hi uint64
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
			hi |= x & (1<<stop - 1)
			j += stop / 8
			break
		}
		dots |= dm
		hi |= x
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
			hi |= uint64(c)
		}
	}
	if j < len(d) && d[j] == '"' {
		if hi&highs != 0 && !validUTF8(d[start:j]) {
			k := start + invalidUTF8(d[start:j])
			return nil, k, false, &SyntaxError{k, "invalid UTF-8 in a string"}
		}
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
