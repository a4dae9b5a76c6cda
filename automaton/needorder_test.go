package automaton

import (
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestOrderNeed: the first predicate of a named need, which keys the
// runs of its anchor's list, is the need's field with the smaller share
// of its path's values, whatever the rules naming each path: EC2-like
// rules anchored on one prefix, with a region (1 of 4) and a state pair
// (2 of 6), group by region even where other rules name region far more
// often than state (anchorCost, by which orderFields sorts, then puts
// state first).
func TestOrderNeed(t *testing.T) {
	for _, tc := range []struct {
		name     string
		regionAB int    // rules naming region only with an anything-but
		first    string // the path the anchor's entries' first predicates lie at
		runs     int    // the runs of the anchor's list
	}{
		{"region named often", 3000, "region", 4},
		{"region named rarely", 0, "region", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Config{})
			add := func(i int, s string) {
				t.Helper()
				p, err := compiler.Compile([]byte(s), compiler.EventBridge, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := m.Add(ID(fmt.Sprint(i)), p); err != nil {
					t.Fatal(err)
				}
			}
			regions := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}
			states := []string{"pending", "running", "stopping", "stopped", "shutting-down", "terminated"}
			id := 0
			// Enough predicates for needs of ids (needIDsFrom).
			for i := 0; i < 900; i++ {
				add(id, fmt.Sprintf(`{"source":["com.example.orders"],"detail":{"orderId":["o-%d"]}}`, i))
				id++
			}
			// Every region and state named first: the shares are
			// estimated as each clause is added.
			for _, r := range regions {
				add(id, fmt.Sprintf(`{"region":[%q]}`, r))
				id++
			}
			for _, st := range states {
				add(id, fmt.Sprintf(`{"detail":{"state":[%q]}}`, st))
				id++
			}
			for i := 0; i < tc.regionAB; i++ {
				add(id, fmt.Sprintf(`{"source":[{"prefix":"aws."}],"region":[{"anything-but":[%q]}],"detail":{"size":[{"numeric":[">=",%d,"<",%d]}]}}`, regions[i%4], i*100, i*100+50))
				id++
			}
			// The instance-id prefixes "i-0".."i-f" are rarer values than
			// a region or a state pair: the clauses anchor on them.
			for i := 0; i < 24*16; i++ {
				add(id, fmt.Sprintf(`{"source":["aws.ec2"],"region":[%q],"detail":{"state":[%q,%q],"instance-id":[{"prefix":"i-%x"}]}}`,
					regions[i/16%4], states[i/4%6], states[(i/4%6+1+i/24%5)%6], i%16))
				id++
			}
			if !m.needIDs {
				t.Fatal("the needs hold masks")
			}
			var pw *predW
			for _, q := range m.preds {
				if q != nil && len(q.conds) == 1 && q.conds[0].Op == compiler.OpPrefix && q.conds[0].Text == "i-0" {
					pw = q
				}
			}
			if pw == nil || len(pw.rec.anchors) == 0 {
				t.Fatal("no clause anchored on i-0")
			}
			firsts := map[uint64]bool{}
			for _, a := range pw.rec.anchors {
				f := needFirst(a.need)
				firsts[f] = true
				if got := m.preds[f].path; got != tc.first {
					for _, fr := range a.cl.fieldList() {
						pw := m.preds[fr.pred]
						t.Logf("field %d %s share %.3f cost %.1f vals %d refs %d", fr.pred, pw.path, m.valueShare(pw), m.anchorCost(pw), m.pathVals[pw.rec.pathIdx], m.pathRefs[pw.rec.pathIdx])
					}
					t.Fatalf("an entry's first predicate is at %s, want %s", got, tc.first)
				}
			}
			if len(firsts) != tc.runs {
				t.Errorf("%d runs, want %d", len(firsts), tc.runs)
			}
		})
	}
}
