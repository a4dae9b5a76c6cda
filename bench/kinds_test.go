package bench

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"

	"github.com/patternc/patternc/automaton"
)

// mixedKinds names the kinds of event in the mixed corpus by a text only
// that kind contains; the small CloudTrail calls are the rest. (No name is
// the start of another: -bench matches each part of a name as a
// regular expression, so "cloudtrail" would select both CloudTrail kinds.)
var mixedKinds = []struct{ name, text string }{
	{"s3", `"Object Created"`},
	{"ec2", `"EC2 Instance State-change Notification"`},
	{"orders", `"com.example.orders"`},
	{"intl", `"com.example.intl"`},
	{"cloudtrail-large", `"eventVersion"`},
	{"cloudtrail-small", ``},
}

func mixedKind(ev []byte) int {
	for i, k := range mixedKinds {
		if strings.Contains(string(ev), k.text) {
			return i
		}
	}
	return len(mixedKinds) - 1
}

// BenchmarkMixedKinds matches mixed-10000's events one kind at a time, on
// both paths and with fastjson, to show which kind costs what. A kind's
// events and the rules they touch are fewer than the whole corpus's, so
// they stay in cache better than in BenchmarkMixedOrder's shuffled run.
func BenchmarkMixedKinds(b *testing.B) {
	m, all, _ := loadFamily(b, "mixed-10000", 20000)
	for i, k := range mixedKinds {
		var evs [][]byte
		for _, ev := range all {
			if mixedKind(ev) == i {
				evs = append(evs, ev)
			}
		}
		benchPaths(b, k.name, m, evs)
	}
}

// BenchmarkMixedKindsShuffled times each event of mixed-10000's shuffled
// corpus on its own, on the trusted path and with fastjson, in turns of
// 4096 events whose order alternates, and reports each kind's mean
// ns/event on both (KIND-trusted-ns/ev, KIND-fastjson-ns/ev): what each
// kind costs where every event follows events of other kinds, as in
// patternc bench's mixed rounds, where BenchmarkMixedKinds runs one kind at
// a time in warmer caches. The clock read around each event (time.Now,
// some 20-40 ns) is in every figure, so the ratios lean towards 1. At
// b301e22 (-benchtime 200000x, trusted / fastjson ns/event): s3 880 /
// 554, cloudtrail-small 774 / 571, intl 878 / 623, ec2 445 / 464, orders
// 534 / 1038, cloudtrail-large 2034 / 6305: the three kinds slower than
// fastjson are the S3 events (their size against 1667 ranges), the small
// CloudTrail calls and the intl events (some 175 ids each to return).
func BenchmarkMixedKindsShuffled(b *testing.B) {
	m, all, _ := loadFamily(b, "mixed-10000", 20000)
	mt := m.NewMatcher()
	var dst []automaton.ID
	var p fastjson.Parser
	kinds := make([]int, len(all))
	for i, ev := range all {
		kinds[i] = mixedKind(ev)
	}
	var took [2][8]time.Duration
	var count [8]int
	b.ResetTimer()
	for done, turn := 0, 0; done < b.N; turn++ {
		from := done % len(all)
		to := min(from+4096, len(all), from+b.N-done)
		for side := range 2 {
			trusted := (side+turn)%2 == 0
			for i := from; i < to; i++ {
				start := time.Now()
				if trusted {
					var err error
					if dst, err = mt.MatchTrusted(dst[:0], all[i]); err != nil {
						b.Fatal(err)
					}
					took[0][kinds[i]] += time.Since(start)
				} else {
					if _, err := p.ParseBytes(all[i]); err != nil {
						b.Fatal(err)
					}
					took[1][kinds[i]] += time.Since(start)
				}
			}
		}
		for i := from; i < to; i++ {
			count[kinds[i]]++
		}
		done += to - from
	}
	for k, kind := range mixedKinds {
		if count[k] == 0 {
			continue
		}
		b.ReportMetric(float64(took[0][k].Nanoseconds())/float64(count[k]), kind.name+"-trusted-ns/ev")
		b.ReportMetric(float64(took[1][k].Nanoseconds())/float64(count[k]), kind.name+"-fastjson-ns/ev")
	}
}

// BenchmarkMixedOrder matches mixed-10000's 20 000 events as the corpus
// shuffles them and sorted by kind: the same events and rules, so the gap
// between the two is the cost of cache misses on rule data when every
// event needs other rules than the one before (fastjson, which reads no
// rules, shows none).
//
// by-kind-evicted reads 64 KB of other memory before each event sorted by
// kind, which leaves none of the last event's lines in L1 (and few in
// L2's nearest ways); evict-only is that read alone, to subtract. Where
// by-kind-evicted less evict-only comes to shuffled, the shuffled
// order's cost is the L1 data capacity the other kinds' rules take, not
// branch history (which the eviction leaves alone): at aa37f7e, trusted,
// shuffled 928 ns/event, by-kind 795, by-kind-evicted 1725 less
// evict-only 756 = 969 (15 rounds of the whole corpus, GOMAXPROCS=1).
func BenchmarkMixedOrder(b *testing.B) {
	m, all, _ := loadFamily(b, "mixed-10000", 20000)
	sorted := slices.Clone(all)
	slices.SortStableFunc(sorted, func(x, y []byte) int { return mixedKind(x) - mixedKind(y) })
	benchPaths(b, "shuffled", m, all)
	benchPaths(b, "by-kind", m, sorted)

	other := make([]uint64, 64<<10/8)
	evict := func() {
		var s uint64
		for i := 0; i < len(other); i += 8 { // a word a line
			s += other[i]
		}
		evictSink += s
	}
	mt := m.NewMatcher()
	var dst []automaton.ID
	b.Run("by-kind-evicted/trusted", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			evict()
			var err error
			if dst, err = mt.MatchTrusted(dst[:0], sorted[i%len(sorted)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("evict-only", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			evict()
		}
	})
}

// evictSink keeps BenchmarkMixedOrder's reads of other memory.
var evictSink uint64

func benchPaths(b *testing.B, name string, m *automaton.Machine, evs [][]byte) {
	mt := m.NewMatcher()
	var dst []automaton.ID
	var p fastjson.Parser
	size := 0
	for _, ev := range evs {
		size += len(ev)
	}
	run := func(path string, match func(ev []byte)) {
		b.Run(name+"/"+path, func(b *testing.B) {
			b.SetBytes(int64(size / len(evs)))
			for i := 0; i < b.N; i++ {
				match(evs[i%len(evs)])
			}
		})
	}
	run("fastjson", func(ev []byte) {
		if _, err := p.ParseBytes(ev); err != nil {
			b.Fatal(err)
		}
	})
	run("match", func(ev []byte) {
		var err error
		if dst, err = mt.Match(dst[:0], ev); err != nil {
			b.Fatal(err)
		}
	})
	run("trusted", func(ev []byte) {
		var err error
		if dst, err = mt.MatchTrusted(dst[:0], ev); err != nil {
			b.Fatal(err)
		}
	})
}
