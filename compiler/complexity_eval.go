package compiler

import (
	"math/bits"
	"sort"
)

// This file is the measure itself (docs/semantics/patterns.md §4.5.1, event-ruler's
// MachineComplexityEvaluator): a breadth-first subset construction over
// one value machine, scoring each set of elements one input can reach.

// measureMachine returns the complexity of one value machine, or cap as
// soon as some set scores cap or more. It spends e's steps (an element
// touched is a step); when they run out, it returns the best score so far
// and out.
func measureMachine(vm *valueMachine, cap int, e *effort) (n int, out bool) {
	w := weighMachine(vm, e)
	if e.out() {
		return 0, true
	}
	if len(w.weight) == 0 {
		return 0, false
	}
	w.effort = e
	best := 0
	seen := map[string]bool{}
	var key []byte
	scratch := make([]bool, len(w.weight))
	queue := w.successors([]int{-1}, nil, scratch)
	for len(queue) > 0 {
		if e.out() {
			return best, true
		}
		t := queue[0]
		queue = queue[1:]
		e.spend(1 + len(t))
		key = key[:0]
		for _, id := range t {
			key = append(key, byte(id), byte(id>>8), byte(id>>16))
		}
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		if s := w.score(t, scratch); s >= cap {
			return cap, false
		} else if s > best {
			best = s
		}
		queue = w.successors(t, queue, scratch)
	}
	return best, false
}

// weighed is a machine reduced to its weighted elements: those that reach
// at least one counted pattern (their weight is how many distinct ones,
// their own terminal edge included). The others never change a score, so
// the traversal leaves them out. Elements are numbered; for each, the
// weighted targets of its state per byte and on every byte.
type weighed struct {
	effort *effort
	weight []int
	edges  [][]byteTargets // by element id; nil for a bare match
	star   [][]int         // by element id: weighted star targets
	start  []byteTargets   // the start state's
	startS []int
}

type byteTargets struct {
	b   byte
	ids []int
}

func weighMachine(vm *valueMachine, e *effort) *weighed {
	// Number the counted patterns of this machine.
	pidx := map[*vpattern]int{}
	for _, m := range vm.matches {
		if m.pat.counted {
			if _, ok := pidx[m.pat]; !ok {
				pidx[m.pat] = len(pidx)
			}
		}
	}
	w := &weighed{}
	if len(pidx) == 0 {
		return w
	}
	words := (len(pidx) + 63) / 64
	reach := map[*vstate][]uint64{}
	var reachOf func(s *vstate) []uint64
	// The graph is acyclic but for star self-loops; a state on the current
	// path counts as reaching nothing more, which the self-loop never adds.
	onPath := map[*vstate]bool{}
	reachOf = func(s *vstate) []uint64 {
		if r, ok := reach[s]; ok {
			return r
		}
		r := make([]uint64, words)
		if onPath[s] {
			return r
		}
		onPath[s] = true
		visit := func(t elem) {
			e.spend(words)
			if t.m != nil && t.m.pat.counted {
				i := pidx[t.m.pat]
				r[i/64] |= 1 << (i % 64)
			}
			if t.st != nil && t.st != s {
				for i, x := range reachOf(t.st) {
					r[i] |= x
				}
			}
		}
		for _, b := range s.order {
			for _, e := range s.edges[b] {
				visit(e)
			}
		}
		for _, e := range s.star {
			visit(e)
		}
		delete(onPath, s)
		reach[s] = r
		return r
	}
	weightOf := func(e elem) int {
		var own []uint64
		if e.st != nil {
			own = reachOf(e.st)
		}
		n := 0
		for _, x := range own {
			n += bits.OnesCount64(x)
		}
		if e.m != nil && e.m.pat.counted {
			i := pidx[e.m.pat]
			if own == nil || own[i/64]&(1<<(i%64)) == 0 {
				n++
			}
		}
		return n
	}
	// Number every weighted element reachable from the start.
	ids := map[elem]int{}
	var elems []elem
	idOf := func(e elem) (int, bool) {
		if id, ok := ids[e]; ok {
			return id, id >= 0
		}
		n := weightOf(e)
		if n == 0 {
			ids[e] = -1
			return -1, false
		}
		id := len(elems)
		ids[e] = id
		elems = append(elems, e)
		w.weight = append(w.weight, n)
		return id, true
	}
	targets := func(s *vstate) ([]byteTargets, []int) {
		var bt []byteTargets
		e.spend(1 + len(s.order) + len(s.star))
		for _, b := range s.order {
			var list []int
			for _, e := range s.edges[b] {
				if id, ok := idOf(e); ok {
					list = append(list, id)
				}
			}
			if len(list) > 0 {
				bt = append(bt, byteTargets{b, list})
			}
		}
		var st []int
		for _, e := range s.star {
			if id, ok := idOf(e); ok {
				st = append(st, id)
			}
		}
		return bt, st
	}
	w.start, w.startS = targets(vm.start)
	for i := 0; i < len(elems); i++ {
		var bt []byteTargets
		var st []int
		if s := elems[i].st; s != nil {
			bt, st = targets(s)
		}
		w.edges = append(w.edges, bt)
		w.star = append(w.star, st)
	}
	return w
}

// score is the number of counted-pattern prefixes alive in set t: each
// element's weight, plus the weight of every star state an element's state
// leads to and t does not hold ("foo*" is alive once "foo" is read),
// counted once per element as event-ruler does.
func (w *weighed) score(t []int, in []bool) int {
	for _, id := range t {
		in[id] = true
	}
	n := 0
	w.effort.spend(len(t))
	for _, id := range t {
		w.effort.spend(len(w.star[id]))
		n += w.weight[id]
		for _, s := range w.star[id] {
			if !in[s] {
				n += w.weight[s]
			}
		}
	}
	for _, id := range t {
		in[id] = false
	}
	return n
}

// successors appends to queue, for every distinct byte, the set of
// weighted elements that byte leads to from the elements of t (-1 is the
// start state).
func (w *weighed) successors(t []int, queue [][]int, in []bool) [][]int {
	edgesOf := func(id int) ([]byteTargets, []int) {
		if id < 0 {
			return w.start, w.startS
		}
		return w.edges[id], w.star[id]
	}
	var stars []int
	var seenByte [256]bool
	var order []byte
	for _, id := range t {
		bt, st := edgesOf(id)
		w.effort.spend(1 + len(st) + len(bt))
		for _, x := range st {
			if !in[x] {
				in[x] = true
				stars = append(stars, x)
			}
		}
		for _, e := range bt {
			if !seenByte[e.b] {
				seenByte[e.b] = true
				order = append(order, e.b)
			}
		}
	}
	for _, x := range stars {
		in[x] = false
	}
	for _, b := range order {
		next := append([]int(nil), stars...)
		w.effort.spend(1 + len(stars))
		for _, x := range next {
			in[x] = true
		}
		for _, id := range t {
			bt, _ := edgesOf(id)
			w.effort.spend(1 + len(bt))
			for _, e := range bt {
				if e.b != b {
					continue
				}
				w.effort.spend(len(e.ids))
				for _, x := range e.ids {
					if !in[x] {
						in[x] = true
						next = append(next, x)
					}
				}
			}
		}
		for _, x := range next {
			in[x] = false
		}
		sort.Ints(next)
		queue = append(queue, next)
	}
	if len(stars) > 0 && len(order) < 256 {
		sort.Ints(stars)
		queue = append(queue, stars)
	}
	return queue
}
