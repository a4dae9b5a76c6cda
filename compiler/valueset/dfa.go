package valueset

import (
	"fmt"
	"sort"
)

// MaxStates bounds every automaton the package builds. A product or a
// subset construction that would exceed it stops with a *BudgetError
// instead of growing without bound on a hostile pattern.
const MaxStates = 20000

// BudgetError says that an operation needed more states than MaxStates.
type BudgetError struct {
	What string
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("valueset: %s needs more than %d automaton states (patternc's budget)", e.What, MaxStates)
}

// dfa is a complete deterministic automaton over bytes. Bytes that no
// state tells apart share a class: class[b] is b's class, k the number of
// classes, and next[s*k+c] the successor of state s on class c. State 0
// is the start. Complete means every byte has a successor, so complement
// is flipping accept (then keeping valid UTF-8, see utf8Lang). Minimised
// automata number their states in breadth-first order and their classes
// in byte order, so equal languages have identical tables.
type dfa struct {
	k      int
	class  [256]uint8
	next   []int32
	accept []bool
}

func (d *dfa) states() int { return len(d.accept) }

func (d *dfa) step(s int32, b byte) int32 { return d.next[int(s)*d.k+int(d.class[b])] }

func (d *dfa) run(s string) bool {
	q := int32(0)
	for i := 0; i < len(s); i++ {
		q = d.step(q, s[i])
	}
	return d.accept[q]
}

// Boolean operations of product.
const (
	opAnd uint8 = iota + 1
	opOr
	opMinus
)

// product builds the pair automaton of a and b keeping the pairs where
// the operation holds on (a accepts, b accepts): intersection, union,
// difference. Results are interned and remembered (cache.go).
func product(a, b *dfa, op uint8, what string) *dfa {
	if d, ok := cachedProduct(a, b, op); ok {
		return d
	}
	keep := func(x, y bool) bool {
		switch op {
		case opAnd:
			return x && y
		case opOr:
			return x || y
		}
		return x && !y
	}
	d := productOf(a, b, keep, what)
	storeProduct(a, b, op, d)
	return d
}

func productOf(a, b *dfa, keep func(x, y bool) bool, what string) *dfa {
	// Joint classes: a pair of classes that some byte has.
	out := &dfa{}
	type cpair struct{ x, y uint8 }
	cls := map[cpair]uint8{}
	var repA, repB []uint8
	for c := 0; c < 256; c++ {
		pc := cpair{a.class[c], b.class[c]}
		id, ok := cls[pc]
		if !ok {
			id = uint8(len(cls))
			cls[pc] = id
			repA, repB = append(repA, pc.x), append(repB, pc.y)
		}
		out.class[c] = id
	}
	out.k = len(cls)
	type pair struct{ x, y int32 }
	ids := map[pair]int32{{0, 0}: 0}
	queue := []pair{{0, 0}}
	for i := 0; i < len(queue); i++ {
		p := queue[i]
		out.accept = append(out.accept, keep(a.accept[p.x], b.accept[p.y]))
		for c := 0; c < out.k; c++ {
			q := pair{a.next[int(p.x)*a.k+int(repA[c])], b.next[int(p.y)*b.k+int(repB[c])]}
			id, ok := ids[q]
			if !ok {
				id = int32(len(queue))
				if int(id) >= MaxStates {
					panic(&BudgetError{What: what})
				}
				ids[q] = id
				queue = append(queue, q)
			}
			out.next = append(out.next, id)
		}
	}
	return intern(out.minimize())
}

// minimize merges equivalent states (Moore's partition refinement), drops
// unreachable ones and merges classes no state tells apart, numbering
// states breadth-first and classes by first byte: a canonical form.
func (d *dfa) minimize() *dfa {
	n, k := d.states(), d.k
	reach := make([]bool, n)
	reach[0] = true
	stack := []int32{0}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := 0; c < k; c++ {
			t := d.next[int(s)*k+c]
			if !reach[t] {
				reach[t] = true
				stack = append(stack, t)
			}
		}
	}
	class := make([]int32, n)
	for s := range class {
		if d.accept[s] {
			class[s] = 1
		}
	}
	classes := 0
	key := make([]byte, 0, 4*(k+1))
	for {
		sig := map[string]int32{}
		next := make([]int32, n)
		for s := 0; s < n; s++ {
			if !reach[s] {
				continue
			}
			key = key[:0]
			key = appendInt32(key, class[s])
			for c := 0; c < k; c++ {
				key = appendInt32(key, class[d.next[s*k+c]])
			}
			id, ok := sig[string(key)]
			if !ok {
				id = int32(len(sig))
				sig[string(key)] = id
			}
			next[s] = id
		}
		if len(sig) == classes {
			break
		}
		classes = len(sig)
		class = next
	}
	// Representatives in BFS order over bytes 0..255.
	order := map[int32]int32{class[0]: 0}
	rep := []int32{0}
	for i := 0; i < len(rep); i++ {
		s := rep[i]
		for b := 0; b < 256; b++ {
			t := d.next[int(s)*k+int(d.class[b])]
			if _, ok := order[class[t]]; !ok {
				order[class[t]] = int32(len(rep))
				rep = append(rep, t)
			}
		}
	}
	// Byte classes of the result: bytes whose columns agree.
	out := &dfa{accept: make([]bool, len(rep))}
	colID := map[string]uint8{}
	var cols [][]int32
	col := make([]int32, len(rep))
	for b := 0; b < 256; b++ {
		for i, s := range rep {
			col[i] = order[class[d.next[int(s)*k+int(d.class[b])]]]
		}
		kb := key[:0]
		for _, v := range col {
			kb = appendInt32(kb, v)
		}
		id, ok := colID[string(kb)]
		if !ok {
			id = uint8(len(cols))
			colID[string(kb)] = id
			cols = append(cols, append([]int32(nil), col...))
		}
		out.class[b] = id
		key = kb
	}
	out.k = len(cols)
	out.next = make([]int32, len(rep)*out.k)
	for i, s := range rep {
		out.accept[i] = d.accept[s]
		for c := range cols {
			out.next[i*out.k+c] = cols[c][i]
		}
	}
	return out
}

func appendInt32(b []byte, v int32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// empty reports whether no string is accepted.
func (d *dfa) empty() bool {
	// Minimised automata reach only useful states; an accepting one
	// exists iff the language is not empty.
	for _, a := range d.accept {
		if a {
			return false
		}
	}
	return true
}

// readable is the order in which the shortest-witness search tries bytes:
// 'x' first (so a prefix extends to "prefixx" style values only when it
// must), then digits (so addresses read 10.0.0.0), letters, common punctuation, other printable ASCII,
// then everything else. Among the shortest accepted strings, the search
// returns the first in this order.
var readable = func() []byte {
	var order []byte
	seen := [256]bool{}
	add := func(s string) {
		for i := 0; i < len(s); i++ {
			if !seen[s[i]] {
				seen[s[i]] = true
				order = append(order, s[i])
			}
		}
	}
	add("x")
	add("0123456789abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWXYZ-._/: ")
	for c := 0x21; c < 0x7f; c++ {
		add(string(rune(c)))
	}
	for c := 0x80; c < 0x100; c++ {
		if !seen[c] {
			seen[c] = true
			order = append(order, byte(c))
		}
	}
	for c := 0; c < 0x100; c++ { // control bytes and DEL last
		if !seen[c] {
			seen[c] = true
			order = append(order, byte(c))
		}
	}
	return order
}()

// shortest returns a shortest accepted string, preferring readable bytes.
func (d *dfa) shortest() (string, bool) {
	type back struct {
		from int32
		b    byte
	}
	prev := make([]back, d.states())
	seen := make([]bool, d.states())
	seen[0] = true
	queue := []int32{0}
	for i := 0; i < len(queue); i++ {
		s := queue[i]
		if d.accept[s] {
			var out []byte
			for t := s; t != 0; t = prev[t].from {
				out = append(out, prev[t].b)
			}
			for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
				out[l], out[r] = out[r], out[l]
			}
			return string(out), true
		}
		for _, c := range readable {
			t := d.step(s, c)
			if !seen[t] {
				seen[t] = true
				prev[t] = back{s, c}
				queue = append(queue, t)
			}
		}
	}
	return "", false
}

// equal reports whether two minimised automata accept the same language
// (their canonical BFS numbering makes this a comparison of tables).
func (d *dfa) equal(o *dfa) bool {
	if d.states() != o.states() || d.k != o.k || d.class != o.class {
		return false
	}
	for i := range d.accept {
		if d.accept[i] != o.accept[i] {
			return false
		}
	}
	for i := range d.next {
		if d.next[i] != o.next[i] {
			return false
		}
	}
	return true
}

// nfa is a nondeterministic automaton under construction: byte-range
// edges and epsilon edges; node 0 is the start, final the one accepting
// node.
type nfa struct {
	edges [][]edge
	eps   [][]int
}

type edge struct {
	lo, hi byte
	to     int
}

func (n *nfa) node() int {
	n.edges = append(n.edges, nil)
	n.eps = append(n.eps, nil)
	return len(n.edges) - 1
}

func (n *nfa) byteRange(from, to int, lo, hi byte) {
	n.edges[from] = append(n.edges[from], edge{lo, hi, to})
}

func (n *nfa) epsilon(from, to int) { n.eps[from] = append(n.eps[from], to) }

// bytes adds a chain spelling s from node from to node to.
func (n *nfa) bytes(from, to int, s string) {
	if s == "" {
		n.epsilon(from, to)
		return
	}
	cur := from
	for i := 0; i < len(s)-1; i++ {
		nx := n.node()
		n.byteRange(cur, nx, s[i], s[i])
		cur = nx
	}
	n.byteRange(cur, to, s[len(s)-1], s[len(s)-1])
}

// determinize is the subset construction; final is the accepting node.
func (n *nfa) determinize(final int, what string) *dfa {
	closure := func(set []int) []int {
		in := map[int]bool{}
		stack := append([]int(nil), set...)
		for _, s := range set {
			in[s] = true
		}
		for len(stack) > 0 {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, t := range n.eps[s] {
				if !in[t] {
					in[t] = true
					stack = append(stack, t)
				}
			}
		}
		out := make([]int, 0, len(in))
		for s := range in {
			out = append(out, s)
		}
		sort.Ints(out)
		return out
	}
	var kb []byte
	key := func(set []int) string {
		kb = kb[:0]
		for _, s := range set {
			kb = appendInt32(kb, int32(s))
		}
		return string(kb)
	}
	// Byte classes: the intervals between edge boundaries.
	var cut [257]bool
	for _, es := range n.edges {
		for _, e := range es {
			cut[e.lo], cut[int(e.hi)+1] = true, true
		}
	}
	out := &dfa{}
	var reps []byte
	for b := 0; b < 256; b++ {
		if b == 0 || cut[b] {
			reps = append(reps, byte(b))
		}
		out.class[b] = uint8(len(reps) - 1)
	}
	out.k = len(reps)
	start := closure([]int{0})
	ids := map[string]int32{key(start): 0}
	sets := [][]int{start}
	for i := 0; i < len(sets); i++ {
		set := sets[i]
		acc := false
		for _, s := range set {
			acc = acc || s == final
		}
		out.accept = append(out.accept, acc)
		row := make([]int32, out.k)
		for ci, c := range reps {
			var move []int
			for _, s := range set {
				for _, e := range n.edges[s] {
					if c >= e.lo && c <= e.hi {
						move = append(move, e.to)
					}
				}
			}
			t := closure(move)
			k := key(t)
			id, ok := ids[k]
			if !ok {
				id = int32(len(sets))
				if int(id) >= MaxStates {
					panic(&BudgetError{What: what})
				}
				ids[k] = id
				sets = append(sets, t)
			}
			row[ci] = id
		}
		out.next = append(out.next, row...)
	}
	return intern(out.minimize())
}
