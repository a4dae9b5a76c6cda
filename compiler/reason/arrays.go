package reason

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/valueset"
)

// Array consistency makes {"exists": false} depend on the choice of the
// other leaves: a value at P that sits in another element of an array
// than the leaves a clause chose does not count as present for that
// clause (clause.go). So a clause with {"exists": false} at P and a field
// at Q sharing an array with P can match an event that a clause without
// the Q field rejects, a difference no event with one value per path
// shows. arrayWitness tries the event that separates them: at the shared
// prefix R an array whose first element holds the clause's values under R
// and whose second holds a value at P.

// sharedArrayPaths lists, for one clause, the (P, R) pairs where P's field
// allows absence, another field needs a value at a path sharing the prefix
// R with P, and an array can stand at R (for EventBridge not detail
// itself, which is always an object).
func sharedArrayPaths(d compiler.Dialect, cl *compiler.Clause) (pairs [][2]string) {
	if d == compiler.SNSAttributes {
		return nil // attribute arrays hold scalars only: nothing pins
	}
	for i := range cl.Fields {
		p := &cl.Fields[i]
		if !allowsAbsent(p) {
			continue
		}
		for j := range cl.Fields {
			q := &cl.Fields[j]
			if i == j || onlyAbsent(q) {
				continue
			}
			r := commonPrefix(p.Path, q.Path)
			if r == "" || (d == compiler.EventBridge && (r == "detail" || scalarParent(r+".x") != "")) {
				continue
			}
			pairs = append(pairs, [2]string{p.Path, r})
		}
	}
	return pairs
}

func allowsAbsent(f *compiler.Field) bool {
	for _, c := range f.Conds {
		if c.Op == compiler.OpExists && !c.Exists {
			return true
		}
	}
	return false
}

func onlyAbsent(f *compiler.Field) bool {
	for _, c := range f.Conds {
		if !(c.Op == compiler.OpExists && !c.Exists) {
			return false
		}
	}
	return true
}

// commonPrefix is the longest run of leading path segments two paths
// share ("a.b.c", "a.b" → "a.b").
func commonPrefix(a, b string) string {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return strings.Join(as[:n], ".")
}

// hasSharedArrays reports whether any clause of p has such a pair.
func hasSharedArrays(p *compiler.Pattern) bool {
	for i := range p.Clauses {
		if len(sharedArrayPaths(p.Dialect, &p.Clauses[i])) > 0 {
			return true
		}
	}
	return false
}

// arrayWitness looks for an input that from matches and other does not,
// built around a clause of from with a shared array.
func arrayWitness(from, other *compiler.Pattern, fromIsNew bool) (*Witness, bool) {
	for ci := range from.Clauses {
		cl := &from.Clauses[ci]
		pairs := sharedArrayPaths(from.Dialect, cl)
		if len(pairs) == 0 {
			continue
		}
		b, dead, _ := clauseBox(from.Dialect, cl)
		if dead != nil {
			continue
		}
		vals, ok := b.values()
		if !ok {
			continue
		}
		for _, pr := range pairs {
			p, r := pr[0], pr[1]
			for _, v := range []string{`"x"`, `0`, `true`, `null`} {
				in, ok := separated(from.Dialect, vals, p, r, v)
				if !ok {
					continue
				}
				ef, err1 := compiler.Explain(from, in)
				eo, err2 := compiler.Explain(other, in)
				if err1 != nil || err2 != nil || !ef.Matched || eo.Matched {
					continue
				}
				if fromIsNew {
					return &Witness{Input: in, Old: eo, New: ef}, true
				}
				return &Witness{Input: in, Old: ef, New: eo}, true
			}
		}
	}
	return nil, false
}

// separated writes the input with the clause's values, the values under r
// moved into the first element of an array at r and pv at p in its
// second element.
func separated(d compiler.Dialect, vals map[string]valueset.Value, p, r, pv string) ([]byte, bool) {
	inner := newNode()
	var qAtR string
	rest := map[string]valueset.Value{}
	var under []string
	for path, v := range vals {
		switch {
		case path == p || v.Absent:
			continue
		case path == r:
			qAtR = v.JSON
		case strings.HasPrefix(path, r+"."):
			under = append(under, path)
		default:
			rest[path] = v
		}
	}
	sort.Strings(under)
	for _, path := range under {
		inner.put(strings.TrimPrefix(path, r+"."), vals[path].JSON)
	}
	var first string
	switch {
	case qAtR != "" && len(under) > 0:
		return nil, false // a value at r and fields below it cannot share one element
	case qAtR != "":
		first = "[" + qAtR + "]" // a nested array pins like an object
	default:
		first = compactNode(inner)
	}
	second := "[" + pv + "]"
	if p != r {
		n := newNode()
		n.put(strings.TrimPrefix(p, r+"."), pv)
		second = compactNode(n)
	}
	rest[r] = valueset.Value{JSON: "[" + first + "," + second + "]"}
	return input(d, rest), true
}

func compactNode(n *node) string {
	var buf, out bytes.Buffer
	n.write(&buf, "")
	if err := json.Compact(&out, buf.Bytes()); err != nil {
		return buf.String()
	}
	return out.String()
}
