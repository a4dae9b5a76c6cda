package bench

import (
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/patternc/patternc/automaton"
)

// churned loads family name and runs runFamily's single-Add rounds on it:
// 5 × (1000 Adds, 1000 Deletes), which leave its rule set as it was.
func churned(tb testing.TB, name string) *automaton.Machine {
	m, _, _ := loadFamily(tb, name, 1)
	fam := familyNamed(tb, name)
	if _, err := singleAdds(m, fam, rand.New(rand.NewSource(7)), fam.Patterns); err != nil {
		tb.Fatal(err)
	}
	return m
}

// oneByOne returns family name's rules (familyRules) put one at a time
// into a plain Machine and into automaton.Rules.
func oneByOne(tb testing.TB, name string) (*automaton.Machine, *automaton.Rules) {
	ids, ps := familyRules(tb, familyNamed(tb, name))
	m := automaton.New(automaton.Config{})
	rules := automaton.NewRules(automaton.Config{})
	for i, id := range ids {
		if err := m.Add(id, ps[i]); err != nil {
			tb.Fatal(err)
		}
		if err := rules.Put(id, ps[i]); err != nil {
			tb.Fatal(err)
		}
	}
	return m, rules
}

// TestChurnedMachineAgrees: machines that hold the same rules however
// they were built — loaded at once, loaded and put through runFamily's
// single-Add rounds, built by single Adds, put one at a time into
// automaton.Rules — match alike, on both paths.
func TestChurnedMachineAgrees(t *testing.T) {
	fresh, evs, _ := loadFamily(t, "mixed-10000", 2000)
	single, rules := oneByOne(t, "mixed-10000")
	others := []*automaton.Machine{churned(t, "mixed-10000"), single, rules.Machine()}
	matched := 0
	for _, ev := range evs {
		for _, trusted := range []bool{false, true} {
			want, err := matchWith(fresh, ev, trusted)
			if err != nil {
				t.Fatal(err)
			}
			for k, m := range others {
				got, err := matchWith(m, ev, trusted)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("machine %d, trusted %v: %v, loaded %v, on %s", k, trusted, got, want, ev)
				}
			}
			matched += len(want)
		}
	}
	if matched == 0 {
		t.Fatal("no event matched")
	}
}

func matchWith(m *automaton.Machine, ev []byte, trusted bool) ([]automaton.ID, error) {
	match := m.Match
	if trusted {
		match = m.MatchTrusted
	}
	ids, err := match(ev)
	slices.Sort(ids)
	return ids, err
}

// BenchmarkChurnedMachine matches mixed-10000's corpus on the trusted
// path with four machines holding the same rules, in turns of 4096 events
// whose order rotates, and reports each one's ns/event: loaded (AddAll),
// churned (loaded, then runFamily's single-Add rounds), single (built by
// 10 000 Adds) and rules (put one at a time into automaton.Rules, which
// replans). At this change (-benchtime 400000x, ns/event against
// loaded): churned +3.1, +2.8, +1.7, +3.8, +3.9 %; single +17, +21 %;
// rules +3.5, +3.9 % (the last two runs timed all four).
func BenchmarkChurnedMachine(b *testing.B) {
	fresh, evs, _ := loadFamily(b, "mixed-10000", 20000)
	single, rules := oneByOne(b, "mixed-10000")
	names := []string{"loaded", "churned", "single", "rules"}
	var mts []*automaton.Matcher
	for _, m := range []*automaton.Machine{fresh, churned(b, "mixed-10000"), single, rules.Machine()} {
		mt := m.NewMatcher()
		countPass(mt, evs, true)
		mts = append(mts, mt)
	}
	took := make([]time.Duration, len(mts))
	count := make([]int, len(mts))
	b.ResetTimer()
	for done, turn := 0, 0; done < b.N; turn++ {
		from := done % len(evs)
		to := min(from+chunk, len(evs), from+b.N-done)
		for side := range mts {
			which := (side + turn) % len(mts)
			var dst []automaton.ID
			start := time.Now()
			for _, ev := range evs[from:to] {
				dst, _ = mts[which].MatchTrusted(dst[:0], ev)
			}
			took[which] += time.Since(start)
			count[which] += to - from
		}
		done += to - from
	}
	for i, name := range names {
		b.ReportMetric(float64(took[i].Nanoseconds())/float64(count[i]), name+"-ns/ev")
	}
}
