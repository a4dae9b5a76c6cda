package source

import (
	"unicode/utf16"
	"unicode/utf8"
)

// EscapeError says why AppendEscape could not decode an escape.
type EscapeError uint8

const (
	EscapeOK         EscapeError = iota
	EscapeTruncated              // the input ends right after the backslash
	EscapeBadUnicode             // \u is not followed by four hex digits
	EscapeUnknown                // a backslash before any other character
)

// AppendEscape decodes the escape at d[i] (a backslash) inside a JSON
// string and appends what it stands for to dst: \" \\ \/ \b \f \n \r \t,
// or \uXXXX — a surrogate pair written as two escapes is one rune, and a
// lone surrogate becomes U+FFFD. It returns the bytes read. The pattern
// reader and the matcher's event scanner both decode with it, so a string
// means the same to both.
func AppendEscape(dst, d []byte, i int) ([]byte, int, EscapeError) {
	if i+1 >= len(d) {
		return dst, 0, EscapeTruncated
	}
	switch e := d[i+1]; e {
	case '"', '\\', '/':
		return append(dst, e), 2, EscapeOK
	case 'b':
		return append(dst, '\b'), 2, EscapeOK
	case 'f':
		return append(dst, '\f'), 2, EscapeOK
	case 'n':
		return append(dst, '\n'), 2, EscapeOK
	case 'r':
		return append(dst, '\r'), 2, EscapeOK
	case 't':
		return append(dst, '\t'), 2, EscapeOK
	case 'u':
		r, ok := hex4(d[i+2:])
		if !ok {
			return dst, 0, EscapeBadUnicode
		}
		if !utf16.IsSurrogate(r) {
			return utf8.AppendRune(dst, r), 6, EscapeOK
		}
		if rest := d[i+6:]; len(rest) >= 6 && rest[0] == '\\' && rest[1] == 'u' {
			if lo, ok := hex4(rest[2:]); ok {
				if dec := utf16.DecodeRune(r, lo); dec != utf8.RuneError {
					return utf8.AppendRune(dst, dec), 12, EscapeOK
				}
			}
		}
		return utf8.AppendRune(dst, utf8.RuneError), 6, EscapeOK
	}
	return dst, 0, EscapeUnknown
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
