package automaton

import (
	"bytes"
	"math/bits"
	"strconv"
	"unicode/utf8"

	"testing"

	"github.com/patternc/patternc/compiler/source"
)

// unescapeBytewise is the byte-at-a-time decoder unescape replaced, kept
// as the reference FuzzUnescape compares it with. It decodes the string at d[i] (a '"') onto dst, exactly as the
// compiler's reader does (a lone surrogate becomes U+FFFD).
func unescapeBytewise(dst []byte, d []byte, i int) ([]byte, int, error) {
	j := i + 1
	for j < len(d) {
		c := d[j]
		switch {
		case c == '"':
			return dst, j + 1, nil
		case c == '\\':
			var n int
			var bad source.EscapeError
			switch dst, n, bad = source.AppendEscape(dst, d, j); bad {
			case source.EscapeTruncated:
				return dst, len(d), &SyntaxError{j, "unexpected end of input in an escape"}
			case source.EscapeBadUnicode:
				return dst, j, &SyntaxError{j, "invalid \\u escape"}
			case source.EscapeUnknown:
				return dst, j, &SyntaxError{j, "invalid escape"}
			}
			j += n
		case c < 0x20:
			return dst, j, &SyntaxError{j, "control character in a string"}
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			j++
		default:
			r, size := utf8.DecodeRune(d[j:])
			if r == utf8.RuneError && size <= 1 {
				return dst, j, &SyntaxError{j, "invalid UTF-8 in a string"}
			}
			dst = append(dst, d[j:j+size]...)
			j += size
		}
	}
	return dst, len(d), &SyntaxError{len(d), "unexpected end of input in a string"}
}

// FuzzUnescape: the run-at-a-time decoder agrees with the bytewise one on
// the bytes, the end and the error of every input.
func FuzzUnescape(f *testing.F) {
	f.Add([]byte(`"plain"`))
	f.Add([]byte(`"Jos\u00e9 \"Pepe\" N\u00fa\u00f1ez \ud83d\ude00\/x\n"`))
	f.Add([]byte("\"Z\xc3\xab \xff\""))
	f.Add([]byte(`"\ud800\u0041\q"`))
	f.Add([]byte(`"\u041c\u043e\u0441\u043a\u0432\u0430, \ud834\udd1e \udc00\ud800\ud800x"`))
	f.Add([]byte(`"Deliver to S\u00e3o Paulo,\nring twice \/ \"back door\" \t#12"`))
	f.Add([]byte("\"tab\tin\x01\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || data[0] != '"' {
			data = append([]byte{'"'}, data...)
		}
		got, gend, gerr := unescape(nil, data, 0)
		want, wend, werr := unescapeBytewise(nil, data, 0)
		if (gerr == nil) != (werr == nil) || gend != wend || (gerr == nil && !bytes.Equal(got, want)) ||
			(gerr != nil && gerr.Error() != werr.Error()) {
			t.Fatalf("%q: got %q %d %v, want %q %d %v", data, got, gend, gerr, want, wend, werr)
		}
		// decodeString itself, onto a buffer with text and little room
		// left (its growing), from the first stop textStop finds (as
		// stringValue calls it): where the definition decodes, it
		// decodes alike; where it does not, it fails.
		j, ok := textStop(data, 1)
		if !ok || j >= len(data) || data[j] != '\\' {
			if werr == nil && (!ok || j >= len(data) || data[j] != '"') {
				t.Fatalf("%q: textStop %d %v, and the definition decodes it", data, j, ok)
			}
			return
		}
		pre := make([]byte, 3, 5)
		copy(pre, "pre")
		out, end := decodeString(pre, data, 1, j)
		switch {
		case werr == nil && (end != wend || !bytes.Equal(out, append([]byte("pre"), want...))):
			t.Fatalf("%q: decodeString %q %d, want %q %d", data, out, end, want, wend)
		case werr != nil && end >= 0:
			t.Fatalf("%q: decodeString %q %d, definition error %v", data, out, end, werr)
		}
	})
}

// FuzzValidUTF8: the string validator agrees with utf8.Valid.
func FuzzValidUTF8(f *testing.F) {
	f.Add([]byte("Мария Иванова, São Paulo, 東京, \U0001F600 plain ascii text"))
	f.Add([]byte("\xc0\x80 \xc2\x7f \xe0\x9f\xbf \xed\xa0\x80 \xf4\x90\x80\x80 \xef\xbf"))
	f.Fuzz(func(t *testing.T, s []byte) {
		if got, want := validUTF8(s), utf8.Valid(s); got != want {
			t.Fatalf("validUTF8(%q) = %v, want %v", s, got, want)
		}
	})
}

// hex4Bytewise is hex4's definition: four hex digits, read by strconv.
func hex4Bytewise(x uint32) (rune, bool) {
	digits := string([]byte{byte(x), byte(x >> 8), byte(x >> 16), byte(x >> 24)})
	v, err := strconv.ParseUint(digits, 16, 16)
	return rune(v), err == nil
}

// checkHex4 holds hex4 to its definition on x, and hexValue where x is
// four hex digits.
func checkHex4(t *testing.T, x uint32) {
	t.Helper()
	r, ok := hex4(x)
	wr, wok := hex4Bytewise(x)
	if ok != wok || ok && r != wr {
		t.Fatalf("hex4(%08x) = %x %v, want %x %v", x, r, ok, wr, wok)
	}
	if v := hexValue(x); wok && v != wr || v > 0xFFFF {
		t.Fatalf("hexValue(%08x) = %x, want %x", x, v, wr)
	}
}

// TestHex4: every byte value in every position, the others hex digits
// or bytes that carry into their neighbours (0xFF, 0xB0) or sit at the
// edges of the ranges.
func TestHex4(t *testing.T) {
	fill := []byte{'0', '9', 'a', 'f', 'A', 'F', 0xFF, 0xB0, '/', ':', '@', 'G', '`', 'g'}
	for pos := 0; pos < 4; pos++ {
		for c := 0; c < 256; c++ {
			for _, f := range fill {
				var x uint32
				for k := 0; k < 4; k++ {
					b := f
					if k == pos {
						b = byte(c)
					} else if k == (pos+1)%4 {
						b = "7cD2"[k]
					}
					x |= uint32(b) << (8 * k)
				}
				checkHex4(t, x)
			}
		}
	}
}

// FuzzHex4: hex4 agrees with its definition, and so does hexValue on
// hex digits.
func FuzzHex4(f *testing.F) {
	f.Add(uint32(0x39663041))
	f.Fuzz(func(t *testing.T, x uint32) {
		checkHex4(t, x)
	})
}

// FuzzStringStop holds stringStop, which finds a quote and a control
// character with one test (and stops at non-ASCII bytes), to the byte
// loop it stands for.
func FuzzStringStop(f *testing.F) {
	f.Add([]byte("plain text, then a \"quote\" and \\ and \x1f and \x7f\x80\xff \x20\x21\x22\x23"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for i := 0; i <= len(data); i++ {
			want := i
			for want < len(data) && data[want] != '"' && data[want] != '\\' && data[want] >= 0x20 && data[want] < 0x80 {
				want++
			}
			if got := stringStop(data, i); got != want {
				t.Fatalf("%q from %d: stringStop %d, want %d", data, i, got, want)
			}
		}
	})
}

// FuzzTextStop holds textStop to its definition: the first quote,
// backslash or control character from each offset, and whether the text
// before it is UTF-8 (utf8.Valid); where it is not, only that is said.
func FuzzTextStop(f *testing.F) {
	f.Add([]byte("Мария Иванова, São Paulo, 東京 \U0001F600\"tail"))
	f.Add([]byte("plain ascii text of some words, then \\n and \"."))
	f.Add([]byte("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\"\xe6\x9d\xb1\xe4\xba\xac\xe6\x9d\xb1\x01\xed\xa0\x80\xc1\xbf\xf4\x90\x80\x80"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for i := 0; i <= len(data); i++ {
			want := i
			for want < len(data) && data[want] != '"' && data[want] != '\\' && data[want] >= 0x20 {
				want++
			}
			wantOK := utf8.Valid(data[i:want])
			got, ok := textStop(data, i)
			if ok != wantOK || ok && got != want {
				t.Fatalf("%q from %d: textStop %d %v, want %d %v", data, i, got, ok, want, wantOK)
			}
		}
	})
}

// FuzzQuoteStops holds quoteStops' lowest flag to the first quote or
// backslash of the word, byte by byte, and quoteOrBackslash, which reads
// by it, to its byte loop.
func FuzzQuoteStops(f *testing.F) {
	f.Add([]byte("ab\"c\\d\x80\xa2\xdc\"\\\xff\x00\x21\x23\x5b\x5d"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for i := 0; i <= len(data); i++ {
			want := i
			for want < len(data) && data[want] != '"' && data[want] != '\\' {
				want++
			}
			if got := quoteOrBackslash(data, i); got != want {
				t.Fatalf("%q from %d: quoteOrBackslash %d, want %d", data, i, got, want)
			}
			if i+8 <= len(data) {
				m, first := quoteStops(load64(data, i)), 8
				if want < i+8 {
					first = want - i
				}
				if got := bits.TrailingZeros64(m) >> 3; m != 0 && got != first || m == 0 && first != 8 {
					t.Fatalf("%q at %d: quoteStops %x, first stop %d", data, i, m, first)
				}
			}
		}
	})
}
