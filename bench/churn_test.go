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

func familyNamed(tb testing.TB, name string) Family {
	for _, f := range Families {
		if f.Name == name {
			return f
		}
	}
	tb.Fatalf("no family %q", name)
	return Family{}
}

// TestChurnedMachineAgrees: a machine that has taken the single-Add
// rounds matches as the one loaded with the same rule set, on both paths.
func TestChurnedMachineAgrees(t *testing.T) {
	fresh, evs, _ := loadFamily(t, "mixed-10000", 2000)
	old := churned(t, "mixed-10000")
	a, b := fresh.NewMatcher(), old.NewMatcher()
	matched := 0
	for _, ev := range evs {
		for _, trusted := range []bool{false, true} {
			x, errX := a.Match(nil, ev)
			y, errY := b.Match(nil, ev)
			if trusted {
				x, errX = a.MatchTrusted(nil, ev)
				y, errY = b.MatchTrusted(nil, ev)
			}
			if errX != nil || errY != nil {
				t.Fatalf("errors: %v, %v", errX, errY)
			}
			slices.Sort(x)
			slices.Sort(y)
			if !slices.Equal(x, y) {
				t.Fatalf("trusted %v: loaded %v, churned %v on %s", trusted, x, y, ev)
			}
			matched += len(x)
		}
	}
	if matched == 0 {
		t.Fatal("no event matched")
	}
}

// BenchmarkChurnedMachine matches mixed-10000's corpus on the trusted
// path with the machine as AddAll loaded it and with one that has taken
// runFamily's single-Add rounds (same rules), in turns of 4096 events
// whose order alternates, and reports each one's ns/event (loaded-ns/ev,
// churned-ns/ev): what the copies that single writes make cost matching.
// When it came (-benchtime 400000x, three runs): churned +3.1, +2.8 and
// +1.7 % ns/event.
func BenchmarkChurnedMachine(b *testing.B) {
	fresh, evs, _ := loadFamily(b, "mixed-10000", 20000)
	mts := [2]*automaton.Matcher{fresh.NewMatcher(), churned(b, "mixed-10000").NewMatcher()}
	for _, mt := range mts {
		countPass(mt, evs, true)
	}
	var took [2]time.Duration
	var count [2]int
	b.ResetTimer()
	for done, turn := 0, 0; done < b.N; turn++ {
		from := done % len(evs)
		to := min(from+chunk, len(evs), from+b.N-done)
		for side := range 2 {
			which := (side + turn) % 2
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
	b.ReportMetric(float64(took[0].Nanoseconds())/float64(count[0]), "loaded-ns/ev")
	b.ReportMetric(float64(took[1].Nanoseconds())/float64(count[1]), "churned-ns/ev")
}
