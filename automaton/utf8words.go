package automaton

import (
	"math/bits"
	"unicode/utf8"
)

// Checking that a string's text is UTF-8 a word at a time. Most text at
// pattern paths is ASCII, or ASCII and two-byte characters (accented
// Latin, Cyrillic, Greek, Arabic): a word of those is checked whole, in a
// dozen operations (utf8Pairs), and only three- and four-byte characters
// one at a time (validLong). textStop does it on the way to a string's
// first stop, so that text is read once; validUTF8 checks text already
// delimited.

// validUTF8 is utf8.Valid for the text of string values, which is often
// all two-byte characters (Cyrillic, Greek, accented Latin) with ASCII
// between. It reads a word at a time from a character boundary: a word
// of ASCII and two-byte characters is checked whole (utf8Pairs), and a
// three- or four-byte character, after the part of its word before it,
// one at a time (validLong). (utf8.Valid goes byte by byte, through its
// tables, from the first non-ASCII byte on.) The last bytes are read as
// the word that ends the text, shifted down: the zero bytes shifted in
// are ASCII and cut no sequence short that the text does not.
func validUTF8(s []byte) bool {
	n := len(s)
	if n < 8 {
		return validUTF8Bytes(s)
	}
	for i := 0; i < n; {
		var x uint64
		if i+8 <= n {
			x = load64(s, i)
		} else {
			x = load64(s, n-8) >> (8 * (8 - (n - i)))
		}
		if x&highs == 0 {
			i += 8
			continue
		}
		bad, long := utf8Pairs(x)
		if long == 0 {
			if bad != 0 {
				return false
			}
			// A lead in the last byte starts the next word.
			i += 8 - int(x&(x<<1)>>63)
			continue
		}
		// The bytes up to the first long lead, which a lead before it
		// may not precede either.
		k := bits.TrailingZeros64(long) >> 3
		if bad&(1<<(8*k+8)-1) != 0 {
			return false
		}
		size := validLong(s, i+k)
		if size == 0 {
			return false
		}
		i += k + size
	}
	return true
}

// utf8Pairs checks the word x, read from a character boundary, as ASCII
// and two-byte characters: bad flags (high bit) each byte where that
// fails — a continuation byte without its lead, a lead whose next byte is
// no continuation, an overlong lead (0xC0, 0xC1) — but for a lead in the
// last byte, whose continuation is in the next word; long flags the
// leads of longer characters (and bytes 0xF8 to 0xFF), which it does not
// check, and bad may flag the bytes after them. A byte's bits 7 and 6
// are its kind: 10 continuation, 11 lead (bit 5 set: a long one).
func utf8Pairs(x uint64) (bad, long uint64) {
	lead := x & (x << 1) & highs
	cont := x &^ (x << 1) & highs
	long = lead & (x << 2)
	// A two-byte lead's bits 1 to 4 are not all zero (0xC2 on): adding
	// 0x7E to them sets bit 7, carrying into no other byte.
	over := (lead &^ long) &^ (x&(ones*0x1E) + ones*0x7E)
	return cont ^ lead<<8 | over, long
}

// validLong checks the character of three or four bytes whose lead is
// s[i] and returns its length, or 0 where it is not valid UTF-8: cut
// short, overlong, a surrogate or beyond U+10FFFF.
func validLong(s []byte, i int) int {
	c := s[i]
	if c < 0xF0 {
		if i+2 >= len(s) {
			return 0
		}
		lo, hi := byte(0x80), byte(0xBF) // no overlong form, no surrogate
		if c == 0xE0 {
			lo = 0xA0
		} else if c == 0xED {
			hi = 0x9F
		}
		if c1 := s[i+1]; c1 < lo || c1 > hi || s[i+2]&0xC0 != 0x80 {
			return 0
		}
		return 3
	}
	r, size := utf8.DecodeRune(s[i:])
	if r == utf8.RuneError && size <= 1 {
		return 0
	}
	return size
}

// validUTF8Bytes is validUTF8 for text shorter than a word, a character
// at a time.
func validUTF8Bytes(s []byte) bool {
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c < 0x80:
			i++
		case c < 0xE0:
			if c < 0xC2 || i+1 >= len(s) || s[i+1]&0xC0 != 0x80 {
				return false
			}
			i += 2
		default:
			size := validLong(s, i)
			if size == 0 {
				return false
			}
			i += size
		}
	}
	return true
}

// textStop returns the index of the first quote, backslash or control
// character at or after d[i] (len(d) where there is none), and ok where
// the text before it is valid UTF-8; where it is not, it returns ok
// false, and the index says nothing. It is stringStopASCII and validUTF8
// in one pass: words of ASCII by asciiStops, as stringStopASCII reads
// them, and from the first byte over 0x7F on words from character
// boundaries, each by nameStops for its stop and utf8Pairs for its
// text. (An ASCII byte is never part of a multi-byte sequence, so a
// sequence a stop cuts is invalid, and utf8Pairs says so: the stop is no
// continuation byte.)
func textStop(d []byte, i int) (int, bool) {
	for i+8 <= len(d) {
		if m := asciiStops(load64(d, i)); m != 0 { // i+8 <= len(d)
			i += bits.TrailingZeros64(m) >> 3
			if d[i] < 0x80 {
				return i, true
			}
			goto text
		}
		i += 8
	}
	for ; i < len(d); i++ {
		if c := d[i]; c == '"' || c == '\\' || c < 0x20 {
			return i, true
		} else if c >= 0x80 {
			goto text
		}
	}
	return i, true
text:
	// From d[i], a character boundary in text that is not all ASCII
	// (in line: a call more per such string cost more than the loop).
	for i+8 <= len(d) {
		x := load64(d, i) // i+8 <= len(d)
		stops := nameStops(x)
		// Only the bytes before the stop count (lt), and the stop itself
		// as the byte after them (le): a lead before it fails there. With
		// no stop, every byte counts.
		le := stops ^ (stops - 1)
		lt := le &^ stops
		if x&highs&lt == 0 {
			if stops != 0 {
				return i + bits.TrailingZeros64(stops)>>3, true
			}
			i += 8
			continue
		}
		bad, long := utf8Pairs(x)
		if long &= lt; long != 0 {
			// The bytes up to a long character's lead, then the character.
			k := bits.TrailingZeros64(long) >> 3
			size := validLong(d, i+k)
			if bad&(1<<(8*k+8)-1) != 0 || size == 0 {
				return i, false
			}
			i += k + size
			continue
		}
		if bad&le != 0 {
			return i, false
		}
		if stops != 0 {
			return i + bits.TrailingZeros64(stops)>>3, true
		}
		// A lead in the last byte starts the next word.
		i += 8 - int(x&(x<<1)>>63)
	}
	for i < len(d) {
		switch c := d[i]; {
		case c == '"' || c == '\\' || c < 0x20:
			return i, true
		case c < 0x80:
			i++
		case c < 0xE0:
			if c < 0xC2 || i+1 >= len(d) || d[i+1]&0xC0 != 0x80 {
				return i, false
			}
			i += 2
		default:
			size := validLong(d, i)
			if size == 0 {
				return i, false
			}
			i += size
		}
	}
	return i, true
}
