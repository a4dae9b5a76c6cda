package compiler

import (
	"math"
	"strconv"
	"strings"
)

// NumberLiteral turns JSON number text into a Literal, deciding whether it is
// comparable (patterns.md §6): finite, and its exact decimal value equal to
// that of the shortest round-trip form of its nearest binary64. Comparable
// numbers compare by value; the rest only by their text.
func NumberLiteral(text string) Literal {
	f, err := strconv.ParseFloat(text, 64)
	lit := Literal{Kind: LitNumber, Text: text, Num: f}
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return lit
	}
	lit.Exact = sameDecimal(text, strconv.FormatFloat(f, 'g', -1, 64))
	return lit
}

// sameDecimal reports whether two decimal number texts denote exactly the
// same value, without floating-point arithmetic.
func sameDecimal(a, b string) bool {
	na, ok1 := normDecimal(a)
	nb, ok2 := normDecimal(b)
	return ok1 && ok2 && na == nb
}

type decimal struct {
	neg    bool
	digits string // no leading or trailing zeros; "" for zero
	exp    int    // value = 0.digits × 10^exp
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
			return d, false
		}
		exp = e
	}
	intPart, frac := mant, ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
	}
	digits := intPart + frac
	exp += len(intPart)
	// Trim leading zeros (each one lowers the exponent) and trailing zeros.
	lead := 0
	for lead < len(digits) && digits[lead] == '0' {
		lead++
	}
	digits = digits[lead:]
	exp -= lead
	digits = strings.TrimRight(digits, "0")
	if digits == "" {
		return decimal{}, true // zero, sign ignored: -0 equals 0
	}
	d.digits, d.exp = digits, exp
	return d, true
}
