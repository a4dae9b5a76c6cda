package automaton

import (
	"fmt"
	"math/rand"
	"testing"
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
	churn{froms: []int32{0, 30, 1 << 30}, writes: 8, deleteOneIn: 5, events: 12, bothPaths: true}.run(t, rule, event)
}
