package automaton

import (
	"encoding/binary"
	"math"
	"slices"
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

// stringBytes is the bytes of s, to be read only (the trie's sorted keys,
// loaded eight at a time).
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// parseNumber decides, for the literal text of a JSON number, its binary64
// and whether it is comparable (docs/semantics/patterns.md §6), without allocating.
// Counting significant digits settles most numbers without the full test:
// a decimal of at most 15 significant digits (in the normal range) is
// always its own shortest round-trip form, and one of 18 or more never is
// (the shortest form has at most 17). Only 16 and 17 digits need the
// comparison with the shortest form, written into scratch.
func parseNumber(text []byte, scratch []byte) (f float64, exact bool, _ []byte) {
	_, sh, _ := scanNumberShape(text, 0)
	return readNumber(text, sh, scratch, nil)
}

// readNumber is parseNumber with an early way out: when the number is
// parsed but its comparability is still open (16 or 17 digits), skip(lo, hi)
// may say that nothing at the path could use the answer; it then reports
// inexact without the costly test.
func readNumber(text []byte, sh numShape, scratch []byte, skip func(lo, hi float64) bool) (f float64, exact bool, _ []byte) {
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
	if longMantissa(text, sh) {
		return 0, false, scratch
	}
	d, ok := decimalOf(text)
	if !ok || d.sig >= 18 {
		return 0, false, scratch
	}
	// Clinger's fast path: a mantissa below 2^53 scaled by an exact power
	// of ten is correctly rounded by one IEEE multiplication or division.
	if d.sig <= 15 && d.scale >= -22 && d.scale <= 22 && d.mant < 1<<53 {
		f = float64(d.mant)
		if d.scale < 0 {
			f /= pow10[-d.scale]
		} else {
			f *= pow10[d.scale]
		}
		if d.neg {
			f = -f
		}
		return f, true, scratch
	}
	if skip != nil && d.sig <= 17 {
		// An estimate good to a few ulps decides most skips without a parse.
		est := float64(d.mant)
		switch {
		case d.scale < 0 && d.scale >= -22:
			est /= pow10[-d.scale]
		case d.scale >= 0 && d.scale <= 22:
			est *= pow10[d.scale]
		default:
			est *= math.Pow(10, float64(d.scale))
		}
		if d.neg {
			est = -est
		}
		if lo, hi := est*(1-1e-12), est*(1+1e-12); skip(min(lo, hi), max(lo, hi)) {
			return est, false, scratch
		}
	}
	s := bytesString(text)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false, scratch
	}
	if d.sig <= 15 && d.mag > -290 && d.mag < 290 {
		return f, true, scratch
	}
	if skip != nil && skip(f, f) {
		return f, false, scratch
	}
	// 16 or 17 digits: comparable when they are f's shortest form. Its
	// digits and exponent are compared with the text's as read, which
	// costs a fraction of comparing two texts as decimals.
	scratch = strconv.AppendFloat(scratch[:0], f, 'e', -1, 64)
	return f, shortestIs(scratch, d), scratch
}

// shortestIs tells whether e, a float's shortest form as AppendFloat's
// 'e' format writes it ("-d.ddde-xx"), has the significant digits and
// the magnitude of d (neither has trailing zeros: d's are dropped by
// decimalOf, and a shortest form has none).
func shortestIs(e []byte, d numberText) bool {
	k := 0
	if k < len(e) && e[k] == '-' {
		k++
	}
	var mant uint64
	sig := 0
	for ; k < len(e) && e[k] != 'e'; k++ {
		if e[k] != '.' {
			mant = mant*10 + uint64(e[k]-'0')
			sig++
		}
	}
	if k+2 >= len(e) || sig > 19 {
		return false
	}
	neg := e[k+1] == '-'
	exp := 0
	for k += 2; k < len(e); k++ {
		exp = exp*10 + int(e[k]-'0')
	}
	if neg {
		exp = -exp
	}
	return sig == d.sig && mant == d.mant && exp+1 == d.mag
}

// longMantissa reports, without a loop over the digits, whether a number
// text without exponent has 18 or more significant digits (so it is never
// comparable): the common case of coordinates written with 15 decimals.
func longMantissa(text []byte, sh numShape) bool {
	n := len(text)
	if n < 18 || sh.exponent || text[n-1] == '0' {
		return false
	}
	start := 0
	if text[0] == '-' {
		start = 1
	}
	// Leading zeros (and the point) do not count.
	first := start
	for first < n && (text[first] == '0' || text[first] == '.') {
		first++
	}
	digits := n - first
	if sh.frac && sh.intEnd > first {
		digits-- // the point lies between first and the end
	}
	return digits >= 18
}

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// numberText is a JSON number text read in one pass: value = ±mant ×
// 10^scale, with sig significant digits, the first of them at decimal
// exponent mag (value ≈ 0.d × 10^mag).
type numberText struct {
	neg   bool
	mant  uint64 // the significant digits (when sig <= 19)
	sig   int
	scale int
	mag   int
}

// decimalOf reads a JSON number text. ok is false for an exponent beyond
// ±10^6 on a non-zero number (never comparable, as the compiler decides).
func decimalOf(text []byte) (d numberText, ok bool) {
	i := 0
	if text[0] == '-' {
		d.neg, i = true, 1
	}
	first, last, point, pos := -1, -1, -1, 0
	for ; i < len(text); i++ {
		c := text[i]
		if c == '.' {
			point = pos
			continue
		}
		if c-'0' >= 10 {
			break
		}
		if first < 0 && c == '0' {
			pos++
			continue
		}
		if first < 0 {
			first = pos
		}
		if pos-first < 19 {
			d.mant = d.mant*10 + uint64(c-'0')
		}
		if c != '0' {
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
					return numberText{}, true // zero, whatever the exponent
				}
				return d, false
			}
		}
		if neg {
			exp = -exp
		}
	}
	if first < 0 {
		return numberText{}, true // zero: mant 0, sig 0
	}
	d.sig = last - first + 1
	if stored := min(pos-first, 19); d.sig <= 19 {
		for k := stored; k > d.sig; k-- { // drop stored trailing zeros
			d.mant /= 10
		}
	}
	d.mag = point - first + exp
	d.scale = d.mag - d.sig
	return d, true
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

// appendFolded appends s with every rune folded (foldRune). ASCII text,
// most of what is matched ignoring case, is folded eight bytes at a time:
// a word without a high bit is eight ASCII bytes, and its upper-case
// letters are lowered by setting 0x20 where a byte is at least 'A' and
// at most 'Z' (each test a carry into the byte's own high bit only: no
// byte is over 0x7F). Other runes go one at a time.
func appendFolded(dst []byte, s []byte) []byte {
	dst, _ = foldValue(dst, s)
	return dst
}

// foldValue is appendFolded that also tells whether s is all ASCII: an
// ASCII value reached through the folded tries matches an ASCII pattern
// ignoring case without the rune-wise check (see fire).
func foldValue(dst []byte, s []byte) ([]byte, bool) {
	dst = slices.Grow(dst, len(s)) // folding rarely changes the length
	ascii := true
	for i := 0; i < len(s); {
		if w := len(dst); cap(dst)-w >= 8 {
			// A word, or the last bytes as one, zero above them.
			var x uint64
			n := len(s) - i
			if n >= 8 {
				x, n = load64(s, i), 8
			} else {
				x = tailWord(s, i)
			}
			if x&highs == 0 {
				upper := (x + ones*(0x80-'A')) &^ (x + ones*(0x80-'Z'-1)) & highs
				store64(dst[:w+8], w, x|upper>>2)
				dst = dst[:w+n]
				i += n
				continue
			}
		}
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		ascii = false
		r, size := utf8.DecodeRune(s[i:])
		dst = utf8.AppendRune(dst, foldRune(r))
		i += size
	}
	return dst, ascii
}

// tailWord returns the last bytes of s from s[i] (fewer than eight) as a
// little-endian word, zero above them: four or more by two 32-bit loads
// that overlap (ORing a byte with itself keeps it), fewer one by one.
func tailWord(s []byte, i int) uint64 {
	switch n := len(s) - i; {
	case n >= 4:
		return uint64(load32(s, i)) | uint64(load32(s, len(s)-4))<<(8*(n-4))
	case n == 3:
		return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16
	case n == 2:
		return uint64(s[i]) | uint64(s[i+1])<<8
	case n == 1:
		return uint64(s[i])
	}
	return 0
}

// appendIPKey writes the typed key of an address. The usual one, dotted
// IPv4, is read by ipv4Octets in one pass, IPv6 by ipv6Groups (ipv6.go);
// the rest by compiler.ParseIP,
// which first tests the shape of the whole text, then parses it (IPv6
// through netip). (Callgrind, mixed-10000 Match, small CloudTrail calls,
// one address each, one in five IPv6: ParseIP + ipShaped + netip ~600
// instr/event before, ipv4Octets 165 + the IPv6 ones' ~190 after.)
func appendIPKey(dst []byte, s []byte) ([]byte, bool) {
	if b, ok := ipv4Octets(s); ok {
		return append(dst, tagIPv4, b[0], b[1], b[2], b[3]), true
	}
	if b, ok := ipv6Groups(s); ok {
		return append(append(dst, tagIPv6), b[:]...), true
	}
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

// ipv4Octets reads s as compiler.ParseIP reads a dotted IPv4 address
// whose four parts have one to three digits each (every usual address),
// part by part with the digits unrolled. ok is false for any other text,
// which ParseIP then reads: an IPv6 address, a part of four or more
// digits (leading zeros), or no address. (A loop over the bytes with
// ParseIP's digit count took 220 instr per small CloudTrail call; this
// takes 165. FuzzIPv4Octets holds the two to the same answers.) Tried
// and dropped: a text of 8 to 15 bytes read as two words, the dots and
// digits found by masks and each part's value from its last three
// bytes weighted by its length, with no branch on a part's digits (the
// branches here are mispredicted: 1 to 3 digits at random): 336 instr
// per address (callgrind, mixed-10000 small CloudTrail calls), the
// loop over the four parts alone 150.
func ipv4Octets(s []byte) (b [4]byte, ok bool) {
	i := 0
	for p := range 4 {
		if p > 0 {
			if uint(i) >= uint(len(s)) || s[i] != '.' {
				return b, false
			}
			i++
		}
		if uint(i) >= uint(len(s)) || s[i]-'0' >= 10 {
			return b, false
		}
		n := uint(s[i] - '0')
		if i++; uint(i) < uint(len(s)) && s[i]-'0' < 10 {
			n = n*10 + uint(s[i]-'0')
			if i++; uint(i) < uint(len(s)) && s[i]-'0' < 10 {
				n = n*10 + uint(s[i]-'0')
				i++
			}
		}
		if n > 255 {
			return b, false
		}
		b[p] = byte(n)
	}
	return b, i == len(s)
}
