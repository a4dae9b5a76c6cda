package compiler

import (
	"strings"
	"testing"
)

// globRef is the byte-wise definition of a glob match (any split of s
// between the parts, tried exhaustively): Match's greedy algorithm is
// checked against it.
func globRef(parts []string, s string) bool {
	if len(parts) == 1 {
		return s == parts[0]
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	rest := s[len(parts[0]):]
	for i := 0; i <= len(rest); i++ {
		if globRef(parts[1:], rest[i:]) {
			return true
		}
	}
	return false
}

func TestGlobMatch(t *testing.T) {
	long := strings.Repeat("ab", 40)
	cases := []struct {
		glob  string
		in    string
		match bool
	}{
		{`*`, ``, true},
		{`a*`, `a`, true},
		{`*a`, ``, false},
		{`*a*`, `bab`, true},
		{`*aa*aa*`, `aaa`, false},
		{`*aa*aa*`, `aaaa`, true},
		{`ab*ab`, `ab`, false},
		{`ab*ab`, `abab`, true},
		{`*/2021/*.jpg`, `b/2021/03/f.jpg`, true},
		{`*/2021/*.jpg`, `b/2021.jpg`, false},
		{`*file-37*`, `x/file-370.png`, true},
		{`*file-37*`, `x/file-3.png`, false},
		{`a\*b*`, `a*bc`, true},
		{`a\*b*`, `abc`, false},
		{`*\\*`, `x\y`, true},
		{`*bb*a`, long + "b", false},
		{`*bb*a`, long + "bba", true},
		{`*` + long[1:] + `*`, long, true},
		{`*` + long + `b*`, long, false},
	}
	for _, c := range cases {
		g, msg := parseGlob(c.glob)
		if msg != "" {
			t.Fatalf("%s: %s", c.glob, msg)
		}
		if got := g.Match(c.in); got != c.match || globRef(g.Parts, c.in) != c.match {
			t.Errorf("%s on %q: Match %v, reference %v, want %v", c.glob, c.in, got, globRef(g.Parts, c.in), c.match)
		}
	}
}

// FuzzGlobMatch checks Match against the exhaustive definition.
func FuzzGlobMatch(f *testing.F) {
	f.Add(`*a*b`, `xaxb`)
	f.Add(`ab*ab*`, `ababab`)
	f.Add(`*\*x*`, `a*xb`)
	f.Fuzz(func(t *testing.T, glob, s string) {
		if len(glob) > 24 || len(s) > 100 {
			return // the reference is exponential in the parts
		}
		g, msg := parseGlob(glob)
		if msg != "" {
			return
		}
		if got, want := g.Match(s), globRef(g.Parts, s); got != want {
			t.Fatalf("%q on %q: Match %v, reference %v", glob, s, got, want)
		}
	})
}
