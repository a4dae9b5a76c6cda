package automaton

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestThreshGroups holds threshold groups (threshgroup.go) to Explain:
// rules that differ only in a lower bound on one number, loaded at once
// so that they are grouped, then Added to and Deleted from (a group
// taken apart and made again), over numbers below, at and above the
// bounds, in arrays, absent, not numbers, with a shared field missing or
// in an array, on both paths and both ways of deciding.
func TestThreshGroups(t *testing.T) {
	m, live, add := liveMachine(t, 8)
	r := rand.New(rand.NewSource(3))
	rule := func(i int) string {
		op := []string{">", ">=", ">", "<"}[i%4]
		b, p := []string{"b1", "b2"}[i/3%2], []string{"k/1", "k/2"}[i/5%2]
		if i%11 == 0 {
			// the same clause as another: a clause of two patterns
			return fmt.Sprintf(`{"source":["s"],"detail":{"b":[%q],"k":[{"prefix":%q}],"n":[{"numeric":[">",%d]}]}}`, b, p, 50)
		}
		if i%13 == 0 {
			// the bound beside another numeric condition
			return fmt.Sprintf(`{"source":["s"],"detail":{"b":[%q],"k":[{"prefix":%q}],"n":[{"numeric":[">",%d]},{"prefix":"x"}]}}`, b, p, r.Intn(100))
		}
		bound := r.Intn(100)
		if i%7 == 0 && i < 30 {
			op, bound = ">=", 50 // at the events' 50
		}
		return fmt.Sprintf(`{"source":["s"],"detail":{"b":[%q],"k":[{"prefix":%q}],"n":[{"numeric":[%q,%d]}]}}`, b, p, op, bound)
	}
	var ids []ID
	var ps []*compiler.Pattern
	for i := range 90 {
		id := ID(fmt.Sprint("t", i))
		p, err := compiler.Compile([]byte(rule(i)), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids, ps, live[id] = append(ids, id), append(ps, p), p
	}
	if err := m.AddAll(ids, ps); err != nil {
		t.Fatal(err)
	}
	events := []string{
		`{"source":"s","detail":{"b":"b1","k":"k/1/x","n":0}}`,
		`{"source":"s","detail":{"b":"b1","k":"k/1/x","n":50}}`,
		`{"source":"s","detail":{"b":"b2","k":"k/1/x","n":51}}`,
		`{"source":"s","detail":{"b":"b2","k":"k/2/x","n":50}}`,
		`{"source":"s","detail":{"b":"b1","k":"k/2/x","n":5e1}}`,
		`{"source":"s","detail":{"b":"b2","k":"k/1/x","n":50}}`,
		`{"source":"s","detail":{"b":"b1","k":"k/2/x","n":99.5}}`,
		`{"source":"s","detail":{"b":"b2","k":"k/2/x","n":1000}}`,
		`{"source":"s","detail":{"b":"b2","k":"k/2/x","n":-3}}`,
		`{"source":"s","detail":{"b":"b1","k":"k/1/x","n":[3,70]}}`,
		`{"source":"s","detail":{"b":"b1","k":"k/1/x","n":[70,3]}}`,
		`{"source":"s","detail":{"b":"b1","k":"k/1/x"}}`,
		`{"source":"s","detail":{"b":"b1","k":"k/1/x","n":"70"}}`,
		`{"source":"s","detail":{"b":"b1","k":"k/1/x","n":"x1"}}`,
		`{"source":"s","detail":{"b":"b1","k":"k/1/x","n":null}}`,
		`{"source":"t","detail":{"b":"b1","k":"k/1/x","n":70}}`,
		`{"source":"s","detail":{"b":["b1","b2"],"k":"k/1/x","n":70}}`,
		`{"source":"s","detail":{"b":"b1","k":["k/1/x","k/2/x"],"n":[10,80]}}`,
		`{"source":"s","detail":[{"b":"b1","k":"k/1/x","n":10},{"b":"b2","k":"k/2/x","n":90}]}`,
		`{"source":"s","detail":{"b":"b1","k":"k/1/x","n":40,"n":90}}`,
		`{"source":"s","detail":{"b":"b2","k":"k/1/y","n":{"v":1}}}`,
	}
	check := func(stage string) {
		t.Helper()
		checkEvents(t, m, live, events, stage, `"n":40,"n"`)
	}
	groups := func() (n, members int) {
		for _, pw := range m.preds {
			if pw == nil {
				continue
			}
			for _, a := range pw.rec.anchors {
				if a.cl.kind == decideThresh {
					n++
					members += len(a.cl.group().members)
				}
			}
		}
		return n, members
	}
	if n, k := groups(); n < 4 || k < 30 {
		t.Fatalf("%d groups of %d clauses, want 4 and 30 at least", n, k)
	}
	check("loaded")
	// Add into the groups, one at a time: the new clauses stay apart.
	for i := 90; i < 100; i++ {
		id := ID(fmt.Sprint("t", i))
		add(id, rule(i))
	}
	check("added")
	// Delete members, and replace one: each group they were in is taken
	// apart and made again.
	before, _ := groups()
	for i := 1; i < 40; i += 3 {
		id := ID(fmt.Sprint("t", i))
		if !m.Delete(id) {
			t.Fatalf("Delete %s", id)
		}
		delete(live, id)
	}
	add("t2", `{"source":["s"],"detail":{"b":["b1"],"k":[{"prefix":"k/1"}],"n":[{"numeric":[">",60]}]}}`)
	if n, _ := groups(); n == 0 || n > before+2 {
		t.Errorf("%d groups after deletes, %d before", n, before)
	}
	check("deleted")
	// Every member deleted: no group is left.
	for id := range live {
		m.Delete(id)
	}
	live = map[ID]*compiler.Pattern{}
	if n, _ := groups(); n != 0 || len(m.clauses) != 0 {
		t.Errorf("%d groups, %d clauses left", n, len(m.clauses))
	}
	check("empty")
}

// checkEvents matches events, given the envelope, on both paths and both
// ways of deciding, and holds the answers to Explain over live. An event
// holding one of dups names a member twice: outside the trusted contract,
// it is matched by Match only.
func checkEvents(t *testing.T, m *Machine, live map[ID]*compiler.Pattern, events []string, stage string, dups ...string) {
	t.Helper()
	for _, onePass := range []int{0, 1 << 30} {
		decideInOnePass = onePass
		mt := m.NewMatcher()
		for _, e := range events {
			ev := `{"id":"1","account":"1","time":"t","region":"r","detail-type":"d",` + e[1:]
			for _, trusted := range []bool{false, true} {
				if trusted && slices.ContainsFunc(dups, func(d string) bool { return strings.Contains(e, d) }) {
					continue
				}
				dst, err := matchOn(mt, ev, trusted)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := agreeLive(live, dst, []byte(ev)); err != nil {
					t.Errorf("%s, one pass %v, trusted %v: %v", stage, onePass != 0, trusted, err)
				}
			}
		}
	}
}
