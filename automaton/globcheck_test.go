package automaton

import (
	"fmt"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// globFires tells whether a glob check built for the key in a trie of the
// kind accepts s at some place the trie would reach the key: the value's
// start (forward), its end (reversed), or every place the key occurs
// (infix).
func globFires(c *globCheck, key string, s []byte) bool {
	switch c.part {
	case partHead:
		return strings.HasPrefix(string(s), key) && atRoom(c, s, 0)
	case partTail:
		if !strings.HasSuffix(string(s), key) {
			return false
		}
		ok := atRoom(c, s, len(s)-len(key))
		// aroundTail, after ends, with a fresh memo and again with the
		// memo its first call left, says the same.
		var memo tailMemo
		for range 2 {
			if got := c.ends(s) && c.aroundTail(s, len(s)-len(key), &memo); got != ok {
				panic(fmt.Sprintf("aroundTail %v, at %v", got, ok))
			}
		}
		return ok
	}
	for at := 0; at+len(key) <= len(s); at++ {
		if string(s[at:at+len(key)]) == key && atRoom(c, s, at) {
			return true
		}
	}
	return false
}

// atRoom is c.at(s, at), checking that where fireAll decides by room
// (wordEnds, eight bytes or more, ends hold) room says the same as around.
func atRoom(c *globCheck, s []byte, at int) bool {
	ok := c.at(s, at)
	if c.wordEnds && len(s) >= 8 && c.ends(s) {
		if got := c.room(len(s), at); got != ok {
			panic(fmt.Sprintf("room %v, at %v", got, ok))
		}
	}
	return ok
}

// FuzzGlobCheck holds the verification of a glob around its key, with
// the key in each place an index can put it (the head, the tail, each
// middle part), to compiler.Glob.Match. Parts are split at '*'; heads
// and tails run past the eight bytes compared as words.
func FuzzGlobCheck(f *testing.F) {
	f.Add("*/2021/*.jpg", "b/2021/2021/f.jpg")
	f.Add("arn:aws:*:us-east-1:*:instance/i-*", "arn:aws:ec2:us-east-1:1:instance/i-0")
	f.Add("*State*tion", "StateStation")
	f.Add("a*", "a")
	f.Add("0123456789*x*9876543210", "0123456789xx9876543210")
	f.Add("ab*ab", "aba")
	f.Fuzz(func(t *testing.T, glob, s string) {
		if len(glob) > 40 || len(s) > 100 {
			return
		}
		g := compiler.Glob{Parts: strings.Split(glob, "*")}
		last := len(g.Parts) - 1
		if last == 0 {
			return // an exact value: no check
		}
		want := g.Match(s)
		check := func(kind trieKind, key string) {
			if got := globFires(newGlobCheck(g, kind, key), key, []byte(s)); got != want {
				t.Fatalf("%q on %q, key %q (kind %d): check %v, Match %v", glob, s, key, kind, got, want)
			}
		}
		check(trieFwd, g.Parts[0])
		check(trieRev, g.Parts[last])
		for _, p := range g.Parts[1:last] {
			check(trieInfix, p)
		}
	})
}
