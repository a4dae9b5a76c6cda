package bench

import (
	"fmt"
	"math/rand"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/valyala/fastjson"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
)

// The method: the contenders — a fastjson full parse (the baseline),
// Match and MatchTrusted — take turns on chunks of a few thousand events,
// in an order that rotates from chunk to chunk and round to round, so that
// a slow spell of the shared machine falls on all of them alike. Each
// round gives one ratio per contender (baseline time over its time); the
// report keeps the median and the range. Garbage is collected between
// rounds, outside the timed sections.

// chunk is how many events one contender matches per turn.
const chunk = 4096

// addRounds is how many rounds of single Adds measure the Add rate, and
// allAddRounds how many AddAlls of the whole set measure AddAll's.
const (
	addRounds    = 5
	allAddRounds = 3
)

// maxRounds bounds the rounds Config.MinTime adds.
const maxRounds = 301

const (
	cFastjson = iota
	cMatch
	cTrusted
	contenders
)

// runFamily measures one family; it returns its row and the fastjson
// events/s of its median round.
func runFamily(fam Family, cfg Config, evs [][]byte, size int) (Result, float64, error) {
	n := fam.Patterns
	if n == 0 {
		n = cfg.Patterns
	}
	r := rand.New(rand.NewSource(cfg.Seed))
	ps := make([]*compiler.Pattern, n)
	for i := range ps {
		p, err := compiler.Compile([]byte(fam.Make(r, i)), compiler.EventBridge, nil)
		if err != nil {
			return Result{}, 0, fmt.Errorf("pattern %s: %w", fam.Make(rand.New(rand.NewSource(cfg.Seed)), i), err)
		}
		ps[i] = p
	}
	// The ids are the caller's, made before the heap is measured (the
	// machine keeps each id's string, not a copy).
	ids := make([]automaton.ID, n)
	for i := range ids {
		ids[i] = automaton.ID(fmt.Sprint(i))
	}
	// Heap per pattern: what the machine allocates and keeps, with the
	// caller's compiled patterns alive on both sides of the measurement
	// (the machine shares their condition lists and paths, which are not
	// counted: about 400 bytes more per exact pattern if the caller drops
	// its patterns).
	//
	// The set is added allAddRounds times, each into a new machine with
	// the last one's garbage collected first, and the rate is the median
	// round's, as singleAdds' is: one AddAll of exact-100000 is some 300
	// ms, and single ones of the same code read 433 k/s and 266 k/s in two
	// full runs minutes apart. The heap is the last machine's, which the
	// family matches with.
	var before, after runtime.MemStats
	var m *automaton.Machine
	rates := make([]float64, allAddRounds)
	for round := range rates {
		m = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		m = automaton.New(automaton.Config{})
		start := time.Now()
		if err := m.AddAll(ids, ps); err != nil {
			return Result{}, 0, err
		}
		rates[round] = float64(n) / time.Since(start).Seconds()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(ps)
	res := Result{Family: fam.Name, Corpus: fam.Corpus, Patterns: n, Events: len(evs)}
	res.AddedPerSec = middle(rates)
	res.BytesPerPat = max(0, float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(n))
	mt := m.NewMatcher()
	var fp fastjson.Parser
	// One untimed pass per path: warm the scratch, count matches (the two
	// paths must agree) and allocations.
	var err error
	if res.Matches, res.AllocsPerEvent, err = countPass(mt, evs, false); err != nil {
		return Result{}, 0, err
	}
	trustedMatches, trustedAllocs, err := countPass(mt, evs, true)
	if err != nil {
		return Result{}, 0, err
	}
	if trustedMatches != res.Matches {
		return Result{}, 0, fmt.Errorf("MatchTrusted found %d matches, Match %d", trustedMatches, res.Matches)
	}
	res.TrustedAllocsPerEvent = trustedAllocs

	var times [contenders][]time.Duration
	var baseline time.Duration // fastjson's timed turns so far
	for round := 0; round < cfg.Rounds || baseline < cfg.MinTime && round < maxRounds; round++ {
		runtime.GC()
		var sum [contenders]time.Duration
		for c, k := 0, 0; c < len(evs); c, k = c+chunk, k+1 {
			part := evs[c:min(c+chunk, len(evs))]
			for t := 0; t < contenders; t++ {
				who := (t + k + round) % contenders
				sum[who] += turn(who, &fp, mt, part)
			}
		}
		for who := range sum {
			times[who] = append(times[who], sum[who])
		}
		baseline += sum[cFastjson]
	}
	res.Rounds = len(times[cFastjson])
	if cfg.Threads > 1 {
		res.Threads = cfg.Threads
		res.ThreadsEventsPerSec, res.ThreadsIdeal = threaded(m, evs, cfg.Threads)
	}

	// Single Adds into the full machine, after the matching rounds (see
	// singleAdds).
	if res.AddedPerSecOne, err = singleAdds(m, fam, r, n); err != nil {
		return Result{}, 0, err
	}

	ratios := func(who int) (med, lo, hi float64, t time.Duration) {
		var rs []float64
		for i := range times[who] {
			rs = append(rs, times[cFastjson][i].Seconds()/times[who][i].Seconds())
		}
		slices.Sort(rs)
		ts := slices.Clone(times[who])
		slices.Sort(ts)
		return rs[len(rs)/2], rs[0], rs[len(rs)-1], ts[len(ts)/2]
	}
	var med time.Duration
	res.Ratio, res.RatioMin, res.RatioMax, med = ratios(cMatch)
	res.EventsPerSec = float64(len(evs)) / med.Seconds()
	res.MBPerSec = float64(size) / med.Seconds() / 1e6
	res.TrustedRatio, res.TrustedRatioMin, res.TrustedRatioMax, med = ratios(cTrusted)
	res.TrustedEventsPerSec = float64(len(evs)) / med.Seconds()
	_, _, _, base := ratios(cFastjson)

	return res, float64(len(evs)) / base.Seconds(), nil
}

// singleAdds times single Adds into the full machine m (the figure a
// live system sees): up to 1000 more patterns of the family, one Add each,
// deleted again (untimed), in addRounds rounds; the rate is the median
// round's. One round of 1000 Adds into exact-100000 takes 5-10 ms, short
// enough for a slow spell of the shared machine to halve it: single
// rounds of the same code gave 214 k/s, 91 k/s and 149 k/s (no collection
// ran inside them: NumGC did not move). Garbage is collected before each
// round, outside the timed Adds, as between the matching rounds. Their
// ids are made beforehand, as the AddAll ids are.
//
// runFamily runs it after its matching rounds. An Add copies the records
// it changes out of the layout AddAll packed them in (patids.go's
// packAnchors, predorder.go), and the Delete after it copies them again:
// a machine that has taken these rounds matches the same rule set more
// slowly (mixed-10000 trusted: BenchmarkChurnedMachine +1.7..3.9 % ns/event;
// in bench's rounds, two machines alternated, 30 rounds, ratio to
// fastjson 2.7..4.7 % lower; the instructions and the cache misses that
// callgrind models are the same). The matching figures are the loaded rule set's.
func singleAdds(m *automaton.Machine, fam Family, r *rand.Rand, n int) (float64, error) {
	extra := min(n, 1000)
	more := make([]*compiler.Pattern, extra)
	moreIDs := make([]automaton.ID, extra)
	for i := range more {
		p, err := compiler.Compile([]byte(fam.Make(r, n+i)), compiler.EventBridge, nil)
		if err != nil {
			return 0, err
		}
		more[i], moreIDs[i] = p, automaton.ID(fmt.Sprint("extra-", i))
	}
	rates := make([]float64, addRounds)
	for round := range rates {
		runtime.GC()
		start := time.Now()
		for i, p := range more {
			if err := m.Add(moreIDs[i], p); err != nil {
				return 0, err
			}
		}
		rates[round] = float64(extra) / time.Since(start).Seconds()
		for _, id := range moreIDs {
			m.Delete(id)
		}
	}
	return middle(rates), nil
}

// middle returns the median of an odd number of rates (the rounds' of
// AddAll and of single Adds), sorting them in place.
func middle(rates []float64) float64 {
	slices.Sort(rates)
	return rates[len(rates)/2]
}

// turn times one contender on a chunk of events.
func turn(who int, fp *fastjson.Parser, mt *automaton.Matcher, evs [][]byte) time.Duration {
	var dst []automaton.ID
	start := time.Now()
	switch who {
	case cFastjson:
		for _, ev := range evs {
			if _, err := fp.ParseBytes(ev); err != nil {
				panic(err) // the corpora are valid JSON
			}
		}
	case cMatch:
		for _, ev := range evs {
			dst, _ = mt.Match(dst[:0], ev)
		}
	case cTrusted:
		for _, ev := range evs {
			dst, _ = mt.MatchTrusted(dst[:0], ev)
		}
	}
	return time.Since(start)
}

// countPass matches every event once on one path and returns the matches
// and the allocations per event in steady state: the count is taken on a
// third pass, after two that let the scratch grow to the corpus — the
// result slice to its largest answer, the decision memo's arenas to the
// fired sets the corpus has (a set is kept the second time it is seen, so
// the second pass still adds some: $or's, over 213 068 events, allocated
// ten times, 0.00005 an event, and none in the passes after).
func countPass(mt *automaton.Matcher, evs [][]byte, trusted bool) (int, float64, error) {
	var dst []automaton.ID
	var err error
	match := mt.Match
	if trusted {
		match = mt.MatchTrusted
	}
	for range 2 { // let the scratch and the memo grow
		for _, ev := range evs {
			dst, _ = match(dst, ev)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	matches := 0
	for _, ev := range evs {
		if dst, err = match(dst, ev); err != nil {
			return 0, 0, err
		}
		matches += len(dst)
	}
	runtime.ReadMemStats(&after)
	return matches, float64(after.Mallocs-before.Mallocs) / float64(len(evs)), nil
}

// threaded matches the corpus with n goroutines at once, one Matcher each,
// and returns their events/s together and n times the events/s of one
// goroutine doing the same alone just before.
func threaded(m *automaton.Machine, evs [][]byte, n int) (together, ideal float64) {
	run := func(g int) time.Duration {
		var wg sync.WaitGroup
		ready := make(chan struct{})
		for i := 0; i < g; i++ {
			mt := m.NewMatcher()
			wg.Add(1)
			go func() {
				defer wg.Done()
				var dst []automaton.ID
				<-ready
				for _, ev := range evs {
					dst, _ = mt.Match(dst[:0], ev)
				}
			}()
		}
		runtime.GC()
		start := time.Now()
		close(ready)
		wg.Wait()
		return time.Since(start)
	}
	one := run(1)
	all := run(n)
	return float64(n*len(evs)) / all.Seconds(), float64(n*len(evs)) / one.Seconds()
}
