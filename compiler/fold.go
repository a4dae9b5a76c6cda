package compiler

import (
	"unicode"
	"unicode/utf8"
)

// The equals-ignore-case rule (docs/semantics/patterns.md §4.4): for each character c of
// the pattern, the value must have lower(c) or upper(c) at that place.
// event-ruler works on UTF-16 units with Java's full case mappings; Go's
// per-rune simple mappings differ only where a mapping changes the length
// (e.g. ß → SS), a gap we accept and document.

// foldRuneMatches reports whether value rune v is acceptable for pattern
// rune p.
func foldRuneMatches(p, v rune) bool {
	return v == p || v == unicode.ToLower(p) || v == unicode.ToUpper(p)
}

// EqualFold reports whether s equals pattern ignoring case, by AWS's rule.
func EqualFold(pattern, s string) bool {
	n, ok := foldPrefixLen(pattern, s)
	return ok && n == len(s)
}

// HasPrefixFold reports whether s starts with pattern ignoring case.
func HasPrefixFold(s, pattern string) bool {
	_, ok := foldPrefixLen(pattern, s)
	return ok
}

// HasSuffixFold reports whether s ends with pattern ignoring case.
func HasSuffixFold(s, pattern string) bool {
	pn := utf8.RuneCountInString(pattern)
	// Walk back pn runes from the end of s.
	i := len(s)
	for k := 0; k < pn; k++ {
		if i == 0 {
			return false
		}
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return EqualFold(pattern, s[i:])
}

// foldPrefixLen matches pattern against the start of s rune by rune and
// returns the number of bytes of s used.
func foldPrefixLen(pattern, s string) (int, bool) {
	i := 0
	for _, p := range pattern {
		if i >= len(s) {
			return 0, false
		}
		v, size := utf8.DecodeRuneInString(s[i:])
		if !foldRuneMatches(p, v) {
			return 0, false
		}
		i += size
	}
	return i, true
}
