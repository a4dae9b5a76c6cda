package compiler

import (
	"testing"
	"unicode/utf8"
)

func TestFoldPrefixLen(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		n    int
		ok   bool
	}{
		{"aws.", "AWS.ec2", 4, true},
		{"AWS.", "aws.ec2", 4, true},
		{"@[", "`{", 0, false}, // not letters: 0x20 apart is no case
		{"k", "\u212a", 0, false},
		{"\u212a", "k", 1, true}, // the Kelvin sign lowers to k
		{"straße", "STRAßE!", 7, true},
		{"abc", "ab", 0, false},
		{"AWS API Call via", "aws api call VIA CloudTrail", 16, true},
		{"@[`{0123456789", "`{@[0123456789", 0, false},
		{"abcdefgh0123", "ABCDEFGH\x10123", 0, false}, // '0' and 0x10 are 0x20 apart
		{"abcdefghij", "ABCDEFGHIJ", 10, true},
		{"abcdefghK", "ABCDEFGHk", 9, true},
		{"\xff", "\uFFFD", 3, true}, // an invalid pattern byte reads as U+FFFD
	} {
		n, ok := foldPrefixLen(tc.p, tc.s)
		if n != tc.n || ok != tc.ok {
			t.Errorf("foldPrefixLen(%q, %q) = %d %v, want %d %v", tc.p, tc.s, n, ok, tc.n, tc.ok)
		}
	}
}

// FuzzFoldPrefixLen: the fast path agrees with the rune-wise rule.
func FuzzFoldPrefixLen(f *testing.F) {
	f.Add("EC2 instance", "ec2 INSTANCE state")
	f.Add("Straße \u212a İ", "STRASSE k i")
	f.Add("@[`{", "`{@[")
	f.Add("AWS API Call via CloudTrail", "aws api call VIA cloudtrail")
	f.Fuzz(func(t *testing.T, p, s string) {
		n, ok := foldPrefixLen(p, s)
		wn, wok := foldPrefixLenRunes(p, s)
		if n != wn || ok != wok {
			t.Fatalf("foldPrefixLen(%q, %q) = %d %v, want %d %v", p, s, n, ok, wn, wok)
		}
	})
}

// hasSuffixFoldRunes is HasSuffixFold by its definition: the pattern
// against the value's last as many runes.
func hasSuffixFoldRunes(s, pattern string) bool {
	i, ok := lastRunes(s, utf8.RuneCountInString(pattern))
	if !ok {
		return false
	}
	n, ok := foldPrefixLenRunes(pattern, s[i:])
	return ok && n == len(s)-i
}

// FuzzHasSuffixFold: the ASCII fast path agrees with the rune-wise rule.
func FuzzHasSuffixFold(f *testing.F) {
	f.Add("photos/2024/A.JPG", ".jpg")
	f.Add("x\u00e9.JPG", "\u00c9.jpg")
	f.Add("ab\xe9", "b\xe9")
	f.Add("Zürich", "RICH")
	f.Fuzz(func(t *testing.T, s, pattern string) {
		if got, want := HasSuffixFold(s, pattern), hasSuffixFoldRunes(s, pattern); got != want {
			t.Fatalf("HasSuffixFold(%q, %q) = %v, want %v", s, pattern, got, want)
		}
	})
}
