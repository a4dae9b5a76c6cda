package valueset

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lang is a set of strings: the valid UTF-8 strings (event strings always
// are) that a string condition accepts. Every language the pattern
// operators make is known exactly; the type still carries two bounds,
// lo ⊆ L ⊆ hi, so that a language known only approximately (a future
// operator, or one cut short) keeps every operation sound: complement
// swaps them, a witness drawn from lo is always in L and a verdict "empty"
// drawn from hi is always right. For exact languages lo == hi.
type Lang struct {
	lo, hi *dfa
}

// Exact reports whether the language is known exactly.
func (l Lang) Exact() bool { return l.lo == l.hi || l.lo.equal(l.hi) }

// utf8DFA accepts exactly the valid UTF-8 strings (what utf8.ValidString
// accepts).
var utf8DFA = func() *dfa {
	n := &nfa{}
	s0 := n.node() // start, accepting
	c1, c2, c3 := n.node(), n.node(), n.node()
	e0, ed, f0, f4 := n.node(), n.node(), n.node(), n.node()
	n.byteRange(s0, s0, 0x00, 0x7f)
	n.byteRange(s0, c1, 0xc2, 0xdf)
	n.byteRange(s0, e0, 0xe0, 0xe0)
	n.byteRange(s0, c2, 0xe1, 0xec)
	n.byteRange(s0, ed, 0xed, 0xed)
	n.byteRange(s0, c2, 0xee, 0xef)
	n.byteRange(s0, f0, 0xf0, 0xf0)
	n.byteRange(s0, c3, 0xf1, 0xf3)
	n.byteRange(s0, f4, 0xf4, 0xf4)
	n.byteRange(c1, s0, 0x80, 0xbf)
	n.byteRange(c2, c1, 0x80, 0xbf)
	n.byteRange(c3, c2, 0x80, 0xbf)
	n.byteRange(e0, c1, 0xa0, 0xbf)
	n.byteRange(ed, c1, 0x80, 0x9f)
	n.byteRange(f0, c2, 0x90, 0xbf)
	n.byteRange(f4, c2, 0x80, 0x8f)
	return n.determinize(s0, "UTF-8")
}()

var noStrings = &dfa{k: 1, next: []int32{0}, accept: []bool{false}}

func exact(d *dfa) Lang { return Lang{d, d} }

// AllStrings is every valid UTF-8 string.
func AllStrings() Lang { return exact(utf8DFA) }

// NoStrings is the empty language.
func NoStrings() Lang { return exact(noStrings) }

// Union, Intersect and Minus combine languages.
func (l Lang) Union(o Lang) Lang {
	return combine(l, o, opOr, false, "union")
}

func (l Lang) Intersect(o Lang) Lang {
	return combine(l, o, opAnd, false, "intersection")
}

func (l Lang) Minus(o Lang) Lang {
	return combine(l, o, opMinus, true, "difference")
}

// Complement is every valid UTF-8 string not in l.
func (l Lang) Complement() Lang { return AllStrings().Minus(l) }

// combine applies an operation to both bounds; anti means the operation
// is antitone in its second argument (difference), so that bound swaps.
func combine(a, b Lang, op uint8, anti bool, what string) Lang {
	bl, bh := b.lo, b.hi
	if anti {
		bl, bh = bh, bl
	}
	lo := product(a.lo, bl, op, what)
	if a.lo == a.hi && b.lo == b.hi {
		return Lang{lo, lo}
	}
	return Lang{lo, product(a.hi, bh, op, what)}
}

// IsEmpty says whether the language is empty; known is false when the
// bounds do not decide it.
func (l Lang) IsEmpty() (empty, known bool) {
	if l.hi.empty() {
		return true, true
	}
	if !l.lo.empty() {
		return false, true
	}
	return false, false
}

// Witness returns a shortest readable string certainly in the language.
func (l Lang) Witness() (string, bool) { return l.lo.shortest() }

// Contains reports whether s is in the language; known is false when s
// lies between the bounds.
func (l Lang) Contains(s string) (in, known bool) {
	if !utf8.ValidString(s) {
		return false, true
	}
	if l.lo.run(s) {
		return true, true
	}
	if !l.hi.run(s) {
		return false, true
	}
	return false, false
}

// piece is one step of a string shape: a set of alternative byte strings
// (a literal byte, a rune and its case variants) or a loop over a byte
// class (a wildcard's star).
type piece struct {
	alts []string
	loop [][2]byte
}

var anyByte = [][2]byte{{0, 255}}

func lit(s string) []piece {
	out := make([]piece, 0, len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, piece{alts: []string{s[i : i+1]}})
	}
	return out
}

func star() piece { return piece{loop: anyByte} }

// fold spells each rune of s with the runes equals-ignore-case accepts in
// its place: itself, its lower and its upper case (compiler.EqualFold).
func fold(s string) []piece {
	var out []piece
	for _, r := range s {
		seen := map[rune]bool{}
		var alts []string
		for _, v := range []rune{r, unicode.ToLower(r), unicode.ToUpper(r)} {
			if !seen[v] {
				seen[v] = true
				alts = append(alts, string(v))
			}
		}
		out = append(out, piece{alts: alts})
	}
	return out
}

// shape builds the language of a sequence of pieces, kept to valid UTF-8.
func shape(what string, pieces ...[]piece) Lang {
	n := &nfa{}
	cur := n.node()
	for _, ps := range pieces {
		for _, p := range ps {
			if p.loop != nil {
				nx := n.node()
				n.epsilon(cur, nx)
				for _, r := range p.loop {
					n.byteRange(nx, nx, r[0], r[1])
				}
				cur = nx
				continue
			}
			nx := n.node()
			for _, a := range p.alts {
				n.bytes(cur, nx, a)
			}
			cur = nx
		}
	}
	d := n.determinize(cur, what)
	return exact(product(d, utf8DFA, opAnd, what))
}

// String constructors, one per string operator of the pattern language.

func Literal(s string) Lang          { return shape("literal", lit(s)) }
func Prefix(s string) Lang           { return shape("prefix", lit(s), []piece{star()}) }
func Suffix(s string) Lang           { return shape("suffix", []piece{star()}, lit(s)) }
func EqualsIgnoreCase(s string) Lang { return shape("equals-ignore-case", fold(s)) }
func PrefixIgnoreCase(s string) Lang {
	return shape("prefix equals-ignore-case", fold(s), []piece{star()})
}
func SuffixIgnoreCase(s string) Lang {
	return shape("suffix equals-ignore-case", []piece{star()}, fold(s))
}

// Wildcard is the language of a parsed glob: its literal parts with any
// bytes between them.
func Wildcard(parts []string) Lang {
	return cachedShape("*\x00"+strings.Join(parts, "\x00*"), func() Lang { return wildcard(parts) })
}

func wildcard(parts []string) Lang {
	var ps [][]piece
	for i, p := range parts {
		if i > 0 {
			ps = append(ps, []piece{star()})
		}
		ps = append(ps, lit(p))
	}
	return shape("wildcard", ps...)
}
