package valueset

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// A string operator and its reference: the compiler's own matching
// functions, which compiler.Explain uses.
type stringOp struct {
	lang Lang
	ref  func(string) bool
}

func opFor(kind uint8, text string) stringOp {
	switch kind % 8 {
	case 0:
		return stringOp{Literal(text), func(s string) bool { return s == text }}
	case 1:
		return stringOp{Prefix(text), func(s string) bool { return strings.HasPrefix(s, text) }}
	case 2:
		return stringOp{Suffix(text), func(s string) bool { return strings.HasSuffix(s, text) }}
	case 3:
		return stringOp{EqualsIgnoreCase(text), func(s string) bool { return compiler.EqualFold(text, s) }}
	case 4:
		return stringOp{PrefixIgnoreCase(text), func(s string) bool { return compiler.HasPrefixFold(s, text) }}
	case 5:
		return stringOp{SuffixIgnoreCase(text), func(s string) bool { return compiler.HasSuffixFold(s, text) }}
	case 6:
		g := compiler.Glob{Parts: strings.Split(text, "*")}
		return stringOp{Wildcard(g.Parts), g.Match}
	}
	// A cidr block from the text's bytes: an IPv4 /8../31 block, or for
	// texts of odd length an IPv6 /16../127 one.
	var b [16]byte
	copy(b[:], text)
	p, _ := netip.AddrFrom4([4]byte(b[:4])).Prefix(8 + len(text)%24)
	if len(text)%2 == 1 {
		p, _ = netip.AddrFrom16(b).Prefix(16 + int(b[0])%112)
	}
	return stringOp{CIDR(p), func(s string) bool {
		a, ok := compiler.ParseIP(s)
		return ok && p.Contains(a)
	}}
}

// shortStrings are every string of up to maxRunes runes over the texts'
// runes plus a few others, and the texts themselves with a rune added.
func shortStrings(maxRunes int, texts ...string) []string {
	alpha := map[rune]bool{'x': true, 'K': true, 'é': true, '.': true, '1': true, ':': true}
	for _, t := range texts {
		for _, r := range t {
			if len(alpha) < 9 {
				alpha[r] = true
			}
		}
	}
	var runes []rune
	for r := range alpha {
		runes = append(runes, r)
	}
	out := []string{""}
	level := []string{""}
	for n := 0; n < maxRunes; n++ {
		var next []string
		for _, s := range level {
			for _, r := range runes {
				next = append(next, s+string(r))
			}
		}
		out = append(out, next...)
		level = next
	}
	for _, t := range texts {
		for _, r := range runes {
			out = append(out, t, t+string(r), string(r)+t, t+t)
		}
	}
	return out
}

// FuzzStringSets checks intersection, union, difference, complement and
// emptiness of two string-operator languages against the compiler's
// matching functions on short strings; a non-empty verdict's witness must
// satisfy the reference too.
func FuzzStringSets(f *testing.F) {
	f.Add(uint8(1), "ab", uint8(2), "b")
	f.Add(uint8(3), "kß", uint8(4), "K")
	f.Add(uint8(6), "a*b*c", uint8(5), "BC")
	f.Add(uint8(7), "\x0a\x00\x01\x80", uint8(1), "10.")
	f.Add(uint8(0), "é", uint8(3), "É")
	f.Fuzz(func(t *testing.T, ka uint8, a string, kb uint8, b string) {
		if len(a) > 8 || len(b) > 8 || !validText(a) || !validText(b) {
			return
		}
		x, y := opFor(ka, a), opFor(kb, b)
		and, or, minus, not := x.lang.Intersect(y.lang), x.lang.Union(y.lang), x.lang.Minus(y.lang), x.lang.Complement()
		any := false
		for _, s := range shortStrings(3, a, b) {
			if !validText(s) {
				continue
			}
			in1, in2 := x.ref(s), y.ref(s)
			for _, c := range []struct {
				name string
				l    Lang
				want bool
			}{{"and", and, in1 && in2}, {"or", or, in1 || in2}, {"minus", minus, in1 && !in2}, {"not", not, !in1}, {"x", x.lang, in1}} {
				got, known := c.l.Contains(s)
				if known && got != c.want {
					t.Fatalf("%s of (%d %q, %d %q) on %q: got %v, want %v", c.name, ka%8, a, kb%8, b, s, got, c.want)
				}
			}
			any = any || in1 && in2
		}
		empty, known := and.IsEmpty()
		if any && empty && known {
			t.Fatalf("(%d %q) and (%d %q) said disjoint, but a short string is in both", ka%8, a, kb%8, b)
		}
		if !empty && known {
			w, ok := and.Witness()
			if !ok || !x.ref(w) || !y.ref(w) {
				t.Fatalf("witness %q of (%d %q) and (%d %q) is not in both", w, ka%8, a, kb%8, b)
			}
		}
	})
}

// validText is what a pattern's decoded string can be: valid UTF-8.
func validText(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
