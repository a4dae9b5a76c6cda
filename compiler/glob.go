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

// MatchAt reports whether s matches the glob with part k at offset at:
// an index that found part k in s (the head at 0, the tail at the end,
// a middle part anywhere) verifies the rest with it, without searching
// for that part again. s[at:] must begin with part k. A value matches
// the glob exactly when it matches it with part k at one of the places
// part k occurs: so an index that tries every such place (a middle part
// is found at each) agrees with Match.
func (g Glob) MatchAt(s string, k, at int) bool {
	parts := g.Parts
	last := len(parts) - 1
	end := at + len(parts[k])
	if last == 0 {
		return at == 0 && end == len(s)
	}
	head, tail := parts[0], parts[last]
	lo, hi := len(head), len(s)-len(tail)
	if k > 0 {
		if at < lo || lo > 0 && s[:lo] != head || k > 1 && !matchMiddle(parts[1:k], s[lo:at]) {
			return false
		}
	} else if at != 0 {
		return false
	}
	if k < last {
		if end > hi || hi < len(s) && s[hi:] != tail || k+1 < last && !matchMiddle(parts[k+1:last], s[end:hi]) {
			return false
		}
	} else if end != len(s) {
		return false
	}
	return true
}

// matchMiddle tells whether the parts occur in s in order, apart, each at
// its leftmost place after the one before.
func matchMiddle(parts []string, s string) bool {
	for _, p := range parts {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
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
