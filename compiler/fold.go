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
	if isASCII(pattern) {
		// Each pattern byte matches one ASCII byte only, so the last
		// len(pattern) runes of a match are its last len(pattern) bytes.
		return len(s) >= len(pattern) && EqualFold(pattern, s[len(s)-len(pattern):])
	}
	i, ok := lastRunes(s, utf8.RuneCountInString(pattern))
	return ok && EqualFold(pattern, s[i:])
}

// lastRunes returns where the last n runes of s start, or false when s
// has fewer.
func lastRunes(s string, n int) (int, bool) {
	i := len(s)
	for k := 0; k < n; k++ {
		if i == 0 {
			return 0, false
		}
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i, true
}

// foldPrefixLen matches pattern against the start of s rune by rune and
// returns the number of bytes of s used. An ASCII pattern byte is settled
// on the value's byte: lower(p) and upper(p) are ASCII, so only an ASCII
// byte of the same letter can match it (the rune-wise rule, without
// decoding); the rest goes to foldPrefixLenRunes, the rule itself.
func foldPrefixLen(pattern, s string) (int, bool) {
	i := 0
	// Eight ASCII bytes at a time while both have them: the words may
	// differ only in the case bit (0x20) of the pattern's letters.
	for i+8 <= len(pattern) && i+8 <= len(s) {
		p, v := le64(pattern, i), le64(s, i)
		if (p|v)&highBits != 0 {
			break
		}
		if x := p ^ v; x != 0 {
			lp := p | oneBytes*0x20
			letters := (lp + oneBytes*(0x80-'a')) &^ (lp + oneBytes*(0x80-'z'-1)) & highBits
			if x&^(letters>>2) != 0 {
				return 0, false
			}
		}
		i += 8
	}
	// Then byte by byte while the pattern is ASCII (one index for both).
	for n := min(len(pattern), len(s)); i < n; i++ {
		p, v := pattern[i], s[i]
		if p >= utf8.RuneSelf {
			break
		}
		if v != p && (v|0x20 != p|0x20 || p|0x20-'a' >= 26) {
			return 0, false
		}
	}
	// The rest rune by rune, where the pattern is not ASCII.
	n, ok := foldPrefixLenRunes(pattern[i:], s[i:])
	if !ok {
		return 0, false
	}
	return i + n, true
}

// foldPrefixLenRunes is foldPrefixLen by its definition, rune by rune: it
// reads what the word and byte loops leave, and is the reference the
// tests hold those loops to.
func foldPrefixLenRunes(pattern, s string) (int, bool) {
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

const oneBytes, highBits = 0x0101010101010101, 0x8080808080808080

// le64 reads s[i:i+8] as a little-endian word (the compiler makes it one
// load).
func le64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if le64(s, i)&highBits != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
