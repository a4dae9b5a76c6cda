package compiler

import (
	"fmt"
	"strings"
)

// parseGlob reads a decoded wildcard value (docs/semantics/patterns.md §4.5): `*` is a
// wildcard, `\*` a literal star, `\\` a literal backslash. Positions in the
// errors are 1 + the byte offset, as AWS reports them.
func parseGlob(s string) (Glob, string) {
	var g Glob
	var cur strings.Builder
	prevStar := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\') {
				cur.WriteByte(s[i+1])
				i++
				prevStar = false
				continue
			}
			return Glob{}, fmt.Sprintf("Invalid escape character at pos %d", i+1)
		case '*':
			if prevStar {
				return Glob{}, fmt.Sprintf("Consecutive wildcard characters at pos %d", i)
			}
			g.Parts = append(g.Parts, cur.String())
			cur.Reset()
			prevStar = true
		default:
			cur.WriteByte(c)
			prevStar = false
		}
	}
	g.Parts = append(g.Parts, cur.String())
	return g, ""
}

// Match reports whether s matches the glob. It runs in O(len(s)·parts) with
// the classic greedy algorithm: the first part anchors at the start, the last
// at the end, and the middle parts match at their leftmost place.
func (g Glob) Match(s string) bool {
	if len(g.Parts) == 1 {
		return s == g.Parts[0]
	}
	first, last := g.Parts[0], g.Parts[len(g.Parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	mid := s[len(first) : len(s)-len(last)]
	for _, p := range g.Parts[1 : len(g.Parts)-1] {
		i := strings.Index(mid, p)
		if i < 0 {
			return false
		}
		mid = mid[i+len(p):]
	}
	return true
}

// String writes the glob back in wildcard syntax.
func (g Glob) String() string {
	var b strings.Builder
	for i, p := range g.Parts {
		if i > 0 {
			b.WriteByte('*')
		}
		for j := 0; j < len(p); j++ {
			if p[j] == '*' || p[j] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(p[j])
		}
	}
	return b.String()
}

// globToken is one step of a glob: a literal byte, or star.
type globToken struct {
	star bool
	b    byte
}

func (g Glob) tokens() []globToken {
	var t []globToken
	for i, p := range g.Parts {
		if i > 0 {
			t = append(t, globToken{star: true})
		}
		for j := 0; j < len(p); j++ {
			t = append(t, globToken{b: p[j]})
		}
	}
	return t
}

// wildcardComplexity is event-ruler's MachineComplexityEvaluator measure
// for the globs at one path: the largest number of glob prefixes that one
// input value keeps alive at once, summed over the globs. It explores the
// subset construction breadth-first and gives up (returning a figure above
// any budget) after maxSubsets states: such a pattern is too complex anyway.
func wildcardComplexity(globs []Glob, budget int) int {
	const maxSubsets = 4000
	toks := make([][]globToken, len(globs))
	alphabet := map[byte]bool{}
	for i, g := range globs {
		toks[i] = g.tokens()
		for _, t := range toks[i] {
			if !t.star {
				alphabet[t.b] = true
			}
		}
	}
	var other byte
	for other = 0; alphabet[other] && other < 255; other++ {
	}
	bytes := []byte{other}
	for b := range alphabet {
		bytes = append(bytes, b)
	}

	// A state is, per glob, the set of prefix lengths L with tokens[:L]
	// matching the input read so far.
	type state [][]bool
	key := func(s state) string {
		var b strings.Builder
		for _, set := range s {
			for _, on := range set {
				if on {
					b.WriteByte('1')
				} else {
					b.WriteByte('0')
				}
			}
			b.WriteByte('|')
		}
		return b.String()
	}
	count := func(s state) int {
		n := 0
		for _, set := range s {
			for _, on := range set {
				if on {
					n++
				}
			}
		}
		return n
	}
	closure := func(t []globToken, set []bool) {
		for l := 0; l < len(t); l++ {
			if set[l] && t[l].star {
				set[l+1] = true
			}
		}
	}
	start := make(state, len(toks))
	for i, t := range toks {
		start[i] = make([]bool, len(t)+1)
		start[i][0] = true
		closure(t, start[i])
	}
	best := count(start)
	seen := map[string]bool{key(start): true}
	queue := []state{start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, c := range bytes {
			next := make(state, len(toks))
			empty := true
			for i, t := range toks {
				set := make([]bool, len(t)+1)
				for l := 1; l <= len(t); l++ {
					tok := t[l-1]
					switch {
					case tok.star:
						set[l] = set[l-1] || s[i][l]
					case tok.b == c:
						set[l] = s[i][l-1]
					}
					if set[l] {
						empty = false
					}
				}
				next[i] = set
			}
			if empty {
				continue
			}
			k := key(next)
			if seen[k] {
				continue
			}
			seen[k] = true
			if n := count(next); n > best {
				best = n
				if best > budget {
					return best
				}
			}
			if len(seen) > maxSubsets {
				return budget + 1
			}
			queue = append(queue, next)
		}
	}
	return best
}
