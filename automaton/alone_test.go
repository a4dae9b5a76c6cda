package automaton

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestAloneLists matches rules on lists of cities, whose clauses are their
// field alone (the alone list and the keys' concatenated ids, alone.go),
// among rules that name a city with another field, or in one of two
// clauses (a pattern of several clauses: not appended in one copy), while
// rules are added and deleted (the Matcher's ids kept for a snapshot
// must not outlive it), over events with one city, a city twice, two
// cities in an array and cities written with escapes: every answer is
// held to compiler.Explain, with no id twice, on both paths, in large
// machines (the lists' ids, from the first predicate and across the
// change) and small, in one pass and in two.
func TestAloneLists(t *testing.T) {
	defer func(n int, f int32) { decideInOnePass, needIDsFrom = n, f }(decideInOnePass, needIDsFrom)
	cities := []string{"Αθήνα", "Zürich", "Kraków", "東京", "Malmö"}
	q := func(r *rand.Rand) string { return fmt.Sprintf("%q", cities[r.Intn(len(cities))]) }
	rule := func(r *rand.Rand) string {
		switch r.Intn(8) {
		case 0:
			return fmt.Sprintf(`{"detail":{"city":[%s,%s]},"source":["s%d"]}`, q(r), q(r), r.Intn(2))
		case 1:
			return fmt.Sprintf(`{"$or":[{"detail":{"city":[%s,%s]}},{"source":["s%d"]}]}`, q(r), q(r), r.Intn(2))
		case 2:
			return fmt.Sprintf(`{"detail":{"city":[%s]}}`, q(r))
		}
		return fmt.Sprintf(`{"detail":{"city":[%s,%s]}}`, q(r), q(r))
	}
	esc := func(s string) string {
		out := ""
		for _, c := range s {
			out += fmt.Sprintf(`\u%04x`, c)
		}
		return `"` + out + `"`
	}
	event := func(r *rand.Rand) string {
		c := q(r)
		switch r.Intn(5) {
		case 0:
			c = "[" + q(r) + "," + q(r) + "]"
		case 1:
			c = "[" + c + "," + c + "]"
		case 2:
			c = esc(cities[r.Intn(len(cities))])
		case 3:
			c = `"Oslo"`
		}
		return fmt.Sprintf(`{"id":"1","account":"1","time":"t","region":"r","detail-type":"d","source":"s%d","detail":{"city":%s,"n":1}}`, r.Intn(2), c)
	}
	matched := 0
	for _, from := range []int32{0, 30, 1 << 30} {
		for _, onePass := range []int{0, 1 << 30} {
			decideInOnePass, needIDsFrom = onePass, from
			r := rand.New(rand.NewSource(int64(from) + int64(onePass&1)))
			m := New(Config{})
			live := map[ID]*compiler.Pattern{}
			mt := m.NewMatcher()
			var dst []ID
			for round := 0; round < 40; round++ {
				for k := 0; k < 8; k++ {
					id := ID(fmt.Sprint(r.Intn(60)))
					if r.Intn(5) == 0 {
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
				for e := 0; e < 12; e++ {
					ev := []byte(event(r))
					for _, trusted := range []bool{false, true} {
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
