package automaton

import (
	"fmt"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestAddPat: a list grown by addPat keeps its ids beside it, in order,
// and a version taken earlier (a published clause) still reads its own
// ids after the list grows in place or moves.
func TestAddPat(t *testing.T) {
	var pats []patRef
	var versions [][]patRef
	for i := range 40 {
		pats = addPat(pats, patRef{id: ID(fmt.Sprint("p", i)), idx: int32(i)})
		versions = append(versions, pats)
		for _, v := range versions {
			if len(v) < 2 {
				continue
			}
			ids := patIDs(v)
			for k := range v {
				if ids[k] != v[k].id || v[k].id != ID(fmt.Sprint("p", k)) {
					t.Fatalf("after %d: version of %d: ids[%d] = %q, pats %q", i+1, len(v), k, ids[k], v[k].id)
				}
			}
		}
	}
}

// TestPackPats: AddAll packs the lists of shared clauses and the
// predicates' anchor lists, a later Add
// and Delete give them new arrays, and every answer stays that of the
// patterns (Explain), in a small machine (decideEach) and a large one
// (decideAll, entries naming predicates).
func TestPackPats(t *testing.T) {
	// needIDsFrom -1: small; 0: large from the start; 2: grown large
	// while loading (encodeIDs copies the lists made before).
	for _, from := range []int32{-1, 0, 2} {
		t.Run(fmt.Sprint("needIDsFrom=", from), func(t *testing.T) {
			if from >= 0 {
				defer func(n int, f int32) { decideInOnePass, needIDsFrom = n, f }(decideInOnePass, needIDsFrom)
				decideInOnePass, needIDsFrom = 0, from
			}
			testPackPats(t)
		})
	}
}

func testPackPats(t *testing.T) {
	srcs := []string{
		`{"source":["aws.s3"]}`,
		`{"source":["aws.ec2"],"detail":{"state":["running"]}}`,
		`{"source":["aws.ec2"],"detail":{"state":["stopped"]}}`,
	}
	var ids []ID
	var ps []*compiler.Pattern
	live := map[ID]*compiler.Pattern{}
	for i := range 3 * 30 {
		p, err := compiler.Compile([]byte(srcs[i%3]), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		id := ID(fmt.Sprint(i))
		ids, ps = append(ids, id), append(ps, p)
		live[id] = p
	}
	// Clauses that share their anchor (an account, of three states
	// each): lists of several entries.
	for i := range 60 {
		p, err := compiler.Compile([]byte(fmt.Sprintf(`{"account":["a%d"],"detail":{"state":["s%d"]}}`, i%20, i/20)), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		id := ID(fmt.Sprint("acct", i))
		ids, ps = append(ids, id), append(ps, p)
		live[id] = p
	}
	m := New(Config{})
	if err := m.AddAll(ids, ps); err != nil {
		t.Fatal(err)
	}
	packed := 0
	for _, cw := range m.clauses {
		if len(cw.rec.pats) > 1 {
			packed++
			if cap(cw.rec.pats) != len(cw.rec.pats) {
				t.Errorf("clause %q: %d patterns, room for %d: not packed", cw.key, len(cw.rec.pats), cap(cw.rec.pats))
			}
		}
	}
	lists := 0
	for _, pw := range m.preds {
		if as := pw.rec.anchors; len(as) == 1 && !inLine(pw.rec) {
			t.Errorf("predicate %q: its one anchor entry is not in its record's line", pw.key)
		} else if len(as) > 1 {
			lists++
			if cap(as) != len(as) {
				t.Errorf("predicate %q: %d anchor entries, room for %d: not packed", pw.key, len(as), cap(as))
			}
		}
	}
	if lists == 0 {
		t.Error("no anchor list of several entries")
	}
	if packed != 2 {
		t.Errorf("%d shared clauses with keys, want 2", packed)
	}
	events := []string{
		`{"source":"aws.s3","detail":{}}`,
		`{"source":"aws.ec2","detail":{"state":"running"}}`,
		`{"source":"aws.ec2","detail":{"state":"stopped"}}`,
		`{"source":"aws.ec2","detail":{"state":"pending"}}`,
		`{"account":"a1","detail":{"state":"s1"}}`,
		`{"account":"a7","detail":{"state":"s2"}}`,
	}
	check := func(step string) {
		t.Helper()
		mt := m.NewMatcher()
		for _, ev := range events {
			var want []ID
			for id, p := range live {
				if ex, err := compiler.ExplainMatch(p, []byte(ev)); err == nil && ex.Matched {
					want = append(want, id)
				}
			}
			for _, trusted := range []bool{false, true} {
				got, err := matchOn(mt, ev, trusted)
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s: %s (trusted %v): got %d patterns, want %d", step, ev, trusted, len(got), len(want))
				}
			}
		}
	}
	check("AddAll")
	for i := range 5 {
		id := ID(fmt.Sprint("more", i))
		live[id] = addPattern(t, m, id, srcs[1])
	}
	check("Add")
	for i := 0; i < 3*30; i += 4 {
		m.Delete(ID(fmt.Sprint(i)))
		delete(live, ID(fmt.Sprint(i)))
	}
	check("Delete")
}

// matchOn matches ev on Match or, with trusted, on MatchTrusted: the tests
// that build a machine step by step check both paths against Explain.
func matchOn(mt *Matcher, ev string, trusted bool) ([]ID, error) {
	if trusted {
		return mt.MatchTrusted(nil, []byte(ev))
	}
	return mt.Match(nil, []byte(ev))
}
