package compiler

// This file lays out value machines the way event-ruler 2.0.1 does
// (docs/semantics/patterns.md §4.5.1), so that the wildcard complexity measured over them
// is the engine's. It is a model for measuring, never used for matching: a
// value machine holds the byte chains of one field's values under one name
// state; only values that start with a JSON quote are laid out, since every
// glob starts there and nothing else can share a state with one.

// inChar is one step of a value as event-ruler's parsers give it: a byte,
// a wildcard star, or (equals-ignore-case) the set of byte strings of a
// character's lower and upper case.
type inChar struct {
	kind inKind
	b    byte
	set  [][]byte
}

type inKind uint8

const (
	inByte inKind = iota
	inStar
	inSet
)

// vstate is a state of a value machine. indet is event-ruler's
// "indeterminate prefix": more than one input reaches it (it lies after a
// star or a case-insensitive character), so new values may not reuse it
// freely.
type vstate struct {
	id    int
	indet bool
	edges map[byte][]elem
	order []byte // edge bytes in insertion order, for deterministic walks
	star  []elem // transitions taken on every byte
}

// vmatch is a terminal edge: a pattern and the name state it leads to.
// Equal pattern and name state make the same match (as event-ruler's
// ByteMatch.equals), so a machine keeps one per pair.
type vmatch struct {
	pat  *vpattern
	next *nameState
}

// elem is one transition target: a state, a match, or both (event-ruler's
// composite, made when a value extends past another value's last byte).
type elem struct {
	st *vstate
	m  *vmatch
}

// vpattern is one event-ruler pattern (type and value text), counted when
// it is a wildcard or an anything-but wildcard; suffix marks the types read
// from the end of the value (suffix, suffix equals-ignore-case,
// anything-but suffix).
type vpattern struct {
	key     string
	counted bool
	suffix  bool
	values  [][]inChar // laid out in this order; nil for patterns not laid out
}

// valueMachine is the byte machine of one field under one name state.
type valueMachine struct {
	path    string
	start   *vstate
	states  int
	matches map[matchKey]*vmatch
	other   map[string]*nameState // patterns not laid out: their name state
	effort  *effort               // the whole measure's budget
	// hasSuffix is event-ruler's per-machine hasSuffix counter, as a flag:
	// set once a suffix-type pattern's terminal edge is in the machine.
	hasSuffix bool
}

type matchKey struct {
	pat  string
	next *nameState
}

func newValueMachine(path string, e *effort) *valueMachine {
	vm := &valueMachine{path: path, matches: map[matchKey]*vmatch{}, other: map[string]*nameState{}, effort: e}
	vm.start = vm.newState(false)
	return vm
}

func (vm *valueMachine) newState(indet bool) *vstate {
	vm.states++
	vm.effort.states--
	return &vstate{id: vm.states, indet: indet, edges: map[byte][]elem{}}
}

func (vm *valueMachine) match(p *vpattern, next *nameState) *vmatch {
	k := matchKey{p.key, next}
	m := vm.matches[k]
	if m == nil {
		m = &vmatch{pat: p, next: next}
		vm.matches[k] = m
	}
	return m
}

// add puts a pattern into the machine and returns the name state its
// matches lead to: cand (or a fresh one) unless the machine already holds
// the same pattern, whose name state is then reused.
func (vm *valueMachine) add(p *vpattern, cand *nameState) *nameState {
	if p.values == nil {
		if ns, ok := vm.other[p.key]; ok {
			return ns
		}
		if cand == nil {
			cand = &nameState{}
		}
		vm.other[p.key] = cand
		return cand
	}
	ns := cand
	for _, chars := range p.values {
		ns = vm.addValue(p, chars, ns)
	}
	return ns
}

// addValue follows existing states as far as they can be reused, then lays
// out the rest of the value (event-ruler's addMatchValue).
func (vm *valueMachine) addValue(p *vpattern, chars []inChar, cand *nameState) *nameState {
	s := vm.start
	var prev *vstate
	i := 0
	for ; i < len(chars)-1; i++ {
		var reuse *vstate
		for _, e := range vm.step(s, chars[i]) {
			if vm.canReuse(s, e.st, chars, i) {
				reuse = e.st
				break
			}
		}
		if reuse == nil {
			break
		}
		prev, s = s, reuse
	}
	return vm.endOfValue(s, prev, chars, i, p, cand)
}

// canReuse says whether a new value may go on through next: never through
// a self-loop, always through a determinate state, and through an
// indeterminate one only when the current character cannot also reach it
// another way.
func (vm *valueMachine) canReuse(s, next *vstate, chars []inChar, i int) bool {
	if next == nil || next == s {
		return false
	}
	if !next.indet {
		return !(i == len(chars)-2 && chars[i+1].kind == inStar)
	}
	return !vm.converges(s, chars, i)
}

// converges is event-ruler's doMultipleTransitionsConvergeForInputByte:
// true when s may have two ways on the character starting at chars[i] that
// meet again, either a star edge to another state (the star may match the
// byte or nothing) or a character with distinct lower and upper case.
//
// A character starts at a byte that is not a UTF-8 continuation byte. Once
// the machine holds a suffix-type pattern, a continuation byte right after a
// non-continuation byte starts one too, read backwards as in a reversed
// suffix value: that byte, the continuation bytes after it and the first
// byte that is not one, in reverse order. In a forward value that is the
// second byte of a multi-byte character, and the "character" decoded is
// mostly the next one: in `日a` it is `a`, so a second copy of a glob
// forks inside `日` where, without a suffix in the machine, it would share.
//
// Where event-ruler's check reads a star or a case set as a byte it throws
// (a ClassCastException, the rule is not stored); the model forks there,
// the costlier layout.
func (vm *valueMachine) converges(s *vstate, chars []inChar, i int) bool {
	c := chars[i]
	if c.kind != inByte {
		return false
	}
	backward := false
	if isContinuation(c.b) {
		if !vm.hasSuffix {
			return false
		}
		if i > 0 {
			prev := chars[i-1]
			if prev.kind != inByte {
				return true // event-ruler throws here
			}
			if isContinuation(prev.b) {
				return false // inside a character
			}
		}
		backward = true
	}
	for _, e := range s.star {
		if e.st != s || e.m != nil {
			return true
		}
	}
	var buf []byte
	if backward {
		for k := i; k < len(chars); k++ {
			if chars[k].kind != inByte {
				return true // event-ruler throws here
			}
			buf = append(buf, chars[k].b)
			if !isContinuation(chars[k].b) {
				break
			}
		}
		for l, r := 0, len(buf)-1; l < r; l, r = l+1, r-1 {
			buf[l], buf[r] = buf[r], buf[l]
		}
	} else {
		// event-ruler takes one, two or three bytes by the lead byte.
		n := min(utf8Len(c.b), 3)
		for k := 0; k < n; k++ {
			if i+k >= len(chars) || chars[i+k].kind != inByte {
				return true // event-ruler throws here (never in valid UTF-8)
			}
			buf = append(buf, chars[i+k].b)
		}
	}
	// event-ruler asks whether its equals-ignore-case parser gives the
	// first character two spellings; the transition it then looks up is
	// never null, so the answer does not depend on the machine.
	return len(caseSet(string(buf))) > 1
}

// isContinuation reports a UTF-8 continuation byte (10xxxxxx).
func isContinuation(b byte) bool { return b >= 0x80 && b <= 0xBF }

func utf8Len(b byte) int {
	switch {
	case b < 0x80:
		return 1
	case b < 0xE0:
		return 2
	case b < 0xF0:
		return 3
	}
	return 4
}

// endOfValue lays out chars[j:] from s (event-ruler's addEndOfMatch, less
// its shortcut transitions, which never hold a state a glob could share).
func (vm *valueMachine) endOfValue(s, prev *vstate, chars []inChar, j int, p *vpattern, cand *nameState) *nameState {
	ns := cand
	if ns == nil {
		ns = &nameState{}
	}
	last := len(chars) - 1
	for ; j < last; j++ {
		if j == last-1 && chars[last].kind == inStar {
			break
		}
		trans := vm.step(s, chars[j])
		if len(trans) == 0 {
			break
		}
		if next := preferredState(trans); next != nil {
			if next.indet {
				break
			}
			prev, s = s, next
			continue
		}
		// Only a match on this character: it becomes a composite with a
		// new state, and the value goes on from there.
		n := vm.newState(s.indet)
		old := trans[0]
		vm.replace(s, chars[j], old, elem{st: n, m: old.m})
		prev, s = s, n
	}
	for ; j < last; j++ {
		if vm.effort.out() {
			// The measure is over (judged over any limit): a long value
			// must not outgrow the states budget before it is checked.
			return ns
		}
		n := vm.nextState(s, prev, chars, j)
		prev, s = s, n
	}
	return vm.insertMatch(chars, last, s, ns, p, prev)
}

// preferredState is the first state among the targets, a determinate one
// first (event-ruler's CompoundByteTransition.getNextByteState).
func preferredState(trans []elem) *vstate {
	var first *vstate
	for _, e := range trans {
		if e.st == nil {
			continue
		}
		if !e.st.indet {
			return e.st
		}
		if first == nil {
			first = e.st
		}
	}
	return first
}

// nextState finds or makes the state after chars[j] (event-ruler's
// findOrMakeNextByteState): a state reached only indirectly is never
// reused, so every value gets its own chain from there on.
func (vm *valueMachine) nextState(s, prev *vstate, chars []inChar, j int) *vstate {
	next := preferredState(vm.step(s, chars[j]))
	if next != nil && !next.indet && !(j == len(chars)-2 && chars[j+1].kind == inStar) {
		return next
	}
	n := vm.newState(s.indet)
	c := chars[j]
	if c.kind == inStar {
		n.star = append(n.star, elem{st: n})
		n.indet = true
		s.star = appendElem(s.star, elem{st: n})
		return n
	}
	if c.kind == inSet {
		n.indet = true
	}
	vm.link(s, c, elem{st: n})
	if prev != nil && chars[j-1].kind == inStar {
		// The star before may match nothing.
		vm.link(prev, c, elem{st: n})
	}
	return n
}

// insertMatch puts the terminal edge on the last character, unless the
// same pattern already ends there.
func (vm *valueMachine) insertMatch(chars []inChar, i int, s *vstate, ns *nameState, p *vpattern, prev *vstate) *nameState {
	c := chars[i]
	for _, e := range vm.step(s, c) {
		if e.m != nil && e.m.pat == p {
			return e.m.next
		}
	}
	m := elem{m: vm.match(p, ns)}
	if p.suffix {
		vm.hasSuffix = true
	}
	vm.link(s, c, m)
	if prev != nil && i == len(chars)-1 && i > 0 && chars[i-1].kind == inStar {
		vm.link(prev, c, m)
	}
	return ns
}

// step lists the targets of s on one character: a byte's own targets and
// the star targets; for a case set, the targets every spelling reaches.
func (vm *valueMachine) step(s *vstate, c inChar) []elem {
	vm.effort.spend(1 + len(s.star) + len(s.edges[c.b]))
	switch c.kind {
	case inStar:
		return s.star
	case inByte:
		return onByte(s, c.b)
	}
	var out []elem
	for k, seq := range c.set {
		cur := []elem{{st: s}}
		for _, b := range seq {
			var next []elem
			for _, e := range cur {
				if e.st != nil {
					for _, t := range onByte(e.st, b) {
						next = appendElem(next, t)
					}
				}
			}
			if len(next) == 0 {
				return nil
			}
			cur = next
		}
		if k == 0 {
			out = cur
			continue
		}
		var keep []elem
		for _, e := range out {
			if hasElem(cur, e) {
				keep = append(keep, e)
			}
		}
		if out = keep; len(out) == 0 {
			return nil
		}
	}
	return out
}

func onByte(s *vstate, b byte) []elem {
	own := s.edges[b]
	if len(s.star) == 0 {
		return own
	}
	out := append([]elem(nil), own...)
	for _, e := range s.star {
		out = appendElem(out, e)
	}
	return out
}

// link adds a transition on one character (a case set adds one per
// spelling, with fresh states inside multi-byte spellings).
func (vm *valueMachine) link(s *vstate, c inChar, t elem) {
	switch c.kind {
	case inByte:
		s.addEdge(c.b, t)
	case inSet:
		for _, seq := range c.set {
			cur := s
			for _, b := range seq[:len(seq)-1] {
				n := vm.newState(true)
				cur.addEdge(b, elem{st: n})
				cur = n
			}
			cur.addEdge(seq[len(seq)-1], t)
		}
	}
}

// replace swaps transition old for t on one character.
func (vm *valueMachine) replace(s *vstate, c inChar, old, t elem) {
	switch c.kind {
	case inByte:
		s.removeEdge(c.b, old)
		s.addEdge(c.b, t)
	case inSet:
		for _, seq := range c.set {
			cur := []*vstate{s}
			for _, b := range seq[:len(seq)-1] {
				var next []*vstate
				for _, x := range cur {
					for _, e := range x.edges[b] {
						if e.st != nil {
							next = append(next, e.st)
						}
					}
				}
				cur = next
			}
			lastB := seq[len(seq)-1]
			for _, x := range cur {
				if hasElem(x.edges[lastB], old) {
					x.removeEdge(lastB, old)
					x.addEdge(lastB, t)
				}
			}
		}
	}
}

func (s *vstate) addEdge(b byte, t elem) {
	list, ok := s.edges[b]
	if !ok {
		s.order = append(s.order, b)
	}
	s.edges[b] = appendElem(list, t)
}

func (s *vstate) removeEdge(b byte, t elem) {
	list := s.edges[b]
	for i, e := range list {
		if e == t {
			s.edges[b] = append(list[:i:i], list[i+1:]...)
			return
		}
	}
}

func appendElem(list []elem, e elem) []elem {
	if hasElem(list, e) {
		return list
	}
	return append(list, e)
}

func hasElem(list []elem, e elem) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}
