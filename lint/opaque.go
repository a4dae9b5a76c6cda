package lint

import (
	"sort"
	"strings"

	"github.com/patternc/patternc/compiler/source"
)

// Computed values — CloudFormation intrinsics, Terraform references — are
// opaque: lint cannot know them, so they are never errors. They can stand
// for a whole pattern (the pattern is left unchecked, L001), or for a
// whole condition list, one element of a list, or an operator's operand:
// then lint puts a typed stand-in in their place, checks everything around
// it, and drops whatever the compiler says about the stand-in itself.
//
// computedFunc reports a computed value and names it ("Ref",
// "var.accounts").
type computedFunc func(*source.Value) (string, bool)

// standIns builds the tree to check: a copy of the pattern in which every
// computed value is replaced by a stand-in at the same position.
type standIns struct {
	computed computedFunc
	at       map[[2]int]bool // line, column of each stand-in
	names    []string
	first    source.Pos
}

// openPattern returns v with stand-ins; s.names lists the computed values.
func openPattern(v *source.Value, computed computedFunc) (*source.Value, *standIns) {
	s := &standIns{computed: computed, at: map[[2]int]bool{}}
	if computed == nil || v.Kind != source.Object {
		return v, s
	}
	return s.object(v, 0), s
}

// isStandIn reports whether a position is a stand-in's.
func (s *standIns) isStandIn(p source.Pos) bool { return s.at[[2]int{p.Line, p.Col}] }

// summary names the computed values, sorted and without repeats.
func (s *standIns) summary() string {
	names := append([]string(nil), s.names...)
	sort.Strings(names)
	out := names[:0]
	for i, n := range names {
		if i == 0 || n != names[i-1] {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

func (s *standIns) mark(v *source.Value, name string) {
	if len(s.names) == 0 {
		s.first = v.Pos
	}
	s.names = append(s.names, name)
	s.at[[2]int{v.Pos.Line, v.Pos.Col}] = true
}

const standInText = "patternc-computed"

func standInString(at *source.Value) *source.Value {
	return &source.Value{Kind: source.String, Text: standInText, Pos: at.Pos, End: at.End}
}

func standInNumber(at *source.Value, text string) *source.Value {
	return &source.Value{Kind: source.Number, Text: text, Pos: at.Pos, End: at.End}
}

func standInList(at *source.Value) *source.Value {
	return &source.Value{Kind: source.Array, Elems: []*source.Value{standInString(at)}, Pos: at.Pos, End: at.End}
}

const maxOpenDepth = 1000

// object opens the members of a pattern object (or an $or branch).
func (s *standIns) object(v *source.Value, depth int) *source.Value {
	if depth > maxOpenDepth {
		return v
	}
	out := *v
	out.Members = make([]source.Member, len(v.Members))
	copy(out.Members, v.Members)
	for i, m := range v.Members {
		mv := m.Value
		if name, ok := s.computed(mv); ok {
			s.mark(mv, name)
			out.Members[i].Value = standInList(mv)
			continue
		}
		switch mv.Kind {
		case source.Object:
			out.Members[i].Value = s.object(mv, depth+1)
		case source.Array:
			out.Members[i].Value = s.list(mv, m.Key == "$or", depth+1)
		}
	}
	return &out
}

// list opens a condition list (or the branches of $or).
func (s *standIns) list(v *source.Value, or bool, depth int) *source.Value {
	out := *v
	out.Elems = make([]*source.Value, len(v.Elems))
	for i, e := range v.Elems {
		out.Elems[i] = e
		if name, ok := s.computed(e); ok {
			s.mark(e, name)
			if or {
				out.Elems[i] = &source.Value{Kind: source.Object, Pos: e.Pos, End: e.End,
					Members: []source.Member{{Key: standInText, KeyPos: e.Pos, Value: standInList(e)}}}
			} else {
				out.Elems[i] = standInString(e)
			}
			continue
		}
		if e.Kind == source.Object && depth <= maxOpenDepth {
			if or {
				out.Elems[i] = s.object(e, depth+1)
			} else {
				out.Elems[i] = s.operator(e, depth+1)
			}
		}
	}
	return &out
}

// operator opens the operand of an operator object ({"prefix": …}).
func (s *standIns) operator(v *source.Value, depth int) *source.Value {
	out := *v
	out.Members = make([]source.Member, len(v.Members))
	copy(out.Members, v.Members)
	for i, m := range v.Members {
		mv := m.Value
		if name, ok := s.computed(mv); ok {
			s.mark(mv, name)
			out.Members[i].Value = operandStandIn(m.Key, mv)
			continue
		}
		switch mv.Kind {
		case source.Object:
			if depth <= maxOpenDepth {
				out.Members[i].Value = s.operator(mv, depth+1)
			}
		case source.Array:
			cp := *mv
			cp.Elems = make([]*source.Value, len(mv.Elems))
			for k, e := range mv.Elems {
				cp.Elems[k] = e
				name, ok := s.computed(e)
				if !ok {
					continue
				}
				s.mark(e, name)
				if m.Key == "numeric" {
					cp.Elems[k] = standInNumber(e, numericStandIn(mv.Elems, k))
				} else {
					cp.Elems[k] = standInString(e)
				}
			}
			out.Members[i].Value = &cp
		}
	}
	return &out
}

// numericStandIn picks a number that keeps a numeric range non-empty: the
// far end of the range for a bound, 0 for equality.
func numericStandIn(elems []*source.Value, k int) string {
	if k > 0 && elems[k-1].Kind == source.String {
		switch elems[k-1].Text {
		case ">", ">=":
			return "-999999999"
		case "<", "<=":
			return "999999999"
		}
	}
	return "0"
}

// operandStandIn is a stand-in for a whole operand, of the type the
// operator takes.
func operandStandIn(op string, at *source.Value) *source.Value {
	switch op {
	case "exists":
		return &source.Value{Kind: source.True, Pos: at.Pos, End: at.End}
	case "numeric":
		return &source.Value{Kind: source.Array, Pos: at.Pos, End: at.End, Elems: []*source.Value{
			{Kind: source.String, Text: ">=", Pos: at.Pos, End: at.End}, standInNumber(at, "-999999999")}}
	case "cidr":
		return &source.Value{Kind: source.String, Text: "10.0.0.0/8", Pos: at.Pos, End: at.End}
	}
	return standInString(at)
}
