package automaton

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestGroupedAnchors matches rules that share their anchor and differ in
// the predicates their entries name, as the EC2 rules of a large rule set
// do (an instance-id prefix, a region, a state), while rules are added
// and deleted in random order: the anchor lists are kept ordered and
// their runs counted (addAnchor, groupAnchors), and every answer is held
// to compiler.Explain. It runs with named needs from the first predicate
// and across the change from masks (encodeIDs), in one pass and in two.
func TestGroupedAnchors(t *testing.T) {
	defer func(n int, f int32) { decideInOnePass, needIDsFrom = n, f }(decideInOnePass, needIDsFrom)
	regions := []string{"r0", "r1", "r2", "r3"}
	states := []string{"s0", "s1", "s2", "s3", "s4", "s5"}
	tiers := []string{"t0", "t1", "t2", "t3", "t4"}
	rule := func(r *rand.Rand) string {
		return fmt.Sprintf(`{"source":["ec2"],"detail":{"id":[{"prefix":"i-0"}],"region":[%q],"state":[%q],"tier":[%q]}}`,
			regions[r.Intn(4)], states[r.Intn(6)], tiers[r.Intn(5)])
	}
	event := func(r *rand.Rand) string {
		return fmt.Sprintf(`{"id":"1","account":"1","time":"t","region":"r","detail-type":"d","source":"ec2","detail":{"id":"i-0%d","region":%q,"state":%q,"tier":%q}}`,
			r.Intn(100), regions[r.Intn(4)], states[r.Intn(6)], tiers[r.Intn(5)])
	}
	churn{froms: []int32{0, 30}, writes: 10, deleteOneIn: 4, events: 10}.run(t, rule, event)
}

// churn adds and deletes random rules (ids 0 to 59) on one machine for 40
// rounds, matching random events after each round's writes, for each
// mode of needs in froms (needIDsFrom) and both ways of deciding (in one
// pass and in two); every answer is held to compiler.Explain (agreeLive)
// with no id twice, on Match and, with bothPaths, on MatchTrusted too. A
// run where no rule ever matched fails: the test would be degenerate. The
// caller restores decideInOnePass and needIDsFrom.
type churn struct {
	froms                       []int32
	writes, deleteOneIn, events int
	bothPaths                   bool
}

func (c churn) run(t *testing.T, rule, event func(*rand.Rand) string) {
	t.Helper()
	paths := []bool{false}
	if c.bothPaths {
		paths = append(paths, true)
	}
	matched := 0
	for _, from := range c.froms {
		for _, onePass := range []int{0, 1 << 30} {
			decideInOnePass, needIDsFrom = onePass, from
			r := rand.New(rand.NewSource(int64(from) + int64(onePass&1)))
			m := New(Config{})
			live := map[ID]*compiler.Pattern{}
			mt := m.NewMatcher()
			var dst []ID
			for round := 0; round < 40; round++ {
				for k := 0; k < c.writes; k++ {
					id := ID(fmt.Sprint(r.Intn(60)))
					if r.Intn(c.deleteOneIn) == 0 {
						m.Delete(id)
						delete(live, id)
						continue
					}
					p, err := compiler.Compile([]byte(rule(r)), compiler.EventBridge, nil)
					if err != nil {
						t.Fatal(err)
					}
					if err := m.Add(id, p); err != nil {
						t.Fatal(err)
					}
					live[id] = p
				}
				for e := 0; e < c.events; e++ {
					ev := []byte(event(r))
					for _, trusted := range paths {
						var err error
						if trusted {
							dst, err = mt.MatchTrusted(dst[:0], ev)
						} else {
							dst, err = mt.Match(dst[:0], ev)
						}
						if err != nil {
							t.Fatal(err)
						}
						seen := map[ID]bool{}
						for _, id := range dst {
							if seen[id] {
								t.Fatalf("from %d, one pass %d, trusted %v: %s: %s twice in %v", from, onePass, trusted, ev, id, dst)
							}
							seen[id] = true
						}
						n, err := agreeLive(live, dst, ev)
						if err != nil {
							t.Fatalf("from %d, one pass %d, trusted %v: %v", from, onePass, trusted, err)
						}
						matched += n
					}
				}
			}
		}
	}
	if matched == 0 {
		t.Fatal("no rule matched: the test is degenerate")
	}
}

// checkFired tells whether every predicate with a hit in the input just
// matched is marked fired as the machine's anchor entries test it (its
// mark, or its bit of the mask): the stamps written out in line (tries,
// tables, written forms, infix walks) each mark it themselves, and one
// that forgot drops the clauses that need its predicate, but only in a
// machine whose entries test that way and only where another field
// anchors the clause — too rare a shape for the random differential to
// meet; the invariant shows at any predicate the stamp fires.
//
// It also checks that each anchor entry of the records loaded holds its
// clause's kind (needKind), which the listing writes from the entry.
func (mt *Matcher) checkFired() error {
	for p := range mt.pred {
		if ps := &mt.pred[p]; ps.rec != nil && ps.recEpoch >= mt.snapEpoch {
			for _, a := range ps.rec.anchors {
				if a.need&needIDs != 0 && needKindOf(a.need) != a.cl.kind {
					return fmt.Errorf("predicate %d: an anchor entry holds kind %d, its clause %d", p, needKindOf(a.need), a.cl.kind)
				}
			}
		}
		if mt.pred[p].epoch != mt.epoch {
			continue
		}
		if mt.marks && mt.firedMark[p] != mt.mark {
			return fmt.Errorf("predicate %d has a hit but no fired mark", p)
		}
		if !mt.marks && mt.firedBits&(1<<(p&63)) == 0 {
			return fmt.Errorf("predicate %d has a hit but no bit in the fired mask", p)
		}
	}
	return nil
}
