package automaton

import (
	"math/bits"
	"slices"
	"unicode/utf8"
)

// Decoding the strings at pattern paths. A value with escapes must be
// matched as the text it stands for, so it is decoded; most have a few
// escapes among runs of plain text (a city written as S\u00e3o Paulo, a
// note with \n and \" in it). decodeString reads and copies the runs a
// word at a time in one pass — each word is stored whole at the output's
// end before its stop is known, and only the bytes up to the stop count —
// and decodes the escapes inline. It answers only whether the string is
// well formed; where it is not, unescape's byte-wise definition
// (unescapeSlow) is run again from the start to write the error, so the
// errors and their offsets are those of the definition by construction.

// escByte maps the character after a backslash to the byte it stands
// for; 0 marks 'u' and the characters that may not follow a backslash.
var escByte = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// hexVal maps a hex digit to its value and any other byte to 0xF0, whose
// high nibble survives an OR of four of them.
var hexVal = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= '0' && c <= '9':
			t[c] = byte(c - '0')
		case c >= 'a' && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			t[c] = byte(c - 'A' + 10)
		default:
			t[c] = 0xF0
		}
	}
	return t
}()

// hex4 reads the four hex digits of x (as load32 reads them, the first
// digit lowest); ok is false when one is not a hex digit. All four at
// once, in the bytes of x: a byte below 0x80 is a digit when adding 0x50
// sets its high bit and adding 0x46 does not, a letter when its lower
// case (OR 0x20) does so for 0x1F and 0x19 (no sum carries out of its
// byte); a byte of 0x80 or more fails by its own high bit, whatever its
// carry does to the next. A digit's value is its low nibble, a letter's
// that plus 9 (bit 6 tells letters). (A table lookup per digit cost the
// decoder's escape loop registers it had to spill.)
func hex4(x uint32) (rune, bool) {
	l := x | 0x20202020
	ok := ((x+0x50505050)&^(x+0x46464646)|(l+0x1F1F1F1F)&^(l+0x19191919))&^x&0x80808080 == 0x80808080
	v := x&0x0F0F0F0F + x>>6&0x01010101*9
	v = (v<<4 | v>>8) & 0x00FF00FF // two digits to a byte: bytes 0 and 2
	return rune(v&0xFF<<8 | v>>16), ok
}

// utf8Wide encodes r (a valid rune from U+0800 on, not a surrogate) in
// UTF-8 as the little-endian word of its n bytes, to be stored whole.
func utf8Wide(r rune) (x uint32, n int) {
	u := uint32(r)
	if u < 0x10000 {
		return 0xE0 | u>>12 | (0x80|u>>6&0x3F)<<8 | (0x80|u&0x3F)<<16, 3
	}
	return 0xF0 | u>>18 | (0x80|u>>12&0x3F)<<8 | (0x80|u>>6&0x3F)<<16 | (0x80|u&0x3F)<<24, 4
}

// decodeString decodes the JSON string whose text continues at d[j] (past
// the opening quote and whatever plain prefix the caller has already put
// on dst) onto dst, and returns the end past the closing quote, or -1
// where the string is not well formed: an unknown or cut escape, a
// control character, no closing quote. raw has a high bit set if the
// string's raw text had a non-ASCII byte (or, rarely, the bytes just past
// its end); then the caller that validates
// checks the decoded text with validUTF8. That is the check of the raw
// runs: every escape decodes to a whole character, which neither
// completes a raw run's cut sequence nor continues one, so the decoded
// text is valid UTF-8 iff every raw run is. (Few parameters and results:
// the word loop needs the registers.)
func decodeString(dst []byte, d []byte, j int) (out []byte, end int, raw uint64) {
	w := len(dst)
	// A string decodes to at most as many bytes as it is written with, so
	// with room for the rest of the input and a word more, no store
	// below needs a check: a word is stored whole at w, and a decoded
	// escape as a word of four bytes, of which their lengths count. (On
	// the matcher's buffers, the room for the longest event is made once.)
	if cap(dst)-w < len(d)-j+16 {
		dst = slices.Grow(dst, len(d)-j+16)
	}
	buf := dst[:cap(dst)]
	var hi uint64 // the raw bytes ORed, of which the high bits count
	for {
		for j+8 <= len(d) {
			x := load64(d, j)
			store64(buf, w, x)
			// The bytes past a stop count too: they are the string's or,
			// past its end, at worst cost the caller a needless check.
			hi |= x
			// nameStops finds a quote and a control character with
			// one test.
			if m := nameStops(x); m != 0 {
				n := bits.TrailingZeros64(m) >> 3
				w += n
				j += n
				goto stopped
			}
			w += 8
			j += 8
		}
		// The last bytes of the input, one at a time (fewer than 8).
		for j < len(d) {
			c := d[j]
			if c == '"' || c == '\\' || c < 0x20 {
				goto stopped
			}
			hi |= uint64(c)
			buf[w] = c
			w++
			j++
		}
		return nil, -1, 0
	stopped:
		// Escapes, as long as they follow each other.
		for {
			switch c := d[j]; {
			case c == '"':
				return buf[:w], j + 1, hi & highs
			case c != '\\' || j+1 >= len(d):
				return nil, -1, 0 // a control character, or a cut escape
			}
			if e := escByte[d[j+1]]; e != 0 {
				store32(buf, w, uint32(e))
				w++
				j += 2
			} else if d[j+1] != 'u' || j+6 > len(d) {
				return nil, -1, 0
			} else if r, ok := hex4(load32(d, j+2)); !ok {
				return nil, -1, 0
			} else {
				j += 6
				if r&0xF800 == 0xD800 {
					// A high surrogate followed by an escaped low one is
					// one character; any other surrogate stands alone,
					// for U+FFFD.
					lo, ok := rune(0), false
					if r < 0xDC00 && j+6 <= len(d) && d[j] == '\\' && d[j+1] == 'u' {
						lo, ok = hex4(load32(d, j+2))
					}
					if ok && lo&0xFC00 == 0xDC00 {
						r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
						j += 6
					} else {
						r = utf8.RuneError
					}
				}
				// One and two bytes here, the rest by utf8Wide (the
				// inliner counts).
				x, n := uint32(r), 1
				if r >= 0x800 {
					x, n = utf8Wide(r)
				} else if r >= 0x80 {
					x, n = 0xC0|x>>6|(0x80|x&0x3F)<<8, 2
				}
				store32(buf, w, x)
				w += n
			}
			if j >= len(d) || d[j] != '\\' && d[j] != '"' {
				break
			}
		}
	}
}

// stringValue reads the string at d[i] (a '"') at pattern path pm past
// its first stop d[j] that is not a closing quote of valid text (value
// has found it; ascii: no byte before it is over 0x7F): the string is
// decoded onto valBuf and run through the path's automaton; or its error
// is written.
func (mt *Matcher) stringValue(d []byte, i, j int, ascii bool, pm *pathMatcher) (int, int, error) {
	start := i + 1
	if j >= len(d) {
		return len(d), 0, &SyntaxError{len(d), "unexpected end of input in a string"}
	}
	switch d[j] {
	case '"':
		k := start + invalidUTF8(d[start:j])
		return k, 0, &SyntaxError{k, "invalid UTF-8 in a string"}
	case '\\':
		// From the start again: the plain prefix is stored a word at a
		// time on the way, cheaper than a separate copy. (On the trusted
		// path trustedString has decoded the string, and only the error
		// of one it could not decode is written here.)
		v0 := len(mt.valBuf)
		buf, next, raw := decodeString(mt.valBuf, d, start)
		if next >= 0 && !mt.trusted && (!ascii || raw != 0) && !validUTF8(buf[v0:]) {
			next = -1
		}
		if next < 0 {
			_, next, err := unescapeSlow(mt.valBuf, d, i)
			if err == nil { // unreachable: the two read alike
				err = &SyntaxError{i, "malformed string"}
			}
			return next, 0, err
		}
		mt.valBuf = buf
		mt.addLeaf(pm, tagString, buf[v0:len(buf):len(buf)])
		return next, 0, nil
	}
	return j, 0, &SyntaxError{j, "control character in a string"}
}

// trustedString is stringValue on the trusted path for the string whose
// body starts at d[start] and has its first stop at d[j], a backslash:
// it decodes the part the path reads (strcut.go) onto valBuf, runs it
// through the path's automaton and returns the string's end, or -1
// where the string is malformed (stringValue writes the error). (Fewer
// arguments and results than stringValue: its call costs less.)
func (mt *Matcher) trustedString(d []byte, start, j int, pm *pathMatcher) int {
	if pm.strTail != 0 {
		if next, ok := mt.tailString(d, start, j, pm); ok {
			return next
		}
	}
	v0 := len(mt.valBuf)
	lim := len(d) + v0 // more than any string here decodes to
	if pm.strHead != 0 {
		lim = v0 + int(pm.strHead)
	}
	buf, next, cut := decodeTrusted(mt.valBuf, d, start, lim)
	if next < 0 {
		return -1
	}
	if cut {
		next = skipStringTrusted(d, next)
	}
	mt.valBuf = buf
	mt.addLeaf(pm, tagString, buf[v0:len(buf):len(buf)])
	return next
}

// quoteOrBackslash is stringStop for the trusted path, which need not
// look for control characters: the index of the first '"' or '\\' at or
// after d[i], or len(d).
func quoteOrBackslash(d []byte, i int) int {
	for i+8 <= len(d) {
		x := load64(d, i)
		q := x ^ (ones * '"')
		b := x ^ (ones * '\\')
		if m := (((q - ones) &^ q) | ((b - ones) &^ b)) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(d) && d[i] != '"' && d[i] != '\\' {
		i++
	}
	return i
}

// validUTF8 is utf8.Valid for the text of string values, which is often
// all two-byte characters (Cyrillic, Greek, accented Latin) with ASCII
// between: two- and three-byte characters are checked inline, ASCII runs
// a word at a time, four-byte ones by utf8.DecodeRune. (utf8.Valid goes
// byte by byte, through its tables, from the first non-ASCII byte on.)
func validUTF8(s []byte) bool {
	n := len(s)
	for i := 0; i < n; {
		c := s[i]
		switch {
		case c < 0x80:
			i++
			for i+8 <= n {
				if m := load64(s, i) & highs; m != 0 {
					i += bits.TrailingZeros64(m) >> 3
					break
				}
				i += 8
			}
		case c < 0xE0:
			if c < 0xC2 || i+1 >= n || s[i+1]&0xC0 != 0x80 {
				return false
			}
			i += 2
		case c < 0xF0:
			if i+2 >= n {
				return false
			}
			lo, hi := byte(0x80), byte(0xBF) // no overlong form, no surrogate
			if c == 0xE0 {
				lo = 0xA0
			} else if c == 0xED {
				hi = 0x9F
			}
			if c1 := s[i+1]; c1 < lo || c1 > hi || s[i+2]&0xC0 != 0x80 {
				return false
			}
			i += 3
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size <= 1 {
				return false
			}
			i += size
		}
	}
	return true
}
