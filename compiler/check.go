package compiler

import (
	"fmt"
	"math"
	"strings"

	"github.com/patternc/patternc/compiler/source"
)

// checker walks a value tree, judging it as AWS does for one dialect and
// building the syntax tree. AWS reports the first error in document order,
// so the walk stops at the first error; warnings accumulate.
type checker struct {
	d        Dialect
	opts     Options
	checkOps bool // false: SNS's structure-only pass (docs/semantics/filter-policies.md §5.4)
	warnings ErrorList
	errs     ErrorList // Options.AllErrors: every error recorded so far
}

// recorded is returned instead of a diagnostic, with Options.AllErrors,
// once the diagnostics of a subtree are in c.errs: callers mark themselves
// failed and go on with their next member.
var recorded = &Diagnostic{Severity: SeverityError, Code: "E000", Reason: "errors recorded"}

// fault records diag with Options.AllErrors (unless already recorded) and
// reports whether the walk should stop here instead.
func (c *checker) fault(diag *Diagnostic) (stop bool) {
	if !c.opts.AllErrors {
		return true
	}
	if diag != recorded {
		c.errs = append(c.errs, diag)
	}
	return false
}

func (c *checker) errorf(pos source.Pos, code, hint, format string, args ...any) *Diagnostic {
	return &Diagnostic{Pos: pos, Severity: SeverityError, Code: code, Reason: fmt.Sprintf(format, args...), Hint: hint}
}

func (c *checker) warn(pos source.Pos, code, hint, format string, args ...any) {
	c.warnings = append(c.warnings, &Diagnostic{Pos: pos, Severity: SeverityWarning, Code: code, Reason: fmt.Sprintf(format, args...), Hint: hint})
}

// reservedInOr are the names event-ruler refuses as keys inside an $or
// branch (docs/semantics/patterns.md §4.10).
var reservedInOr = map[string]bool{
	"exactly": true, "equals-ignore-case": true, "prefix": true, "suffix": true,
	"anything-but": true, "exists": true, "wildcard": true, "numeric": true,
	"cidr": true, "=": true, "<": true, "<=": true, ">": true, ">=": true,
	"regex": true, "not-wildcard": true, "not-equals-ignore-case": true,
	"date-after": true, "date-on-or-after": true, "date-before": true,
	"date-on-or-before": true, "in-date-range": true, "ip-address-in-range": true,
	"ip-address-not-in-range": true,
}

// object checks a pattern object. nested counts the enclosing objects ($or
// branches excluded), for the SNS MessageAttributes scope rule.
func (c *checker) object(v *source.Value, nested int) (*Object, *Diagnostic) {
	if len(v.Members) == 0 {
		return nil, c.errorf(v.Pos, CodeEmptyObject, "remove the empty object or give it a field", "Empty objects are not allowed")
	}
	obj := &Object{Pos: v.Pos}
	failed := false
	for i := range v.Members {
		m := &v.Members[i]
		var node *Member
		var diag *Diagnostic
		if m.Key == "$or" {
			node, diag = c.or(m, nested)
		} else {
			node, diag = c.member(m, nested)
		}
		if diag != nil {
			if c.fault(diag) {
				return nil, diag
			}
			failed = true
			continue
		}
		obj.Members = append(obj.Members, node)
	}
	if failed {
		return nil, recorded
	}
	return obj, nil
}

// member checks one ordinary key.
func (c *checker) member(m *source.Member, nested int) (*Member, *Diagnostic) {
	v := m.Value
	switch v.Kind {
	case source.Object:
		child, diag := c.object(v, nested+1)
		if diag != nil {
			return nil, diag
		}
		return &Member{Key: m.Key, Pos: m.KeyPos, Kind: MemberObject, Object: child}, nil
	case source.Array:
		if nested > 0 && c.d == SNSAttributes {
			return nil, c.errorf(m.KeyPos, CodeNestedScope,
				"nest filter policies only with FilterPolicyScope MessageBody; attributes are flat",
				"Filter policy scope MessageAttributes does not support nested filter policy")
		}
		conds, diag := c.condList(v)
		if diag != nil {
			return nil, diag
		}
		return &Member{Key: m.Key, Pos: m.KeyPos, Kind: MemberLeaf, Conds: conds}, nil
	}
	return nil, c.errorf(v.Pos, CodeMemberScalar,
		fmt.Sprintf("wrap the value in a list: %q: [%s]", m.Key, literalText(v)),
		"%q must be an object or an array", m.Key)
}

// or checks an $or member; when it is not a well-formed $or, AWS reads it as
// an ordinary field name (docs/semantics/patterns.md §4.10), and reports the $or error only
// if that reading fails too.
func (c *checker) or(m *source.Member, nested int) (*Member, *Diagnostic) {
	orErr := c.orShape(m)
	if orErr == nil {
		node := &Member{Key: m.Key, Pos: m.KeyPos, Kind: MemberOr}
		failed := false
		for _, b := range m.Value.Elems {
			br, diag := c.object(b, nested)
			if diag != nil {
				if c.fault(diag) {
					return nil, diag
				}
				failed = true
				continue
			}
			node.Branches = append(node.Branches, br)
		}
		if failed {
			return nil, recorded
		}
		return node, nil
	}
	saved, savedErrs := len(c.warnings), len(c.errs)
	node, diag := c.member(m, nested)
	if diag != nil {
		c.warnings, c.errs = c.warnings[:saved], c.errs[:savedErrs]
		return nil, orErr
	}
	c.warn(m.KeyPos, WarnOrFallback, "write $or as an array of at least two objects, or rename the field",
		"$or is read as an ordinary field name: %s", orErr.Reason)
	return node, nil
}

// orShape reports why an $or member is not a well-formed $or, in
// event-ruler's order, or nil.
func (c *checker) orShape(m *source.Member) *Diagnostic {
	const hint = `$or takes an array of at least two pattern objects: "$or": [{"a": ["x"]}, {"b": ["y"]}]`
	v := m.Value
	if v.Kind != source.Array {
		return c.errorf(v.Pos, CodeOr, hint, "It must be an Array followed with $or.")
	}
	for _, el := range v.Elems {
		if el.Kind != source.Object {
			return c.errorf(el.Pos, CodeOr, hint, "Only JSON object is allowed in array of $or relationship.")
		}
		if bm := reservedKeyIn(el); bm != nil {
			return c.errorf(bm.KeyPos, CodeOr, "operators belong inside a field's list, not as keys of an $or branch or of objects nested in it",
				"%s is Ruler reserved fieldName which cannot be used inside $or.", bm.Key)
		}
	}
	if len(v.Elems) < 2 {
		return c.errorf(v.Pos, CodeOr, hint, "There must have at least 2 Objects in $or relationship.")
	}
	return nil
}

// reservedKeyIn finds, in document order, the first key of o or of an
// object nested in it (through member objects and the branches of nested
// $or arrays, not through condition lists) that event-ruler reserves inside
// an $or: its compiler checks the keys at every depth of a branch
// (docs/semantics/patterns.md §4.10). Nesting is bounded by the depth limit checked
// before.
func reservedKeyIn(o *source.Value) *source.Member {
	for i := range o.Members {
		m := &o.Members[i]
		if m.Key == "$or" {
			if m.Value.Kind == source.Array {
				for _, b := range m.Value.Elems {
					if b.Kind != source.Object {
						break
					}
					if r := reservedKeyIn(b); r != nil {
						return r
					}
				}
			}
			continue
		}
		if reservedInOr[m.Key] {
			return m
		}
		if m.Value.Kind == source.Object {
			if r := reservedKeyIn(m.Value); r != nil {
				return r
			}
		}
	}
	return nil
}

// condList checks a condition list.
func (c *checker) condList(v *source.Value) ([]Condition, *Diagnostic) {
	if len(v.Elems) == 0 {
		return nil, c.errorf(v.Pos, CodeEmptyArray, "a list needs at least one value; to test for absence use [{\"exists\": false}]", "Empty arrays are not allowed")
	}
	var conds []Condition
	failed := false
	for _, el := range v.Elems {
		switch el.Kind {
		case source.Array:
			diag := c.errorf(el.Pos, CodeNestedValueList, "list the values directly: [\"a\", \"b\"], not [[\"a\", \"b\"]]",
				"Match value must be String, number, true, false, or null")
			if c.fault(diag) {
				return nil, diag
			}
			failed = true
		case source.Object:
			if !c.checkOps {
				continue
			}
			cs, diag := c.matchExpr(el)
			if diag != nil {
				if c.fault(diag) {
					return nil, diag
				}
				failed = true
				continue
			}
			conds = append(conds, cs...)
		default:
			conds = append(conds, c.literal(el)...)
		}
	}
	if failed {
		return nil, recorded
	}
	return conds, nil
}

// literal lowers a literal entry. A string that is an IP address also
// matches as a one-address block (event-ruler compiles it so).
func (c *checker) literal(v *source.Value) []Condition {
	var lit Literal
	switch v.Kind {
	case source.String:
		lit = Literal{Kind: LitString, Text: v.Text}
		cond := Condition{Op: OpEquals, Value: lit, Pos: v.Pos}
		if addr, ok := ParseIP(v.Text); ok {
			return []Condition{cond, {Op: OpCIDR, Prefix: netipPrefixOf(addr), Pos: v.Pos}}
		}
		return []Condition{cond}
	case source.Number:
		lit = NumberLiteral(v.Text)
		if !lit.Exact {
			c.warn(v.Pos, WarnInexact, "write the number with at most 17 significant digits, or quote it if it is an identifier",
				"number %s is not exactly representable; it matches only the same text", v.Text)
		} else {
			c.checkRange(v.Pos, lit.Num, v.Text)
		}
	case source.True:
		lit = Literal{Kind: LitTrue}
	case source.False:
		lit = Literal{Kind: LitFalse}
	case source.Null:
		lit = Literal{Kind: LitNull}
	}
	return []Condition{{Op: OpEquals, Value: lit, Pos: v.Pos}}
}

// checkRange warns about numbers outside the range AWS documents.
func (c *checker) checkRange(pos source.Pos, f float64, text string) {
	if math.Abs(f) > 1e9 {
		c.warn(pos, WarnNumberRange, "AWS documents numeric matching only between -1e9 and 1e9",
			"number %s is outside the range AWS documents for numeric matching (-1e9 to 1e9)", text)
	}
}

// matchExpr checks a match object: one operator and its operand.
func (c *checker) matchExpr(v *source.Value) ([]Condition, *Diagnostic) {
	if len(v.Members) == 0 {
		return nil, c.errorf(v.Pos, CodeNoMatchName, "an operator object needs one operator, e.g. {\"prefix\": \"a\"}", "Match expression name not found")
	}
	op := v.Members[0]
	extra := v.Members[1:]
	var conds []Condition
	var diag *Diagnostic
	tooMany := false // extra keys get "Too many elements…" after these two
	switch op.Key {
	case "prefix":
		conds, diag = c.prefixSuffix(op, OpPrefix)
	case "suffix":
		conds, diag = c.prefixSuffix(op, OpSuffix)
	case "equals-ignore-case":
		if op.Value.Kind != source.String {
			diag = c.errorf(op.Value.Pos, CodeEqualsIgnore, "give one string: {\"equals-ignore-case\": \"value\"}", "equals-ignore-case match pattern must be a string")
		} else {
			conds = []Condition{{Op: OpEqualsIgnoreCase, Text: op.Value.Text, Pos: v.Pos}}
		}
	case "wildcard":
		if c.d.IsSNS() {
			d := c.unknownOp(op)
			d.Hint = "SNS does not document wildcard, so patternc rejects it (AWS's own answer is unverified); use prefix or suffix"
			return nil, d
		}
		conds, diag = c.wildcard(op.Value, v.Pos)
	case "anything-but":
		tooMany = true
		conds, diag = c.anythingBut(op, v.Pos)
	case "numeric":
		tooMany = true
		conds, diag = c.numeric(op, v.Pos)
	case "exists":
		switch op.Value.Kind {
		case source.True, source.False:
			conds = []Condition{{Op: OpExists, Exists: op.Value.Kind == source.True, NonEmpty: c.d.IsSNS() && op.Value.Kind == source.True, Pos: v.Pos}}
		default:
			diag = c.errorf(op.Value.Pos, CodeExists, "write {\"exists\": true} or {\"exists\": false}", "exists match pattern must be either true or false.")
		}
	case "cidr":
		if op.Value.Kind != source.String {
			diag = c.errorf(op.Value.Pos, CodeCIDR, "give one block as a string: {\"cidr\": \"10.0.0.0/24\"}", "prefix match pattern must be a string")
			break
		}
		p, reason := parseCIDR(op.Value.Text)
		if reason != "" {
			diag = c.errorf(op.Value.Pos, CodeCIDR, "write ADDRESS/BITS, e.g. 10.0.0.0/24 or 2001:db8::/32 (for one address use a plain string)", "%s", reason)
			break
		}
		conds = []Condition{{Op: OpCIDR, Prefix: p, Pos: v.Pos}}
	case "exactly":
		if c.d.IsSNS() {
			return nil, c.unknownOp(op)
		}
		if op.Value.Kind != source.String {
			diag = c.errorf(op.Value.Pos, CodeExactly, "give one string", "exact match pattern must be a string")
			break
		}
		c.warn(op.KeyPos, WarnExactly, "write the plain string instead: [\"value\"]", "exactly is accepted by EventBridge's engine but not documented")
		conds = []Condition{{Op: OpEquals, Value: Literal{Kind: LitString, Text: op.Value.Text}, Pos: v.Pos}}
	default:
		return nil, c.unknownOp(op)
	}
	if diag != nil {
		return nil, diag
	}
	if len(extra) > 0 {
		if tooMany {
			return nil, c.errorf(extra[0].KeyPos, CodeOneKey, "put each operator in an object of its own in the list", "Too many elements in numeric expression")
		}
		return nil, c.errorf(extra[0].KeyPos, CodeOneKey, oneKeyHint(c.d, v), "Only one key allowed in match expression")
	}
	return conds, nil
}

func (c *checker) unknownOp(op source.Member) *Diagnostic {
	hint := unknownOperatorHint(c.d, op.Key)
	if lower := strings.ToLower(op.Key); lower != op.Key && (lower == "prefix" || lower == "suffix" || lower == "numeric" || lower == "exists" || lower == "anything-but" || lower == "cidr" || lower == "wildcard") {
		hint = fmt.Sprintf("operator names are case-sensitive: write %q", lower)
	}
	return c.errorf(op.KeyPos, CodeUnknownOperator, hint, "Unrecognized match type %s", op.Key)
}

// prefixSuffix checks prefix and suffix, with their ignore-case object form.
func (c *checker) prefixSuffix(op source.Member, kind Op) ([]Condition, *Diagnostic) {
	name, code, title := "prefix", CodePrefix, "Prefix"
	if kind == OpSuffix {
		name, code, title = "suffix", CodeSuffix, "Suffix"
	}
	v := op.Value
	switch {
	case v.Kind == source.String:
		return []Condition{{Op: kind, Text: v.Text, Pos: v.Pos}}, nil
	case v.Kind == source.Object && !c.d.IsSNS():
		if len(v.Members) == 0 {
			return nil, c.errorf(v.Pos, code, fmt.Sprintf("write {%q: {\"equals-ignore-case\": \"…\"}}", name), "%s expression name not found", title)
		}
		in := v.Members[0]
		if in.Key != "equals-ignore-case" {
			return nil, c.errorf(in.KeyPos, code, fmt.Sprintf("the only operator allowed inside %s is equals-ignore-case", name), "Unsupported %s pattern: %s", name, in.Key)
		}
		if in.Value.Kind != source.String {
			return nil, c.errorf(in.Value.Pos, CodeEqualsIgnore, "give one string", "equals-ignore-case match pattern must be a string")
		}
		if len(v.Members) > 1 {
			return nil, c.errorf(v.Members[1].KeyPos, CodeOneKey, "", "Only one key allowed in match expression")
		}
		return []Condition{{Op: kind, Text: in.Value.Text, IgnoreCase: true, Pos: v.Pos}}, nil
	}
	return nil, c.errorf(v.Pos, code, fmt.Sprintf("give one string: {%q: \"…\"}; for several, use several objects in the list", name), "%s match pattern must be a string", name)
}

// wildcard checks a wildcard operand.
func (c *checker) wildcard(v *source.Value, pos source.Pos) ([]Condition, *Diagnostic) {
	if v.Kind != source.String {
		return nil, c.errorf(v.Pos, CodeWildcard, "give one string: {\"wildcard\": \"a*b\"}", "wildcard match pattern must be a string")
	}
	g, reason := parseGlob(v.Text)
	if reason != "" {
		return nil, c.errorf(v.Pos, CodeWildcard, `escape a literal star as \\* and a backslash as \\\\ (in JSON text); one * already matches any run`, "%s", reason)
	}
	return []Condition{{Op: OpWildcard, Glob: g, Pos: pos}}, nil
}

const anythingButValue = "Value of anything-but must be an array or single string/number value."

// anythingBut checks the anything-but operand (docs/semantics/patterns.md §4.6, SNS
// differences in docs/semantics/filter-policies.md §2).
func (c *checker) anythingBut(op source.Member, pos source.Pos) ([]Condition, *Diagnostic) {
	v := op.Value
	cond := Condition{Op: OpAnythingBut, EveryValue: c.d == SNSAttributes, Pos: pos}
	const hint = `anything-but takes a string, a number, a list of strings or of numbers, or {"prefix": …}`
	switch v.Kind {
	case source.String:
		cond.Exclude = Exclusion{Op: OpEquals, Values: []Literal{{Kind: LitString, Text: v.Text}}}
	case source.Number:
		lit, diag := c.exclusionNumber(v)
		if diag != nil {
			return nil, diag
		}
		cond.Exclude = Exclusion{Op: OpEquals, Values: []Literal{lit}}
	case source.Array:
		if len(v.Elems) == 0 {
			return nil, c.errorf(v.Pos, CodeAnythingBut, hint, "Inside anything but list, either all values are number or string, mixed type is not supported")
		}
		// event-ruler reads the list as a stream: a bad element or a
		// number it cannot compare fails where it stands, mixed types
		// only once the list is read.
		ex := Exclusion{Op: OpEquals}
		var mixed *source.Value
		for _, el := range v.Elems {
			switch el.Kind {
			case source.String:
				ex.Values = append(ex.Values, Literal{Kind: LitString, Text: el.Text})
			case source.Number:
				lit, diag := c.exclusionNumber(el)
				if diag != nil {
					return nil, diag
				}
				ex.Values = append(ex.Values, lit)
			default:
				return nil, c.errorf(el.Pos, CodeAnythingBut, hint, "Inside anything but list, start|null|boolean is not supported.")
			}
			if mixed == nil && el.Kind != v.Elems[0].Kind {
				mixed = el
			}
		}
		if mixed != nil {
			return nil, c.errorf(mixed.Pos, CodeAnythingBut, "list only strings or only numbers", "Inside anything but list, either all values are number or string, mixed type is not supported")
		}
		cond.Exclude = ex
	case source.Object:
		ex, diag := c.anythingButObject(v)
		if diag != nil {
			return nil, diag
		}
		cond.Exclude = ex
	default:
		return nil, c.errorf(v.Pos, CodeAnythingBut, hint, anythingButValue)
	}
	return []Condition{cond}, nil
}

// exclusionNumber reads a number excluded by anything-but. event-ruler
// keeps exclusions in its comparable form only, so a number that is not
// comparable (docs/semantics/patterns.md §6) is an error, as inside numeric.
func (c *checker) exclusionNumber(v *source.Value) (Literal, *Diagnostic) {
	lit := NumberLiteral(v.Text)
	if !lit.Exact {
		return Literal{}, c.errorf(v.Pos, CodeNumberPrecision,
			"anything-but compares numbers by value: give one exactly representable as a binary64 (at most 17 significant digits, |n| < 1.8e308), or exclude the text as a string",
			"Cannot compare number : %s", v.Text)
	}
	return lit, nil
}

func (c *checker) anythingButObject(v *source.Value) (Exclusion, *Diagnostic) {
	if len(v.Members) == 0 {
		return Exclusion{}, c.errorf(v.Pos, CodeAnythingBut, `write e.g. {"anything-but": {"prefix": "tmp"}}`, "Anything-But expression name not found")
	}
	in := v.Members[0]
	var ex Exclusion
	var diag *Diagnostic
	if c.d.IsSNS() {
		ex, diag = c.anythingButSNS(in)
	} else {
		ex, diag = c.anythingButEB(in)
	}
	if diag != nil {
		return Exclusion{}, diag
	}
	if len(v.Members) > 1 {
		return Exclusion{}, c.errorf(v.Members[1].KeyPos, CodeAnythingBut, "one operator per anything-but object", "Too many elements in numeric expression")
	}
	return ex, nil
}

func (c *checker) anythingButSNS(in source.Member) (Exclusion, *Diagnostic) {
	if in.Key != "prefix" {
		return Exclusion{}, c.errorf(in.KeyPos, CodeAnythingBut, "SNS supports only {\"anything-but\": {\"prefix\": \"…\"}} in object form", "Unsupported anything-but pattern: %s", in.Key)
	}
	if in.Value.Kind != source.String {
		return Exclusion{}, c.errorf(in.Value.Pos, CodeAnythingBut, "give one string", "prefix match pattern must be a string")
	}
	if in.Value.Text == "" {
		return Exclusion{}, c.errorf(in.Value.Pos, CodeAnythingBut, "an empty prefix would exclude every string", "Null prefix not allowed")
	}
	return Exclusion{Op: OpPrefix, Texts: []string{in.Value.Text}}, nil
}

func (c *checker) anythingButEB(in source.Member) (Exclusion, *Diagnostic) {
	iv := in.Value
	var op Op
	switch in.Key {
	case "prefix":
		op = OpPrefix
	case "suffix":
		op = OpSuffix
	case "equals-ignore-case":
		op = OpEqualsIgnoreCase
	case "wildcard":
		op = OpWildcard
	default:
		return Exclusion{}, c.errorf(in.KeyPos, CodeAnythingBut, "anything-but objects take prefix, suffix, equals-ignore-case or wildcard", "Unsupported anything-but pattern: %s", in.Key)
	}
	var elems []*source.Value
	switch iv.Kind {
	case source.String, source.Number:
		elems = []*source.Value{iv}
	case source.Array:
		if len(iv.Elems) == 0 {
			return Exclusion{}, c.errorf(iv.Pos, CodeEmptyArray, "list at least one value", "Empty arrays are not allowed")
		}
		elems = iv.Elems
	default:
		return Exclusion{}, c.errorf(iv.Pos, CodeAnythingBut, "give a string or a list of strings", anythingButValue)
	}
	ex := Exclusion{Op: op}
	for _, el := range elems {
		if el.Kind != source.String {
			switch op {
			case OpPrefix, OpSuffix:
				return Exclusion{}, c.errorf(el.Pos, CodeAnythingBut, "give strings", "prefix/suffix match pattern must be a string")
			case OpEqualsIgnoreCase:
				return Exclusion{}, c.errorf(el.Pos, CodeAnythingBut, "give strings", "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
			default:
				return Exclusion{}, c.errorf(el.Pos, CodeWildcard, "give strings", "wildcard match pattern must be a string")
			}
		}
		switch op {
		case OpPrefix, OpSuffix:
			if el.Text == "" {
				return Exclusion{}, c.errorf(el.Pos, CodeAnythingBut, "an empty prefix or suffix would exclude every string", "Null prefix/suffix not allowed")
			}
			ex.Texts = append(ex.Texts, el.Text)
		case OpEqualsIgnoreCase:
			ex.Texts = append(ex.Texts, el.Text)
		case OpWildcard:
			g, reason := parseGlob(el.Text)
			if reason != "" {
				return Exclusion{}, c.errorf(el.Pos, CodeWildcard, `escape a literal star as \\* and a backslash as \\\\ (in JSON text)`, "%s", reason)
			}
			ex.Globs = append(ex.Globs, g)
		}
	}
	return ex, nil
}

// numeric checks the numeric grammar in event-ruler's order.
func (c *checker) numeric(op source.Member, pos source.Pos) ([]Condition, *Diagnostic) {
	v := op.Value
	const hint = `write ["<", 10], ["=", 5] or [">=", 0, "<", 100]`
	if v.Kind != source.Array {
		return nil, c.errorf(v.Pos, CodeNumeric, hint, "Value of numeric must be an array.")
	}
	el := v.Elems
	if len(el) == 0 {
		return nil, c.errorf(v.End, CodeNumeric, hint, "Invalid member in numeric match: ]")
	}
	if el[0].Kind != source.String {
		return nil, c.errorf(el[0].Pos, CodeNumeric, hint, "Invalid member in numeric match: %s", tokenText(el[0]))
	}
	var r Range
	operand := func(i int, opText string) (float64, *Diagnostic) {
		name := opText
		if name == "=" {
			name = "equals"
		}
		if i >= len(el) || el[i].Kind != source.Number {
			p, h := v.End, hint
			if i < len(el) {
				p = el[i].Pos
				if el[i].Kind == source.String && NumberLiteral(el[i].Text).Exact {
					h = fmt.Sprintf("bounds are JSON numbers: write %s without quotes", el[i].Text)
				}
			}
			return 0, c.errorf(p, CodeNumeric, h, "Value of %s must be numeric", name)
		}
		lit := NumberLiteral(el[i].Text)
		if !lit.Exact {
			return 0, c.errorf(el[i].Pos, CodeNumberPrecision, "numeric bounds must be exactly representable as a binary64 (at most 17 significant digits, |n| < 1.8e308)", "Cannot compare number : %s", el[i].Text)
		}
		c.checkRange(el[i].Pos, lit.Num, el[i].Text)
		return lit.Num, nil
	}
	op0 := el[0].Text
	n0, diag := func() (float64, *Diagnostic) {
		switch op0 {
		case "=", "<", "<=", ">", ">=":
			return operand(1, op0)
		}
		return 0, c.errorf(el[0].Pos, CodeNumeric, hint, "Unrecognized numeric range operator: %s", op0)
	}()
	if diag != nil {
		return nil, diag
	}
	switch op0 {
	case "=", "<", "<=":
		if len(el) > 2 {
			return nil, c.errorf(el[2].Pos, CodeNumeric, hint, "Too many elements in numeric expression")
		}
		switch op0 {
		case "=":
			r = Range{Lo: n0, Hi: n0, HasLo: true, HasHi: true, LoIncl: true, HiIncl: true, LoText: el[1].Text, HiText: el[1].Text}
		case "<":
			r = Range{Hi: n0, HasHi: true, HiText: el[1].Text}
		case "<=":
			r = Range{Hi: n0, HasHi: true, HiIncl: true, HiText: el[1].Text}
		}
		return []Condition{{Op: OpNumeric, Range: r, Pos: pos}}, nil
	}
	r = Range{Lo: n0, HasLo: true, LoIncl: op0 == ">=", LoText: el[1].Text}
	if len(el) > 2 {
		if el[2].Kind != source.String {
			return nil, c.errorf(el[2].Pos, CodeNumeric, hint, "Bad value in numeric range: %s", tokenText(el[2]))
		}
		op2 := el[2].Text
		if op2 != "<" && op2 != "<=" {
			return nil, c.errorf(el[2].Pos, CodeNumeric, "a range is a lower bound (> or >=) then an upper bound (< or <=)", "Bad numeric range operator: %s", op2)
		}
		n2, diag := operand(3, op2)
		if diag != nil {
			return nil, diag
		}
		if len(el) > 4 {
			return nil, c.errorf(el[4].Pos, CodeNumeric, hint, "Too many terms in numeric range expression")
		}
		if n0 >= n2 {
			return nil, c.errorf(el[3].Pos, CodeNumeric, "the lower bound must be below the upper bound", "Bottom must be less than top")
		}
		r.Hi, r.HasHi, r.HiIncl, r.HiText = n2, true, op2 == "<=", el[3].Text
	}
	return []Condition{{Op: OpNumeric, Range: r, Pos: pos}}, nil
}

// tokenText is the text Jackson shows for a token in event-ruler's
// messages.
func tokenText(v *source.Value) string {
	switch v.Kind {
	case source.String, source.Number:
		return v.Text
	case source.True:
		return "true"
	case source.False:
		return "false"
	case source.Null:
		return "null"
	case source.Array:
		return "["
	case source.Object:
		return "{"
	}
	return "?"
}

// literalText writes a scalar back as JSON for hints.
func literalText(v *source.Value) string {
	if v.Kind == source.String {
		return fmt.Sprintf("%q", v.Text)
	}
	return tokenText(v)
}
