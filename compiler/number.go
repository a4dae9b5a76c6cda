package compiler

import (
	"math"
	"strconv"
	"strings"
)

// NumberLiteral turns JSON number text into a Literal, deciding whether it is
// comparable (docs/semantics/patterns.md §6): finite, and its exact decimal value equal to
// that of the shortest round-trip form of its nearest binary64. Comparable
// numbers compare by value; the rest only by their text.
func NumberLiteral(text string) Literal {
	f, err := strconv.ParseFloat(text, 64)
	lit := Literal{Kind: LitNumber, Text: text, Num: f}
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return lit
	}
	lit.Exact = SameDecimal(text, strconv.FormatFloat(f, 'g', -1, 64))
	return lit
}

// SameDecimal reports whether two decimal number texts denote exactly the
// same value, without floating-point arithmetic and without allocating
// (the automaton calls it for every number it reads).
func SameDecimal(a, b string) bool {
	na, ok1 := normDecimal(a)
	nb, ok2 := normDecimal(b)
	if !ok1 || !ok2 {
		return false
	}
	if na.n == 0 || nb.n == 0 {
		return na.n == nb.n
	}
	if na.neg != nb.neg || na.exp != nb.exp || na.n != nb.n {
		return false
	}
	for i := 0; i < na.n; i++ {
		if na.digit(i) != nb.digit(i) {
			return false
		}
	}
	return true
}

// decimal is a number text normalised to ±0.d1d2…dn × 10^exp with d1 ≠ 0
// and dn ≠ 0. The digits stay in the text: they are the significant run of
// intPart followed by frac, starting at skip.
type decimal struct {
	neg     bool
	intPart string
	frac    string
	skip    int // leading zeros of intPart+frac
	n       int // significant digits; 0 for zero
	exp     int
}

func (d *decimal) digit(i int) byte {
	i += d.skip
	if i < len(d.intPart) {
		return d.intPart[i]
	}
	return d.frac[i-len(d.intPart)]
}

// normDecimal normalises a JSON (or strconv 'g') number text. ok is false
// for texts whose exponent is absurdly large, which are never comparable.
func normDecimal(s string) (decimal, bool) {
	var d decimal
	if strings.HasPrefix(s, "-") {
		d.neg = true
		s = s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	mant, expText := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, expText = s[:i], s[i+1:]
	}
	exp := 0
	if expText != "" {
		e, err := strconv.Atoi(expText)
		if err != nil || e > 1_000_000 || e < -1_000_000 {
			if strings.Trim(mant, "0.") == "" {
				return decimal{}, true // zero, whatever the exponent
			}
			return d, false
		}
		exp = e
	}
	d.intPart = mant
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		d.intPart, d.frac = mant[:i], mant[i+1:]
	}
	total := len(d.intPart) + len(d.frac)
	exp += len(d.intPart)
	for d.skip < total && d.digit(0) == '0' {
		d.skip++
	}
	exp -= d.skip
	d.n = total - d.skip
	for d.n > 0 && d.digit(d.n-1) == '0' {
		d.n--
	}
	if d.n == 0 {
		return decimal{}, true // zero, sign ignored: -0 equals 0
	}
	d.exp = exp
	return d, true
}
