package reason

import (
	"fmt"
	"sort"
	"strings"

	"github.com/patternc/patternc/compiler"
)

// Redundant is an $or branch all of whose events another branch of the
// same $or also matches (given the rest of the pattern).
type Redundant struct {
	Branch *compiler.Object // the redundant branch
	By     *compiler.Object // a branch that matches all of its events
}

// choice is one $or alternative taken by a clause.
type choice struct {
	or     *compiler.Member
	branch int
}

type tagged struct {
	fields  map[string]*compiler.Field
	choices []choice
}

// lowerTagged distributes $or as compiler's lowering does (a later list
// for a path replaces an earlier one, which is how a branch naming a
// sibling's path replaces its condition), remembering which branch of
// each $or every clause took.
func lowerTagged(o *compiler.Object, prefix string, budget *int) []tagged {
	acc := []tagged{{fields: map[string]*compiler.Field{}}}
	for _, m := range o.Members {
		path := m.Key
		if prefix != "" {
			path = prefix + "." + m.Key
		}
		var sub []tagged
		switch m.Kind {
		case compiler.MemberLeaf:
			sub = []tagged{{fields: map[string]*compiler.Field{path: {Path: path, Conds: m.Conds}}}}
		case compiler.MemberObject:
			sub = lowerTagged(m.Object, path, budget)
		case compiler.MemberOr:
			for i, b := range m.Branches {
				for _, t := range lowerTagged(b, prefix, budget) {
					t.choices = append([]choice{{m, i}}, t.choices...)
					sub = append(sub, t)
				}
			}
		}
		var next []tagged
		for _, x := range acc {
			for _, y := range sub {
				*budget--
				if *budget < 0 {
					return nil
				}
				f := make(map[string]*compiler.Field, len(x.fields)+len(y.fields))
				for k, v := range x.fields {
					f[k] = v
				}
				for k, v := range y.fields {
					f[k] = v
				}
				next = append(next, tagged{fields: f, choices: append(append([]choice(nil), x.choices...), y.choices...)})
			}
		}
		acc = next
	}
	return acc
}

// RedundantBranches finds the $or branches of p whose events another
// branch of the same $or matches too, reasoning over the clauses as
// lowered. A branch that never matches is left to NeverMatches.
func RedundantBranches(p *compiler.Pattern) (out []Redundant, err error) {
	defer guard(&err)
	if p.Root == nil || hasSharedArrays(p) {
		// With {"exists": false} beside a field sharing an array, one
		// branch can match in a way one-value events do not show
		// (arrays.go): no verdict rather than a wrong one.
		return nil, nil
	}
	budget := 4 * compiler.DefaultMaxClauses
	parts := lowerTagged(p.Root, "", &budget)
	if budget < 0 || len(parts) != len(p.Clauses) {
		return nil, fmt.Errorf("%w: the $or expansion is too large to compare branches", ErrBudget)
	}
	type live struct {
		b    box
		dead bool
	}
	clauses := make([]live, len(parts))
	for i, t := range parts {
		paths := make([]string, 0, len(t.fields))
		for k := range t.fields {
			paths = append(paths, k)
		}
		sort.Strings(paths)
		cl := compiler.Clause{}
		for _, k := range paths {
			cl.Fields = append(cl.Fields, *t.fields[k])
		}
		b, dead, _ := clauseBox(p.Dialect, &cl)
		clauses[i] = live{b, dead != nil}
	}
	// Every $or and the $or members nested inside its branches.
	ors := map[*compiler.Member]map[*compiler.Member]bool{}
	var walk func(o *compiler.Object, owners []*compiler.Member)
	walk = func(o *compiler.Object, owners []*compiler.Member) {
		for _, m := range o.Members {
			switch m.Kind {
			case compiler.MemberObject:
				walk(m.Object, owners)
			case compiler.MemberOr:
				ors[m] = map[*compiler.Member]bool{}
				for _, ow := range owners {
					ors[ow][m] = true
				}
				for _, b := range m.Branches {
					walk(b, append(owners, m))
				}
			}
		}
	}
	walk(p.Root, nil)
	var order []*compiler.Member
	for m := range ors {
		order = append(order, m)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].Pos.Offset < order[j].Pos.Offset })
	for _, m := range order {
		inner := ors[m]
		// groups[rest][branch] are the live boxes of the clauses that took
		// this branch of m and the same branches elsewhere.
		groups := map[string]map[int][]box{}
		hasLive := map[int]bool{}
		for ci, t := range parts {
			br := -1
			var rest []string
			for _, c := range t.choices {
				switch {
				case c.or == m:
					br = c.branch
				case !inner[c.or]:
					rest = append(rest, fmt.Sprintf("%p:%d", c.or, c.branch))
				}
			}
			if br < 0 {
				continue
			}
			k := strings.Join(rest, ",")
			if groups[k] == nil {
				groups[k] = map[int][]box{}
			}
			if !clauses[ci].dead {
				groups[k][br] = append(groups[k][br], clauses[ci].b)
				hasLive[br] = true
			}
		}
		covered := func(i, j int) (bool, error) {
			for _, g := range groups {
				if len(g[i]) == 0 {
					continue
				}
				rest, err := minus(g[i], g[j])
				if err != nil {
					return false, err
				}
				yes, known, _ := subsumedRest(rest)
				if !yes || !known {
					return false, nil
				}
			}
			return true, nil
		}
		for i := range m.Branches {
			if !hasLive[i] {
				continue
			}
			for j := range m.Branches {
				if i == j || !hasLive[j] {
					continue
				}
				ij, err := covered(i, j)
				if err != nil {
					return nil, err
				}
				if !ij {
					continue
				}
				if j > i {
					// Equal branches: report the later one only.
					ji, err := covered(j, i)
					if err != nil {
						return nil, err
					}
					if ji {
						continue
					}
				}
				out = append(out, Redundant{Branch: m.Branches[i], By: m.Branches[j]})
				break
			}
		}
	}
	return out, nil
}
