package compiler

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler/source"
)

// bruteClause decides a clause by enumerating every combination of leaves
// (one per field, or "absent" for a field allowing exists:false) and
// checking the clause.go rules on each: the slow, literal reading of the
// semantics that Explain's backtracking search must agree with.
func bruteClause(cl Clause, leaves []Leaf) bool {
	byPath := map[string][]*Leaf{}
	for i := range leaves {
		byPath[leaves[i].Path] = append(byPath[leaves[i].Path], &leaves[i])
	}
	const absent = -1
	options := make([][]int, len(cl.Fields))
	for fi, f := range cl.Fields {
		all := byPath[f.Path]
		for li, l := range all {
			for ci := range f.Conds {
				c := &f.Conds[ci]
				if !(c.Op == OpExists && !c.Exists) && condMatches(c, l, all) {
					options[fi] = append(options[fi], li)
					break
				}
			}
		}
		for ci := range f.Conds {
			if c := f.Conds[ci]; c.Op == OpExists && !c.Exists {
				options[fi] = append(options[fi], absent)
				break
			}
		}
	}
	pick := make([]int, len(cl.Fields))
	var try func(fi int) bool
	try = func(fi int) bool {
		if fi < len(cl.Fields) {
			for _, o := range options[fi] {
				pick[fi] = o
				if try(fi + 1) {
					return true
				}
			}
			return false
		}
		used := map[int]int{}
		for i, f := range cl.Fields {
			if pick[i] == absent {
				continue
			}
			for _, s := range byPath[f.Path][pick[i]].Arrays {
				if idx, ok := used[s.Array]; ok && idx != s.Index {
					return false
				}
				used[s.Array] = s.Index
			}
		}
		for i, f := range cl.Fields {
			if pick[i] != absent {
				continue
			}
		leaf:
			for _, l := range byPath[f.Path] {
				for _, s := range l.Arrays {
					if idx, ok := used[s.Array]; ok && idx != s.Index {
						continue leaf
					}
				}
				return false // a consistent leaf is present
			}
		}
		return true
	}
	return try(0)
}

// TestExplainAgainstBruteForce compares Explain with bruteClause on
// random events full of arrays of objects and random patterns over the
// same few paths.
func TestExplainAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	values := []string{`"x"`, `"y"`, `1`, `null`, `""`}
	conds := []string{`"x"`, `"y"`, `1`, `null`, `{"exists": false}`, `{"exists": true}`, `{"anything-but": "x"}`, `{"prefix": ""}`, `{"numeric": [">", 0]}`}
	var genValue func(depth int) string
	genValue = func(depth int) string {
		switch r := rng.Intn(10); {
		case r < 2 || depth > 2:
			return values[rng.Intn(len(values))]
		case r < 5:
			var els []string
			for i := rng.Intn(4); i > 0; i-- {
				els = append(els, genValue(depth+1))
			}
			return "[" + strings.Join(els, ",") + "]"
		default:
			var ms []string
			for _, k := range []string{"a", "b", "c"} {
				if rng.Intn(2) == 0 {
					ms = append(ms, fmt.Sprintf("%q:%s", k, genValue(depth+1)))
				}
			}
			return "{" + strings.Join(ms, ",") + "}"
		}
	}
	genList := func() string {
		var cs []string
		for i := 1 + rng.Intn(2); i > 0; i-- {
			cs = append(cs, conds[rng.Intn(len(conds))])
		}
		return "[" + strings.Join(cs, ",") + "]"
	}
	paths := []string{"a", "b", "a.a", "a.b", "b.c", "a.a.b", "c.a"}
	checked, matched := 0, 0
	for iter := 0; iter < 6000; iter++ {
		var fields []string
		for _, i := range rng.Perm(len(paths))[:1+rng.Intn(3)] {
			fields = append(fields, fmt.Sprintf("%q:%s", paths[i], genList()))
		}
		if len(fields) == 0 {
			continue
		}
		pattern := "{" + strings.Join(fields, ",") + "}"
		p, err := Compile([]byte(pattern), EventBridge, nil)
		if err != nil {
			t.Fatalf("%s: %v", pattern, err)
		}
		var members []string
		for _, k := range []string{"a", "b", "c"} {
			if rng.Intn(4) != 0 {
				members = append(members, fmt.Sprintf("%q:%s", k, genValue(0)))
			}
		}
		event := envelope(strings.Join(members, ","))
		ex, err := Explain(p, []byte(event))
		if err != nil {
			t.Fatalf("%s: %v", event, err)
		}
		v, err := source.ParseJSON([]byte(event), source.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		leaves := Flatten(v)
		want := false
		for _, cl := range p.Clauses {
			want = want || bruteClause(cl, leaves)
		}
		if ex.Matched != want {
			t.Fatalf("pattern %s\nevent %s\nExplain says %v, brute force %v\n%s", pattern, event, ex.Matched, want, strings.Join(ex.Lines, "\n"))
		}
		checked++
		if want {
			matched++
		}
	}
	t.Logf("%d random pattern/event pairs, %d matches", checked, matched)
	if checked < 5000 || matched < checked/20 || matched > checked*9/10 {
		t.Fatalf("weak sample: %d checked, %d matched", checked, matched)
	}
}
