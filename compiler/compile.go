package compiler

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/patternc/patternc/compiler/source"
)

// Limits and budgets. The AWS ones are AWS's; the rest are patternc's own
// safety budgets and never produce an AWS reason string.
const (
	// EventBridgeMaxSize is the default quota on event pattern length, in
	// characters (raisable to 4096 with AWS).
	EventBridgeMaxSize = 2048
	// SNSMaxSize is the filter policy size limit, in bytes.
	SNSMaxSize = 256 << 10
	// DefaultWildcardComplexity is the largest accepted wildcard complexity
	// (docs/semantics/patterns.md §4.5): AWS accepted 7 and rejected 11, and
	// event-ruler's README uses 10 as its example budget.
	DefaultWildcardComplexity = 10
	// DefaultMaxDepth bounds pattern nesting.
	DefaultMaxDepth = 100
	// DefaultMaxClauses bounds the clauses after $or distribution.
	DefaultMaxClauses = 4096
	// SNSMaxKeys and SNSMaxCombinations are SNS's policy limits.
	SNSMaxKeys         = 5
	SNSMaxCombinations = 150
)

func (o *Options) withDefaults(d Dialect) Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.MaxDepth <= 0 {
		r.MaxDepth = DefaultMaxDepth
	}
	if r.MaxClauses <= 0 {
		r.MaxClauses = DefaultMaxClauses
	}
	if r.MaxSize <= 0 {
		if d == EventBridge {
			r.MaxSize = EventBridgeMaxSize
		} else {
			r.MaxSize = SNSMaxSize
		}
	}
	if r.WildcardComplexity <= 0 {
		r.WildcardComplexity = DefaultWildcardComplexity
	}
	return r
}

// Compile reads, checks and lowers a pattern written as JSON text. The error,
// if any, is an ErrorList whose entries carry positions in src.
func Compile(src []byte, d Dialect, opts *Options) (*Pattern, error) {
	o := opts.withDefaults(d)
	v, err := ReadJSON(src, o.MaxDepth)
	if err != nil {
		return nil, err
	}
	p, errs := CompileValue(v, d, &o)
	if errs.Err() != nil {
		return nil, errs
	}
	return p, nil
}

// ReadJSON reads pattern text with the compiler's limits and turns a syntax
// error into an ErrorList with one positioned diagnostic.
func ReadJSON(src []byte, maxDepth int) (*source.Value, error) {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	v, err := source.ParseJSON(src, source.Limits{MaxDepth: maxDepth, MaxSize: 16 << 20})
	if err != nil {
		var se *source.Error
		if errors.As(err, &se) {
			return nil, ErrorList{syntaxDiagnostic(se)}
		}
		return nil, ErrorList{{Severity: SeverityError, Code: CodeSyntax, Reason: err.Error()}}
	}
	return v, nil
}

func syntaxDiagnostic(se *source.Error) *Diagnostic {
	code, hint := CodeSyntax, "the pattern must be one JSON object"
	switch {
	case strings.Contains(se.Msg, "nesting deeper"):
		code, hint = CodeTooDeep, "flatten the document; patterns this deep are never meaningful"
	case strings.Contains(se.Msg, "larger than the limit"):
		code, hint = CodeTooLarge, ""
	case strings.Contains(se.Msg, "UTF-8"):
		code, hint = CodeInvalidText, "save the file as UTF-8"
	}
	reason := "failed to parse JSON: " + se.Msg
	if se.Jackson != "" {
		reason += " (AWS: " + se.Jackson + ")"
	}
	return &Diagnostic{Pos: se.Pos, Severity: SeverityError, Code: code, Reason: reason, Hint: hint}
}

// CompileValue checks and lowers an already-read value tree (from JSON, YAML
// or HCL). Positions in the diagnostics are those of the tree. The list
// holds the first error, if any (AWS stops there too), and all warnings.
func CompileValue(v *source.Value, d Dialect, opts *Options) (*Pattern, ErrorList) {
	o := opts.withDefaults(d)
	c := &checker{d: d, opts: o}
	fail := func(diag *Diagnostic) (*Pattern, ErrorList) {
		if diag == recorded {
			return nil, append(c.errs, c.warnings...)
		}
		return nil, append(ErrorList{diag}, c.warnings...)
	}
	if d != EventBridge && d != SNSAttributes && d != SNSBody {
		return fail(&Diagnostic{Severity: SeverityError, Code: "E000", Reason: fmt.Sprintf("unknown dialect %v", d)})
	}
	if depth := valueDepth(v, o.MaxDepth+1); depth > o.MaxDepth {
		return fail(&Diagnostic{Pos: v.Pos, Severity: SeverityError, Code: CodeTooDeep,
			Reason: fmt.Sprintf("pattern nests deeper than the limit of %d levels", o.MaxDepth), Hint: "flatten the pattern"})
	}
	if n := compactLen(v); n > o.MaxSize {
		unit, what := "characters", "EventBridge's default quota (raisable to 4096)"
		if d.IsSNS() {
			unit, what = "bytes", "the SNS filter policy limit of 256 KB"
		}
		return fail(&Diagnostic{Pos: v.Pos, Severity: SeverityError, Code: CodeTooLarge,
			Reason: fmt.Sprintf("pattern is %d %s (without insignificant whitespace), more than %s of %d", n, unit, what, o.MaxSize),
			Hint:   "split the rule, or use prefix/wildcard operators instead of long value lists"})
	}
	if v.Kind != source.Object {
		return fail(c.errorf(v.Pos, CodeNotObject, "a pattern is a JSON object such as {\"source\": [\"my.app\"]}", "Filter is not an object"))
	}
	if d.IsSNS() {
		if n, sixth := snsKeyCount(v); n > SNSMaxKeys {
			return fail(c.errorf(sixth, CodeSNSKeys, fmt.Sprintf("this policy has %d keys (the members of top-level $or branches count too); split it across subscriptions", n), "Filter policy can not have more than 5 keys"))
		}
		// Structure first, then combinations, then operators (docs/semantics/filter-policies.md §5.4).
		if _, diag := c.object(v, 0); diag != nil {
			return fail(diag)
		}
		if n := snsCombinations(v, 1); n > SNSMaxCombinations {
			return fail(c.errorf(v.Pos, CodeSNSCombos, fmt.Sprintf("this policy has %s combinations (limit 150): fewer values per key or fewer nested keys", formatCount(n)), "Filter policy is too complex"))
		}
		c.warnings = nil
	}
	c.checkOps = true
	root, diag := c.object(v, 0)
	if diag != nil {
		return fail(diag)
	}
	clauses, err := lower(root, o.MaxClauses)
	if err != nil {
		return fail(&Diagnostic{Pos: v.Pos, Severity: SeverityError, Code: CodeTooManyRules, Reason: err.Error(),
			Hint: "each $or multiplies the clauses of its siblings; factor common fields or split the rule"})
	}
	if d == EventBridge {
		diag, warning := checkComplexity(root, o.WildcardComplexity)
		if diag != nil {
			return fail(diag)
		}
		if warning != nil {
			c.warnings = append(c.warnings, warning)
		}
	}
	return &Pattern{Dialect: d, Clauses: clauses, Warnings: c.warnings, Root: root}, c.warnings
}

// valueDepth returns the nesting depth of v, stopping at limit.
func valueDepth(v *source.Value, limit int) int {
	if limit <= 0 {
		return 1
	}
	best := 0
	for _, m := range v.Members {
		if d := valueDepth(m.Value, limit-1); d > best {
			best = d
		}
	}
	for _, e := range v.Elems {
		if d := valueDepth(e, limit-1); d > best {
			best = d
		}
	}
	if v.Kind == source.Object || v.Kind == source.Array {
		return best + 1
	}
	return best
}

// compactLen is the length of v written as compact JSON, in characters.
func compactLen(v *source.Value) int {
	switch v.Kind {
	case source.Object:
		n := 2 + max(len(v.Members)-1, 0)
		for _, m := range v.Members {
			n += quotedLen(m.Key) + 1 + compactLen(m.Value)
		}
		return n
	case source.Array:
		n := 2 + max(len(v.Elems)-1, 0)
		for _, e := range v.Elems {
			n += compactLen(e)
		}
		return n
	case source.String:
		return quotedLen(v.Text)
	case source.Number:
		return len(v.Text)
	case source.True, source.Null:
		return 4
	case source.False:
		return 5
	}
	return 0
}

func quotedLen(s string) int {
	n := 2
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || r == '\n' || r == '\t' || r == '\r' || r == '\b' || r == '\f':
			n += 2
		case r < 0x20:
			n += 6
		default:
			n++
		}
	}
	return n
}

// snsKeyCount counts the distinct names at the policy's top level, with the
// members of top-level $or branches inlined (docs/semantics/filter-policies.md §5.1), and
// returns where the first key beyond the limit is written.
func snsKeyCount(v *source.Value) (int, source.Pos) {
	names := map[string]bool{}
	over := v.Pos
	var collect func(o *source.Value)
	collect = func(o *source.Value) {
		for _, m := range o.Members {
			if m.Key == "$or" && isOrArray(m.Value) {
				for _, b := range m.Value.Elems {
					collect(b)
				}
				continue
			}
			if !names[m.Key] {
				names[m.Key] = true
				if len(names) == SNSMaxKeys+1 {
					over = m.KeyPos
				}
			}
		}
	}
	collect(v)
	return len(names), over
}

func isOrArray(v *source.Value) bool {
	if v.Kind != source.Array || len(v.Elems) < 2 {
		return false
	}
	for _, e := range v.Elems {
		if e.Kind != source.Object {
			return false
		}
	}
	return true
}

// snsCombinations is the weighted combination count of docs/semantics/filter-policies.md
// §5.2, saturating far above the limit.
func snsCombinations(v *source.Value, depth int) float64 {
	const ceiling = 1e12
	w := 1.0
	for _, m := range v.Members {
		var mw float64
		switch {
		case m.Key == "$or" && isOrArray(m.Value):
			for _, b := range m.Value.Elems {
				mw += snsCombinations(b, depth)
			}
		case m.Value.Kind == source.Object:
			mw = snsCombinations(m.Value, depth+1)
		case m.Value.Kind == source.Array:
			mw = float64(depth * len(m.Value.Elems))
		default:
			mw = 1
		}
		w *= mw
		if w > ceiling {
			return ceiling
		}
	}
	return w
}

func formatCount(f float64) string {
	if f >= 1e12 {
		return "more than 10^12"
	}
	return strconv.FormatFloat(f, 'f', 0, 64)
}

// lower distributes every $or, giving the disjunctive normal form. Within a
// clause a later condition list for the same path replaces an earlier one,
// as event-ruler's map does.
func lower(root *Object, maxClauses int) ([]Clause, error) {
	type partial = map[string]*Field
	var lowerObj func(o *Object, prefix string) ([]partial, error)
	cross := func(a, b []partial) ([]partial, error) {
		if len(a)*len(b) > maxClauses {
			return nil, fmt.Errorf("pattern expands to more than %d clauses after distributing $or (patternc's budget)", maxClauses)
		}
		out := make([]partial, 0, len(a)*len(b))
		for _, x := range a {
			for _, y := range b {
				m := make(partial, len(x)+len(y))
				for k, f := range x {
					m[k] = f
				}
				for k, f := range y {
					m[k] = f
				}
				out = append(out, m)
			}
		}
		return out, nil
	}
	lowerObj = func(o *Object, prefix string) ([]partial, error) {
		acc := []partial{{}}
		for _, m := range o.Members {
			path := m.Key
			if prefix != "" {
				path = prefix + "." + m.Key
			}
			var sub []partial
			switch m.Kind {
			case MemberLeaf:
				sub = []partial{{path: &Field{Path: path, Conds: m.Conds}}}
			case MemberObject:
				s, err := lowerObj(m.Object, path)
				if err != nil {
					return nil, err
				}
				sub = s
			case MemberOr:
				for _, b := range m.Branches {
					s, err := lowerObj(b, prefix)
					if err != nil {
						return nil, err
					}
					sub = append(sub, s...)
					if len(sub) > maxClauses {
						return nil, fmt.Errorf("pattern expands to more than %d clauses after distributing $or (patternc's budget)", maxClauses)
					}
				}
			}
			var err error
			if acc, err = cross(acc, sub); err != nil {
				return nil, err
			}
		}
		return acc, nil
	}
	parts, err := lowerObj(root, "")
	if err != nil {
		return nil, err
	}
	clauses := make([]Clause, 0, len(parts))
	for _, p := range parts {
		cl := Clause{Fields: make([]Field, 0, len(p))}
		for _, f := range p {
			cl.Fields = append(cl.Fields, *f)
		}
		sort.Slice(cl.Fields, func(i, j int) bool { return cl.Fields[i].Path < cl.Fields[j].Path })
		clauses = append(clauses, cl)
	}
	return clauses, nil
}

func netipPrefixOf(a netip.Addr) netip.Prefix {
	p, _ := a.Prefix(a.BitLen())
	return p
}
