package bench

import (
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
)

// TestReport runs every family on a tiny corpus: the report must be
// complete and sane (the figures themselves belong to benchmarks).
func TestReport(t *testing.T) {
	rep, err := Run(Config{Events: 2000, Patterns: 10, Families: []string{"exact", "numeric", "cidr", "complex-arrays", "$or", "exact-1", "exact-1000"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 7 {
		t.Fatalf("%d results, want 7", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.EventsPerSec <= 0 || r.Ratio <= 0 || r.AddedPerSec <= 0 || r.Events != 2000 {
			t.Errorf("%s: incomplete result %+v", r.Family, r)
		}
		if r.Matches == 0 {
			t.Errorf("%s: no matches: the pattern generator misses the corpus", r.Family)
		}
		if r.Rounds != 7 {
			t.Errorf("%s: %d rounds without MinTime, want 7", r.Family, r.Rounds)
		}
	}
}

// TestMinTime: rounds are added while fastjson's turns total less than
// MinTime, and no more than maxRounds; the table says how many.
func TestMinTime(t *testing.T) {
	rep, err := Run(Config{Events: 300, Patterns: 5, Rounds: 3, MinTime: 20 * time.Millisecond, Families: []string{"exact", "cidr"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		// 300 events parse in well under 20 ms / 3.
		if r.Rounds <= 3 || r.Rounds > maxRounds {
			t.Errorf("%s: %d rounds, want more than 3 and at most %d", r.Family, r.Rounds, maxRounds)
		}
	}
	var out strings.Builder
	rep.WriteTable(&out)
	if !strings.Contains(out.String(), "at least 3, and at least 0.02s of fastjson's turns") {
		t.Errorf("table does not say how the rounds were chosen:\n%s", out.String())
	}
	rep, err = Run(Config{Events: 300, Patterns: 5, Rounds: 2, MinTime: time.Hour, Families: []string{"exact-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Results[0]; r.Rounds != maxRounds {
		t.Errorf("%d rounds for an hour's MinTime, want the bound %d", r.Rounds, maxRounds)
	}
}

func loadFamily(b testing.TB, name string, count int) (*automaton.Machine, [][]byte, int) {
	fam := familyNamed(b, name)
	evs, size := events(fam.Corpus, 1, count)
	ids, ps := familyRules(b, fam)
	m := automaton.New(automaton.Config{})
	if err := m.AddAll(ids, ps); err != nil {
		b.Fatal(err)
	}
	return m, evs, size
}

// familyRules compiles fam's rules as the tests load them: seed 1, 100
// where the family does not say how many, ids "0", "1", ….
func familyRules(tb testing.TB, fam Family) ([]automaton.ID, []*compiler.Pattern) {
	n := fam.Patterns
	if n == 0 {
		n = 100
	}
	r := rand.New(rand.NewSource(1))
	ids := make([]automaton.ID, n)
	ps := make([]*compiler.Pattern, n)
	for i := 0; i < n; i++ {
		p, err := compiler.Compile([]byte(fam.Make(r, i)), compiler.EventBridge, nil)
		if err != nil {
			tb.Fatal(err)
		}
		ids[i], ps[i] = automaton.ID(fmt.Sprint(i)), p
	}
	return ids, ps
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

// BenchmarkFamilies matches each family's corpus, on both paths; compare
// with BenchmarkFastjson on the same events (benchstat shows the ratio).
func BenchmarkFamilies(b *testing.B) {
	for _, fam := range Families {
		for _, path := range []string{"match", "trusted"} {
			b.Run(fam.Name+"/"+path, func(b *testing.B) {
				m, evs, size := loadFamily(b, fam.Name, 5000)
				mt := m.NewMatcher()
				match := mt.Match
				if path == "trusted" {
					match = mt.MatchTrusted
				}
				var dst []automaton.ID
				b.SetBytes(int64(size / len(evs)))
				b.ReportAllocs()
				for _, ev := range evs { // warm: scratch sized, stack grown
					dst, _ = match(dst, ev)
				}
				runtime.GC() // the corpus's garbage: no GC (and no write barriers) while timed
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					dst, _ = match(dst, evs[i%len(evs)])
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			})
		}
	}
}

func BenchmarkFastjson(b *testing.B) {
	for _, c := range []string{"citylots", "aws", "geofirst", "cloudtrail", "intl", "mixed"} {
		b.Run(c, func(b *testing.B) {
			evs, size := events(c, 1, 5000)
			var p fastjson.Parser
			b.SetBytes(int64(size / len(evs)))
			b.ReportAllocs()
			runtime.GC()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := p.ParseBytes(evs[i%len(evs)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkAdd measures patterns added per second into a growing machine.
func BenchmarkAdd(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	ps := make([]*compiler.Pattern, 1000)
	for i := range ps {
		p, err := compiler.Compile([]byte(exactUnique(r, i+1000)), compiler.EventBridge, nil)
		if err != nil {
			b.Fatal(err)
		}
		ps[i] = p
	}
	m := automaton.New(automaton.Config{})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.Add(automaton.ID(fmt.Sprint(i)), ps[i%len(ps)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "patterns/s")
}
