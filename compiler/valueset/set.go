package valueset

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/patternc/patternc/compiler"
)

// Set is what one field of a clause accepts at its path, in an event
// with at most one value there: strings, numbers, true, false, null, and
// Absent (no value at the path, what {"exists": false} asks for).
type Set struct {
	Strings           Lang
	Numbers           Numbers
	True, False, Null bool
	Absent            bool
	// Approx is set when the set was built from a condition whose
	// meaning depends on several values at the path (the SNS String.Array
	// rule for anything-but): with one value the set is exact.
	Approx bool
}

// Full is every value and absence.
func Full() Set {
	return Set{Strings: AllStrings(), Numbers: AllNumbers(), True: true, False: true, Null: true, Absent: true}
}

// None is the empty set.
func None() Set { return Set{Strings: NoStrings()} }

// Present is every value (not absence).
func Present() Set {
	s := Full()
	s.Absent = false
	return s
}

// OnlyAbsent is {"exists": false}.
func OnlyAbsent() Set {
	s := None()
	s.Absent = true
	return s
}

// StringSet is the strings of l.
func StringSet(l Lang) Set {
	s := None()
	s.Strings = l
	return s
}

// Union, Intersect and Minus combine sets kind by kind.
func (s Set) Union(o Set) Set {
	return Set{Strings: s.Strings.Union(o.Strings), Numbers: s.Numbers.Union(o.Numbers),
		True: s.True || o.True, False: s.False || o.False, Null: s.Null || o.Null, Absent: s.Absent || o.Absent,
		Approx: s.Approx || o.Approx}
}

func (s Set) Intersect(o Set) Set {
	return Set{Strings: s.Strings.Intersect(o.Strings), Numbers: s.Numbers.Intersect(o.Numbers),
		True: s.True && o.True, False: s.False && o.False, Null: s.Null && o.Null, Absent: s.Absent && o.Absent,
		Approx: s.Approx || o.Approx}
}

func (s Set) Minus(o Set) Set {
	return Set{Strings: s.Strings.Minus(o.Strings), Numbers: s.Numbers.Intersect(o.Numbers.Complement()),
		True: s.True && !o.True, False: s.False && !o.False, Null: s.Null && !o.Null, Absent: s.Absent && !o.Absent,
		Approx: s.Approx || o.Approx}
}

// Complement is Full minus s.
func (s Set) Complement() Set { return Full().Minus(s) }

// IsEmpty says whether no value (nor absence) is in the set; known is
// false when an approximated string language leaves it open.
func (s Set) IsEmpty() (empty, known bool) {
	if s.True || s.False || s.Null || s.Absent || !s.Numbers.IsEmpty() {
		return false, true
	}
	return s.Strings.IsEmpty()
}

// Value is one event value: a JSON scalar, or Absent.
type Value struct {
	Absent bool
	// JSON is the value as JSON text ("\"x\"", "12", "true", "null").
	JSON string
}

func (v Value) String() string {
	if v.Absent {
		return "(absent)"
	}
	return v.JSON
}

// Witness picks a readable value in the set, preferring a present value
// of the kind the set is mostly about: a string, then a number, then
// true/false/null, and absence only when nothing else is left.
// prefer, when it is in the set, wins (an envelope default).
func (s Set) Witness(prefer string) (Value, bool) {
	if prefer != "" {
		if in, known := s.Strings.Contains(prefer); in && known {
			return Value{JSON: quote(prefer)}, true
		}
	}
	if str, ok := s.Strings.Witness(); ok {
		if in, known := s.Strings.Contains("x"); str == "" && in && known {
			str = "x" // an empty string reads as a mistake in an example
		}
		return Value{JSON: quote(str)}, true
	}
	if t, ok := s.Numbers.Witness(); ok {
		return Value{JSON: t}, true
	}
	switch {
	case s.True:
		return Value{JSON: "true"}, true
	case s.False:
		return Value{JSON: "false"}, true
	case s.Null:
		return Value{JSON: "null"}, true
	case s.Absent:
		return Value{Absent: true}, true
	}
	return Value{}, false
}

// quote writes s as a JSON string without escaping <, > and & (the
// output is read by people, not embedded in HTML).
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// OfField is the set of values at a field's path that satisfy one of
// its conditions.
func OfField(f *compiler.Field) Set {
	out := None()
	for i := range f.Conds {
		out = out.Union(OfCondition(&f.Conds[i]))
	}
	return out
}

// OfCondition is the set of values one condition accepts.
func OfCondition(c *compiler.Condition) Set {
	switch c.Op {
	case compiler.OpEquals:
		return ofLiteral(&c.Value)
	case compiler.OpPrefix:
		if c.IgnoreCase {
			return StringSet(PrefixIgnoreCase(c.Text))
		}
		return StringSet(Prefix(c.Text))
	case compiler.OpSuffix:
		if c.IgnoreCase {
			return StringSet(SuffixIgnoreCase(c.Text))
		}
		return StringSet(Suffix(c.Text))
	case compiler.OpEqualsIgnoreCase:
		return StringSet(EqualsIgnoreCase(c.Text))
	case compiler.OpWildcard:
		return StringSet(Wildcard(c.Glob.Parts))
	case compiler.OpAnythingBut:
		s := Present().Minus(ofExclusion(&c.Exclude))
		s.Approx = c.EveryValue
		return s
	case compiler.OpNumeric:
		s := None()
		s.Numbers = RangeNumbers(c.Range)
		return s
	case compiler.OpExists:
		if !c.Exists {
			return OnlyAbsent()
		}
		s := Present()
		if c.NonEmpty {
			s.Null = false
			s.Strings = s.Strings.Minus(Literal(""))
		}
		return s
	case compiler.OpCIDR:
		return StringSet(CIDR(c.Prefix))
	}
	panic(fmt.Sprintf("valueset: unknown operator %d", c.Op))
}

func ofLiteral(l *compiler.Literal) Set {
	s := None()
	switch l.Kind {
	case compiler.LitString:
		s.Strings = Literal(l.Text)
	case compiler.LitNumber:
		s.Numbers = NumberLiteral(*l)
	case compiler.LitTrue:
		s.True = true
	case compiler.LitFalse:
		s.False = true
	case compiler.LitNull:
		s.Null = true
	}
	return s
}

func ofExclusion(ex *compiler.Exclusion) Set {
	out := None()
	switch ex.Op {
	case compiler.OpEquals:
		for i := range ex.Values {
			out = out.Union(ofLiteral(&ex.Values[i]))
		}
	case compiler.OpWildcard:
		for _, g := range ex.Globs {
			out = out.Union(StringSet(Wildcard(g.Parts)))
		}
	default:
		for _, t := range ex.Texts {
			switch ex.Op {
			case compiler.OpPrefix:
				out = out.Union(StringSet(Prefix(t)))
			case compiler.OpSuffix:
				out = out.Union(StringSet(Suffix(t)))
			case compiler.OpEqualsIgnoreCase:
				out = out.Union(StringSet(EqualsIgnoreCase(t)))
			}
		}
	}
	return out
}

// Contains reports whether the value v (JSON text of a scalar, or absent)
// is in the set; known is false where an approximated language leaves it
// open.
func (s Set) Contains(v Value) (in, known bool) {
	if v.Absent {
		return s.Absent, true
	}
	switch v.JSON {
	case "true":
		return s.True, true
	case "false":
		return s.False, true
	case "null":
		return s.Null, true
	}
	if v.JSON != "" && v.JSON[0] == '"' {
		var str string
		if err := json.Unmarshal([]byte(v.JSON), &str); err != nil {
			return false, true
		}
		return s.Strings.Contains(str)
	}
	return s.Numbers.ContainsText(v.JSON), true
}
