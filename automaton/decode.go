package automaton

import (
	"math/bits"
	"slices"
	"unicode/utf8"
)

// Decoding the strings at pattern paths. A value with escapes must be
// matched as the text it stands for, so it is decoded; most have a few
// escapes among runs of plain text (a city written as S\u00e3o Paulo, a
// note with \n and \" in it). decodeString continues from the first stop
// textStop found, reads and copies the runs a word at a time in one pass
// — each word is stored whole at the output's end before its stop is
// known, and only the bytes up to the stop count — checks their UTF-8 on
// the way and decodes the escapes inline. It answers only whether the
// string is well formed; where it is not, stringError runs the byte-wise
// readers (stringStopASCII, unescapeSlow) again from the start to write
// the error, so the errors and their offsets are those of the
// definitions by construction.

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
// that plus 9 (bit 6 tells letters), and hexDigits puts the four
// together. (A table lookup per digit cost the decoder's escape loop
// registers it had to spill.)
func hex4(x uint32) (rune, bool) {
	l := x | 0x20202020
	ok := ((x+0x50505050)&^(x+0x46464646)|(l+0x1F1F1F1F)&^(l+0x19191919))&^x&0x80808080 == 0x80808080
	return hexDigits(x&0x0F0F0F0F + x>>6&0x01010101*9), ok
}

// hexDigits puts together the four digit values in the bytes of v, the
// first lowest, as the number they write. Multiplying by 0x1001 adds v
// shifted up by 12 bits to v: the first digit lands above the second,
// in bits 8 to 15, and the third above the fourth, in bits 24 to 31,
// and no two digits share a bit (so nothing carries) — one multiply
// where shifting each pair together takes five operations.
func hexDigits(v uint32) rune {
	y := v * 0x1001
	return rune(y&0xFF00 | y>>24)
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

// decodeString decodes the JSON string whose body starts at d[start] and
// has its first stop at d[j] (textStop has found it, and checked the text
// before it) onto dst, and returns the end past the closing quote, or -1
// where the string is not well formed: an unknown or cut escape, a
// control character, text that is not UTF-8, no closing quote. The text
// before the stop is copied a word at a time; then escapes, as long as
// they follow each other, each read from one word (loadEsc), and runs
// between them, a word at a time, stored whole at the output's end
// before their stop is known and checked as textStop checks text.
// Every escape decodes to a whole character, which neither completes a
// raw run's cut sequence nor continues one, so each run is checked on its
// own. (Few parameters and results: the word loop needs the registers.)
func decodeString(dst []byte, d []byte, start, j int) (out []byte, end int) {
	w := len(dst)
	// A string decodes to at most as many bytes as it is written with, so
	// with room for the rest of the input and a word more, no store
	// below needs a check: a word is stored whole at w, and a decoded
	// escape as a word of four bytes, of which their lengths count. (On
	// the matcher's buffers, the room for the longest event is made once.)
	if cap(dst)-w < len(d)-start+16 {
		dst = slices.Grow(dst, len(d)-start+16)
	}
	buf := dst[:cap(dst)]
	// The text before the stop, by words; the last may reach past the
	// stop, and the escape stored there overwrites it.
	k := start
	for ; k < j && k+8 <= len(d); k += 8 {
		store64(buf, w+k-start, load64(d, k)) // k+8 <= len(d)
	}
	for ; k < j; k++ {
		buf[w+k-start] = d[k]
	}
	w += j - start
text:
	for {
		// Escapes, as long as they follow each other: \u escapes (the
		// usual ones in text that is not ASCII) first.
		for {
			x := loadEsc(d, j)
			if byte(x) != '\\' {
				if byte(x) == '"' {
					return buf[:w], j + 1
				}
				return nil, -1 // a control character, or the end of the input
			}
			var next byte // the byte after the escape
			if byte(x>>8) == 'u' {
				r, ok := hex4(uint32(x >> 16))
				if !ok {
					return nil, -1 // not four hex digits, or cut
				}
				j += 6
				next = byte(x >> 48)
				if r&0xF800 == 0xD800 {
					r, j, next = surrogate(d, j, r, next)
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
			} else if e := escByte[byte(x>>8)]; e != 0 {
				store32(buf, w, uint32(e))
				w++
				j += 2
				next = byte(x >> 16)
			} else {
				return nil, -1
			}
			if next != '\\' && next != '"' {
				break
			}
		}
		// A run of text, a word at a time: ASCII words by asciiStops, as
		// textStop reads them (the usual runs between escapes are
		// ASCII), and from the first byte over 0x7F on, words from
		// character boundaries, as textStop reads them.
		for j+8 <= len(d) {
			x := load64(d, j) // j+8 <= len(d)
			store64(buf, w, x)
			if m := asciiStops(x); m != 0 {
				k := bits.TrailingZeros64(m) >> 3
				w += k
				j += k
				if d[j] < 0x80 {
					continue text
				}
				break
			}
			w += 8
			j += 8
		}
		for j+8 <= len(d) {
			x := load64(d, j) // j+8 <= len(d)
			store64(buf, w, x)
			// The bytes up to the stop (le), and those before it (lt):
			// all where there is none.
			stops := nameStops(x)
			le := stops ^ (stops - 1)
			lt := le &^ stops
			if x&highs&lt != 0 {
				bad, long := utf8Pairs(x)
				if long &= lt; long != 0 {
					// The bytes up to a long character's lead, then the
					// character, which may reach past the word stored.
					k := bits.TrailingZeros64(long) >> 3
					size := validLong(d, j+k)
					if bad&(1<<(8*k+8)-1) != 0 || size == 0 {
						return nil, -1
					}
					copy(buf[w+k:], d[j+k:j+k+size])
					w += k + size
					j += k + size
					continue
				}
				if bad&le != 0 {
					return nil, -1
				}
			}
			if stops != 0 {
				e := bits.TrailingZeros64(stops) >> 3
				w += e
				j += e
				continue text
			}
			// A lead in the last byte starts the next word.
			n := 8 - int(x&(x<<1)>>63)
			w += n
			j += n
		}
		// The last bytes of the input, a character at a time (fewer
		// than 8 bytes).
		for j < len(d) {
			c := d[j]
			size := 1
			switch {
			case c == '"' || c == '\\' || c < 0x20:
				continue text
			case c < 0x80:
			case c < 0xE0:
				if c < 0xC2 || j+1 >= len(d) || d[j+1]&0xC0 != 0x80 {
					return nil, -1
				}
				size = 2
			default:
				if size = validLong(d, j); size == 0 {
					return nil, -1
				}
			}
			copy(buf[w:], d[j:j+size])
			w += size
			j += size
		}
		return nil, -1
	}
}

// surrogate reads the character whose \u escape, ending at d[j] (next
// is d[j]), wrote the surrogate r: a high surrogate followed by an
// escaped low one is one character, and the pair's end is returned; any
// other surrogate stands alone, for U+FFFD. (Apart, and not in line: the
// rare case would take decodeString's loop registers.)
//
//go:noinline
func surrogate(d []byte, j int, r rune, next byte) (rune, int, byte) {
	if r < 0xDC00 && next == '\\' {
		if y := loadEsc(d, j); byte(y>>8) == 'u' {
			if lo, ok := hex4(uint32(y >> 16)); ok && lo&0xFC00 == 0xDC00 {
				j += 6
				return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), j, byte(loadEsc(d, j))
			}
		}
	}
	return utf8.RuneError, j, next
}

// loadEsc reads the word at d[j], where an escape begins: past the end of
// the input, as zero bytes, which are no hex digit, quote or backslash.
func loadEsc(d []byte, j int) uint64 {
	if j+8 <= len(d) {
		return load64(d, j)
	}
	var x uint64
	for k := 0; k < 8 && j+k < len(d); k++ {
		x |= uint64(d[j+k]) << (8 * k)
	}
	return x
}

// stringValue reads the string at d[i] (a '"') at pattern path pm whose
// first stop d[j] is not the closing quote of valid text (ok: textStop
// found the text before d[j] valid): the string is decoded onto valBuf
// and run through the path's automaton; or its error is written. (On the
// trusted path trustedString has decoded the string, and only the error
// of one it could not decode is written here.)
func (mt *Matcher) stringValue(d []byte, i, j int, ok bool, pm *pathMatcher) (int, int, error) {
	if !mt.trusted && ok && j < len(d) && d[j] == '\\' {
		v0 := len(mt.valBuf)
		if buf, next := decodeString(mt.valBuf, d, i+1, j); next >= 0 {
			mt.valBuf = buf
			mt.addLeaf(pm, tagString, buf[v0:len(buf):len(buf)])
			return next, 0, nil
		}
	}
	next, err := mt.stringError(d, i)
	return next, 0, err
}

// stringError writes the error of the string at d[i] (a '"') that the
// readers above could not read, as the byte-wise readers find it: by its
// first stop (stringStopASCII; quoteOrBackslash on the trusted path, as
// far as trustedString reads) the end of the input, invalid UTF-8 before
// a quote, a control character, or unescapeSlow's error from the start.
func (mt *Matcher) stringError(d []byte, i int) (int, error) {
	start := i + 1
	j, ascii := stringStopASCII(d, start)
	if mt.trusted {
		j = quoteOrBackslash(d, start)
	}
	if j >= len(d) {
		return len(d), &SyntaxError{len(d), "unexpected end of input in a string"}
	}
	switch d[j] {
	case '"':
		if !ascii && !utf8.Valid(d[start:j]) {
			k := start + invalidUTF8(d[start:j])
			return k, &SyntaxError{k, "invalid UTF-8 in a string"}
		}
	case '\\':
		if _, next, err := unescapeSlow(mt.valBuf, d, i); err != nil {
			return next, err
		}
	default:
		return j, &SyntaxError{j, "control character in a string"}
	}
	return i, &SyntaxError{i, "malformed string"} // unreachable: the readers agree
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
	buf, next, cut := decodeTrusted(mt.valBuf, d, start, j, lim)
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

// quoteStops flags (high bit) the quotes and backslashes among the bytes
// of x, exactly up to the first one, as the trusted path's string loops
// read them: x^'"' (or x^'\\') less one sets the high bit of a byte that
// was the quote (0) or over 0x80, and the bytes of x over 0x7F are
// masked out after both, in one operation where a mask per test takes
// two. A borrow starts only at a flagged byte (an ASCII byte other than
// those two is 1 to 0x7F after the XOR, a byte over 0x7F is 0x80 or
// more), so the lowest flag is exact.
func quoteStops(x uint64) uint64 {
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	return ((q - ones) | (b - ones)) &^ x & highs
}

// quoteOrBackslash is stringStop for the trusted path, which need not
// look for control characters: the index of the first '"' or '\\' at or
// after d[i], or len(d).
func quoteOrBackslash(d []byte, i int) int {
	for i+8 <= len(d) {
		if m := quoteStops(load64(d, i)); m != 0 { // i+8 <= len(d)
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(d) && d[i] != '"' && d[i] != '\\' {
		i++
	}
	return i
}
