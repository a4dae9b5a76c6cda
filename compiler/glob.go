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
