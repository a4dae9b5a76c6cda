package compiler

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/patternc/patternc/compiler/source"
)

// Explanation is the reference interpreter's verdict with its reasons.
type Explanation struct {
	Matched bool
	// Clause is the index of the first matching clause, or -1.
	Clause int
	// Lines say, per clause and field, what decided (human-readable).
	Lines []string
}

// InputError reports an input (event or Publish request) that cannot be
// matched at all, as opposed to one that simply does not match.
type InputError struct {
	Msg string
}

func (e *InputError) Error() string { return e.Msg }

// MaxInputSize bounds the inputs Explain reads.
const MaxInputSize = 16 << 20

// explainBudget bounds the backtracking search for an array-consistent
// choice of leaves, so a hostile event cannot make Explain run for ever.
const explainBudget = 2_000_000

// Explain evaluates p against one input: an event for EventBridge, a
// Publish request for the SNS dialects. It interprets p.Clauses, so a
// Pattern built directly from Clauses can be explained. It is the plain,
// obviously-correct reference that the automaton is tested against; speed
// is not its goal. An input that is not acceptable (TestEventPattern's
// "Parameter Event is not valid.", a malformed Publish request) is an
// *InputError.
func Explain(p *Pattern, input []byte) (*Explanation, error) {
	return explain(p, input, true)
}

// ExplainMatch is Explain as a rule on a bus or the automaton sees an
// event: any JSON object, without TestEventPattern's envelope fields.
func ExplainMatch(p *Pattern, input []byte) (*Explanation, error) {
	return explain(p, input, false)
}

func explain(p *Pattern, input []byte, envelope bool) (*Explanation, error) {
	ex := &Explanation{Clause: -1}
	var event *source.Value
	switch p.Dialect {
	case EventBridge:
		v, err := source.ParseJSON(input, source.Limits{MaxSize: MaxInputSize})
		if err != nil {
			return nil, &InputError{Msg: "Parameter Event is not valid. (the event could not be read as JSON: " + err.Error() + ")"}
		}
		if envelope {
			if err := CheckEventEnvelope(v); err != nil {
				return nil, err
			}
		} else if v.Kind != source.Object {
			return nil, &InputError{Msg: "the event is not a JSON object"}
		}
		event = v
	case SNSAttributes, SNSBody:
		pub, err := ParsePublish(input)
		if err != nil {
			return nil, err
		}
		if p.Dialect == SNSAttributes {
			if !pub.HasAttributes() {
				ex.Lines = append(ex.Lines, "the message has no (non-Binary) attributes: a MessageAttributes policy never matches it")
				return ex, nil
			}
			event, err = source.ParseJSON(pub.AttributesEvent(), source.Limits{MaxSize: MaxInputSize})
			if err != nil {
				return nil, &InputError{Msg: "message attributes: " + err.Error()}
			}
		} else {
			event, err = source.ParseJSON([]byte(pub.Message), source.Limits{MaxSize: MaxInputSize})
			if err != nil || event.Kind != source.Object {
				ex.Lines = append(ex.Lines, "the Message is not a JSON object: a MessageBody policy never matches it")
				return ex, nil
			}
		}
	default:
		return nil, fmt.Errorf("compiler: unknown dialect %v", p.Dialect)
	}
	return explainLeaves(p, Flatten(event))
}

// EnvelopeFields are the members every EventBridge event has:
// TestEventPattern requires them (CheckEventEnvelope) and PutEvents fills
// them in.
var EnvelopeFields = []string{"id", "account", "source", "time", "region", "detail-type"}

// CheckEventEnvelope applies TestEventPattern's input rule (docs/semantics/patterns.md
// §2): a JSON object with at least the EnvelopeFields.
func CheckEventEnvelope(v *source.Value) error {
	if v.Kind != source.Object {
		return &InputError{Msg: "Parameter Event is not valid. (the event must be a JSON object)"}
	}
	have := map[string]bool{}
	for _, m := range v.Members {
		have[m.Key] = true
	}
	var missing []string
	for _, k := range EnvelopeFields {
		if !have[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return &InputError{Msg: fmt.Sprintf("Parameter Event is not valid. (missing %s)", strings.Join(missing, ", "))}
	}
	return nil
}

// ArrayStep is one array on a leaf's way from the root: which array (a
// number unique within the event) and which element.
type ArrayStep struct {
	Array int
	Index int
}

// Leaf is one scalar of an event with its dotted path and its array steps.
type Leaf struct {
	Path   string
	Kind   source.Kind
	Text   string  // string value, or number text
	Num    Literal // for numbers
	Arrays []ArrayStep
}

// Flatten lists the leaves of an event in document order.
func Flatten(v *source.Value) []Leaf {
	var leaves []Leaf
	arrays := 0
	var walk func(v *source.Value, path string, steps []ArrayStep)
	walk = func(v *source.Value, path string, steps []ArrayStep) {
		switch v.Kind {
		case source.Object:
			for _, m := range v.Members {
				p := m.Key
				if path != "" {
					p = path + "." + m.Key
				}
				walk(m.Value, p, steps)
			}
		case source.Array:
			id := arrays
			arrays++
			for i, e := range v.Elems {
				// Only an element that is an object or an array pins this
				// array's index; a scalar element combines with leaves
				// of any element (docs/semantics/patterns.md §5, as event-ruler).
				s := steps
				if e.Kind == source.Object || e.Kind == source.Array {
					s = append(append([]ArrayStep(nil), steps...), ArrayStep{id, i})
				}
				walk(e, path, s)
			}
		default:
			l := Leaf{Path: path, Kind: v.Kind, Text: v.Text, Arrays: steps}
			if v.Kind == source.Number {
				l.Num = NumberLiteral(v.Text)
			}
			leaves = append(leaves, l)
		}
	}
	if v.Kind == source.Object {
		walk(v, "", nil)
	}
	return leaves
}

func explainLeaves(p *Pattern, leaves []Leaf) (*Explanation, error) {
	byPath := map[string][]*Leaf{}
	for i := range leaves {
		byPath[leaves[i].Path] = append(byPath[leaves[i].Path], &leaves[i])
	}
	ex := &Explanation{Clause: -1}
	budget := explainBudget
	for ci, cl := range p.Clauses {
		ok, lines, err := evalClause(cl, byPath, &budget)
		if err != nil {
			return nil, err
		}
		prefix := ""
		if len(p.Clauses) > 1 {
			prefix = fmt.Sprintf("clause %d: ", ci+1)
		}
		for _, l := range lines {
			ex.Lines = append(ex.Lines, prefix+l)
		}
		if ok {
			ex.Matched, ex.Clause = true, ci
			return ex, nil
		}
	}
	return ex, nil
}

// choice is a partial assignment: array → element index.
type choice map[int]int

func (c choice) consistent(l *Leaf) bool {
	for _, s := range l.Arrays {
		if i, ok := c[s.Array]; ok && i != s.Index {
			return false
		}
	}
	return true
}

func (c choice) with(l *Leaf) choice {
	n := make(choice, len(c)+len(l.Arrays))
	for k, v := range c {
		n[k] = v
	}
	for _, s := range l.Arrays {
		n[s.Array] = s.Index
	}
	return n
}

// evalClause searches for one array-consistent choice of leaves satisfying
// every field (clause.go's semantics, literally).
func evalClause(cl Clause, byPath map[string][]*Leaf, budget *int) (bool, []string, error) {
	picked := make([]string, len(cl.Fields))
	var rec func(i int, ch choice, absent []int) (bool, error)
	rec = func(i int, ch choice, absent []int) (bool, error) {
		*budget--
		if *budget < 0 {
			return false, &InputError{Msg: "the event has too many array combinations to explain"}
		}
		if i == len(cl.Fields) {
			for _, fi := range absent {
				for _, l := range byPath[cl.Fields[fi].Path] {
					if ch.consistent(l) {
						return false, nil
					}
				}
			}
			return true, nil
		}
		f := cl.Fields[i]
		all := byPath[f.Path]
		for _, l := range all {
			if !ch.consistent(l) {
				continue
			}
			for ci := range f.Conds {
				c := &f.Conds[ci]
				if c.Op == OpExists && !c.Exists {
					continue
				}
				if condMatches(c, l, all) {
					ok, err := rec(i+1, ch.with(l), absent)
					if err != nil || ok {
						if ok {
							picked[i] = fmt.Sprintf("%s: %s matches %s", f.Path, leafText(l), DescribeCondition(c))
						}
						return ok, err
					}
					break // other conditions on the same leaf give the same choice
				}
			}
		}
		for ci := range f.Conds {
			if c := &f.Conds[ci]; c.Op == OpExists && !c.Exists {
				ok, err := rec(i+1, ch, append(absent[:len(absent):len(absent)], i))
				if ok {
					picked[i] = fmt.Sprintf("%s: absent, matches {\"exists\": false}", f.Path)
				}
				return ok, err
			}
		}
		return false, nil
	}
	ok, err := rec(0, choice{}, nil)
	if err != nil {
		return false, nil, err
	}
	if ok {
		return true, picked, nil
	}
	return false, []string{explainFailure(cl, byPath)}, nil
}

// explainFailure says why a clause failed: the first field no leaf
// satisfies on its own, or else that the fields only match in different
// elements of an array.
func explainFailure(cl Clause, byPath map[string][]*Leaf) string {
	for _, f := range cl.Fields {
		all := byPath[f.Path]
		ok := false
		for ci := range f.Conds {
			c := &f.Conds[ci]
			if c.Op == OpExists && !c.Exists {
				if len(all) == 0 {
					ok = true
				}
				continue
			}
			for _, l := range all {
				if condMatches(c, l, all) {
					ok = true
				}
			}
		}
		if ok {
			continue
		}
		conds := make([]string, len(f.Conds))
		for i := range f.Conds {
			conds[i] = DescribeCondition(&f.Conds[i])
		}
		if len(all) == 0 {
			return fmt.Sprintf("%s: no value at this path; needed %s", f.Path, strings.Join(conds, " or "))
		}
		vals := make([]string, 0, len(all))
		for _, l := range all {
			vals = append(vals, leafText(l))
		}
		return fmt.Sprintf("%s: %s does not match %s", f.Path, strings.Join(vals, ", "), strings.Join(conds, " or "))
	}
	return "every field matches on its own, but not within one element of the same array (array consistency), or an {\"exists\": false} field is present in the chosen element"
}

func leafText(l *Leaf) string {
	switch l.Kind {
	case source.String:
		return fmt.Sprintf("%q", l.Text)
	case source.Number:
		return l.Text
	}
	return l.Kind.String()
}

// condMatches evaluates one condition on one leaf; all is every leaf at
// the path (for EveryValue).
func condMatches(c *Condition, l *Leaf, all []*Leaf) bool {
	switch c.Op {
	case OpEquals:
		return literalEquals(&c.Value, l)
	case OpPrefix:
		if l.Kind != source.String {
			return false
		}
		if c.IgnoreCase {
			return HasPrefixFold(l.Text, c.Text)
		}
		return strings.HasPrefix(l.Text, c.Text)
	case OpSuffix:
		if l.Kind != source.String {
			return false
		}
		if c.IgnoreCase {
			return HasSuffixFold(l.Text, c.Text)
		}
		return strings.HasSuffix(l.Text, c.Text)
	case OpEqualsIgnoreCase:
		return l.Kind == source.String && EqualFold(c.Text, l.Text)
	case OpWildcard:
		return l.Kind == source.String && c.Glob.Match(l.Text)
	case OpAnythingBut:
		if c.EveryValue {
			for _, o := range all {
				if excluded(&c.Exclude, o) {
					return false
				}
			}
			return len(all) > 0
		}
		return !excluded(&c.Exclude, l)
	case OpNumeric:
		return l.Kind == source.Number && l.Num.Exact && c.Range.Contains(l.Num.Num)
	case OpExists:
		if !c.Exists {
			return false
		}
		if c.NonEmpty {
			return l.Kind != source.Null && !(l.Kind == source.String && l.Text == "")
		}
		return true
	case OpCIDR:
		if l.Kind != source.String {
			return false
		}
		a, ok := ParseIP(l.Text)
		return ok && c.Prefix.Contains(a)
	}
	return false
}

// Contains reports whether f lies in the range.
func (r Range) Contains(f float64) bool {
	if r.HasLo && (f < r.Lo || (f == r.Lo && !r.LoIncl)) {
		return false
	}
	if r.HasHi && (f > r.Hi || (f == r.Hi && !r.HiIncl)) {
		return false
	}
	return true
}

func excluded(ex *Exclusion, l *Leaf) bool {
	switch ex.Op {
	case OpEquals:
		for i := range ex.Values {
			if literalEquals(&ex.Values[i], l) {
				return true
			}
		}
		return false
	}
	if l.Kind != source.String {
		return false
	}
	for _, t := range ex.Texts {
		switch ex.Op {
		case OpPrefix:
			if strings.HasPrefix(l.Text, t) {
				return true
			}
		case OpSuffix:
			if strings.HasSuffix(l.Text, t) {
				return true
			}
		case OpEqualsIgnoreCase:
			if EqualFold(t, l.Text) {
				return true
			}
		}
	}
	for _, g := range ex.Globs {
		if g.Match(l.Text) {
			return true
		}
	}
	return false
}

// literalEquals compares a pattern literal with a leaf (docs/semantics/patterns.md §3, §6).
func literalEquals(lit *Literal, l *Leaf) bool {
	switch lit.Kind {
	case LitString:
		return l.Kind == source.String && l.Text == lit.Text
	case LitNumber:
		if l.Kind != source.Number {
			return false
		}
		if lit.Exact && l.Num.Exact {
			return lit.Num == l.Num.Num
		}
		return lit.Text == l.Text
	case LitTrue:
		return l.Kind == source.True
	case LitFalse:
		return l.Kind == source.False
	case LitNull:
		return l.Kind == source.Null
	}
	return false
}

// DescribeCondition writes a condition back in pattern syntax, for
// explanations and messages.
func DescribeCondition(c *Condition) string {
	switch c.Op {
	case OpEquals:
		return describeLiteral(&c.Value)
	case OpPrefix, OpSuffix:
		name := "prefix"
		if c.Op == OpSuffix {
			name = "suffix"
		}
		if c.IgnoreCase {
			return fmt.Sprintf("{%q: {\"equals-ignore-case\": %q}}", name, c.Text)
		}
		return fmt.Sprintf("{%q: %q}", name, c.Text)
	case OpEqualsIgnoreCase:
		return fmt.Sprintf("{\"equals-ignore-case\": %q}", c.Text)
	case OpWildcard:
		return fmt.Sprintf("{\"wildcard\": %q}", c.Glob.String())
	case OpAnythingBut:
		return "{\"anything-but\": " + describeExclusion(&c.Exclude) + "}"
	case OpNumeric:
		var parts []string
		r := c.Range
		if r.HasLo && r.HasHi && r.Lo == r.Hi && r.LoIncl && r.HiIncl {
			return fmt.Sprintf("{\"numeric\": [\"=\", %s]}", boundText(r.Lo, r.LoText))
		}
		if r.HasLo {
			op := ">"
			if r.LoIncl {
				op = ">="
			}
			parts = append(parts, fmt.Sprintf("%q, %s", op, boundText(r.Lo, r.LoText)))
		}
		if r.HasHi {
			op := "<"
			if r.HiIncl {
				op = "<="
			}
			parts = append(parts, fmt.Sprintf("%q, %s", op, boundText(r.Hi, r.HiText)))
		}
		return "{\"numeric\": [" + strings.Join(parts, ", ") + "]}"
	case OpExists:
		return fmt.Sprintf("{\"exists\": %v}", c.Exists)
	case OpCIDR:
		return fmt.Sprintf("{\"cidr\": %q}", c.Prefix.String())
	}
	return "?"
}

// boundText is a numeric bound as the pattern wrote it, or for a range
// built in code the shortest text that reads back as f, in plain notation
// where that is not absurdly long (1048576, not 1.048576e+06).
func boundText(f float64, text string) string {
	if text != "" {
		return text
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func describeLiteral(l *Literal) string {
	switch l.Kind {
	case LitString:
		return fmt.Sprintf("%q", l.Text)
	case LitNumber:
		return l.Text
	case LitTrue:
		return "true"
	case LitFalse:
		return "false"
	}
	return "null"
}

func describeExclusion(ex *Exclusion) string {
	var items []string
	switch ex.Op {
	case OpEquals:
		for i := range ex.Values {
			items = append(items, describeLiteral(&ex.Values[i]))
		}
	case OpWildcard:
		for _, g := range ex.Globs {
			items = append(items, fmt.Sprintf("%q", g.String()))
		}
	default:
		for _, t := range ex.Texts {
			items = append(items, fmt.Sprintf("%q", t))
		}
	}
	list := items[0]
	if len(items) != 1 {
		list = "[" + strings.Join(items, ", ") + "]"
	}
	switch ex.Op {
	case OpPrefix:
		return "{\"prefix\": " + list + "}"
	case OpSuffix:
		return "{\"suffix\": " + list + "}"
	case OpEqualsIgnoreCase:
		return "{\"equals-ignore-case\": " + list + "}"
	case OpWildcard:
		return "{\"wildcard\": " + list + "}"
	}
	return list
}
