package automaton

import (
	"encoding/binary"
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/patternc/patternc/compiler"
)

// Values enter the tries as typed keys: a tag byte, then the value's bytes.
// Different JSON types never share a key, so "5" never equals 5.
const (
	tagString  = 'S' // + UTF-8 bytes
	tagNumber  = 'N' // + 8-byte comparable form of a comparable number
	tagNumText = 'T' // + literal text of a number that is not comparable
	tagTrue    = 't'
	tagFalse   = 'f'
	tagNull    = 'n'
	tagIPv4    = '4' // + 4 address bytes
	tagIPv6    = '6' // + 16 address bytes
)

// numberKey is the comparable form of a binary64 (event-ruler's scheme):
// flip every bit of a negative number, set the sign bit of a positive one,
// so that unsigned (and byte-wise big-endian) order equals numeric order.
// -0 is 0.
func numberKey(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	b := math.Float64bits(f)
	if b&(1<<63) != 0 {
		return ^b
	}
	return b | 1<<63
}

func appendNumberKey(dst []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, tagNumber), numberKey(f))
}

// bytesString views b as a string without copying; the caller must not
// change b while the string is in use.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// parseNumber decides, for the literal text of a JSON number, its binary64
// and whether it is comparable (patterns.md §6), without allocating.
// Counting significant digits settles most numbers without the full test:
// a decimal of at most 15 significant digits (in the normal range) is
// always its own shortest round-trip form, and one of 18 or more never is
// (the shortest form has at most 17). Only 16 and 17 digits need the
// comparison with the shortest form, written into scratch.
func parseNumber(text []byte, scratch []byte) (f float64, exact bool, _ []byte) {
	if len(text) <= 15 { // at most 15 digits: exact in a float64
		neg, i := false, 0
		if text[0] == '-' {
			neg, i = true, 1
		}
		var n int64
		j := i
		for ; j < len(text) && text[j]-'0' < 10; j++ {
			n = n*10 + int64(text[j]-'0')
		}
		if j == len(text) && j > i {
			if neg {
				n = -n
			}
			return float64(n), true, scratch
		}
	}
	sig, mag, ok := significance(text)
	if !ok || sig >= 18 {
		return 0, false, scratch
	}
	s := bytesString(text)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false, scratch
	}
	if sig <= 15 && mag > -290 && mag < 290 {
		return f, true, scratch
	}
	scratch = strconv.AppendFloat(scratch[:0], f, 'g', -1, 64)
	return f, compiler.SameDecimal(s, bytesString(scratch)), scratch
}

// significance counts the significant digits of a JSON number text and
// the decimal exponent of its first one (mag: value ≈ 0.d × 10^mag). ok is
// false for an exponent beyond ±10^6 (never comparable, as the compiler
// decides too).
func significance(text []byte) (sig, mag int, ok bool) {
	i := 0
	if text[0] == '-' {
		i = 1
	}
	first, last, point := -1, -1, -1
	pos := 0 // digit position in the mantissa
	for ; i < len(text); i++ {
		c := text[i]
		if c == '.' {
			point = pos
			continue
		}
		if c-'0' >= 10 {
			break
		}
		if c != '0' {
			if first < 0 {
				first = pos
			}
			last = pos
		}
		pos++
	}
	if point < 0 {
		point = pos
	}
	exp := 0
	if i < len(text) { // exponent
		i++
		neg := false
		if text[i] == '+' || text[i] == '-' {
			neg = text[i] == '-'
			i++
		}
		for ; i < len(text); i++ {
			if exp = exp*10 + int(text[i]-'0'); exp > 1_000_000 {
				if first < 0 {
					return 0, 0, true // zero, whatever the exponent
				}
				return 0, 0, false
			}
		}
		if neg {
			exp = -exp
		}
	}
	if first < 0 {
		return 0, 0, true // zero
	}
	return last - first + 1, point - first + exp, true
}

// foldRune maps a rune to the smallest rune of its case-folding orbit, so
// that p, lower(p) and upper(p) all fold alike. Folding only finds
// candidates; compiler.EqualFold and friends decide (their rule is not an
// equivalence).
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		// 'k' and 's' have non-ASCII orbit members (K, ſ); stay ASCII.
		return r
	}
	r = unicode.ToLower(r) // İ lowers to i, outside its own fold orbit
	if r < utf8.RuneSelf {
		return r
	}
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min && f >= utf8.RuneSelf {
			min = f
		}
		if f < utf8.RuneSelf {
			// An orbit with an ASCII member folds to its lower-case ASCII.
			if 'A' <= f && f <= 'Z' {
				f += 'a' - 'A'
			}
			return f
		}
	}
	return min
}

func appendFolded(dst []byte, s []byte) []byte {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		dst = utf8.AppendRune(dst, foldRune(r))
		i += size
	}
	return dst
}

func appendReversed(dst []byte, s []byte) []byte {
	for i := len(s) - 1; i >= 0; i-- {
		dst = append(dst, s[i])
	}
	return dst
}

// appendIPKey writes the typed key of an address.
func appendIPKey(dst []byte, s []byte) ([]byte, bool) {
	a, ok := compiler.ParseIP(bytesString(s))
	if !ok {
		return dst, false
	}
	if a.Is4() {
		b := a.As4()
		return append(append(dst, tagIPv4), b[:]...), true
	}
	b := a.As16()
	return append(append(dst, tagIPv6), b[:]...), true
}
