package compiler

import (
	"fmt"
	"strings"

	"github.com/patternc/patternc/compiler/source"
	"github.com/patternc/patternc/internal/suggest"
)

// Hints that need more than a sentence: "did you mean" for operator names,
// and the advice for two operators in one match expression, which must not
// turn an AND into an OR.

var (
	ebOperators  = []string{"prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric", "exists", "cidr"}
	snsOperators = []string{"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists", "cidr"}
)

// operators lists the operator names of dialect d.
func operators(d Dialect) []string {
	if d.IsSNS() {
		return snsOperators
	}
	return ebOperators
}

// unknownOperatorHint says which operator name was probably meant, then
// lists the dialect's operators.
func unknownOperatorHint(d Dialect, name string) string {
	list := "operators are " + strings.Join(ebOperators[:len(ebOperators)-1], ", ") + " and cidr (case-sensitive)"
	if d.IsSNS() {
		list = "SNS filter policies support " + strings.Join(snsOperators[:len(snsOperators)-1], ", ") + " and cidr (case-sensitive)"
	}
	if m := suggest.Closest(name, operators(d)); m != "" {
		return fmt.Sprintf("did you mean %q? %s", m, list)
	}
	return list
}

// oneKeyHint advises on a match expression with several keys. The usual
// advice, one object per operator in the list, is right for alternatives
// but wrong for prefix + suffix, which the user meant as AND: a list means
// OR. That case gets a wildcard when one is exactly equivalent, else the
// exact rewrite (a wildcard plus the finitely many overlapping values), or
// for SNS, which has no wildcard, the reason it cannot be written.
func oneKeyHint(d Dialect, v *source.Value) string {
	const generic = `put each operator in an object of its own in the list: [{"a": …}, {"b": …}] (a list matches when any one of them does)`
	if len(v.Members) != 2 {
		return generic
	}
	var prefix, suffix *source.Value
	for i := range v.Members {
		switch v.Members[i].Key {
		case "prefix":
			prefix = v.Members[i].Value
		case "suffix":
			suffix = v.Members[i].Value
		}
	}
	if prefix == nil || suffix == nil {
		return generic
	}
	orWarning := `a list [{"prefix": …}, {"suffix": …}] would match values with either, not both`
	if prefix.Kind != source.String || suffix.Kind != source.String {
		return orWarning + `; AWS has no AND of ignore-case prefix and suffix on one field: keep one operator here and check the other in the consumer`
	}
	if d.IsSNS() {
		return orWarning + `; SNS filter policies have no wildcard and no AND of two operators on one attribute: keep one operator here and check the other in the subscriber`
	}
	p, s := prefix.Text, suffix.Text
	glob := fmt.Sprintf(`{"wildcard": %s}`, jsonQuote(escapeGlob(p)+"*"+escapeGlob(s)))
	overlaps := overlapValues(p, s)
	if len(overlaps) == 0 {
		return fmt.Sprintf(`to require both, write %s (%s)`, glob, orWarning)
	}
	quoted := make([]string, len(overlaps))
	for i, o := range overlaps {
		quoted[i] = jsonQuote(o)
	}
	return fmt.Sprintf(`%s; %s alone would miss %s, where the prefix and the suffix overlap: to require both, write [%s, %s]`,
		orWarning, glob, strings.Join(quoted, ", "), strings.Join(quoted, ", "), glob)
}

// overlapValues lists the values that start with p and end with s but are
// shorter than p+s (the two overlap), which the wildcard p*s misses.
func overlapValues(p, s string) []string {
	var out []string
	for k := min(len(p), len(s)); k >= 1; k-- {
		if p[len(p)-k:] == s[:k] {
			out = append(out, p+s[k:])
		}
	}
	return out
}

// escapeGlob escapes the characters wildcard gives meaning to.
func escapeGlob(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`).Replace(s)
}

func jsonQuote(s string) string { return string(jsonString(s)) }
