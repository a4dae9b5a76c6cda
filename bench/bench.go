// Package bench measures the automaton on the generated corpora, family by
// family, next to a fastjson full parse of the same events in the same run:
// the figures patternc bench prints and the benchmarks in this package
// report.
package bench

import (
	"fmt"
	"io"
	"math/rand"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/valyala/fastjson"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/corpus"
)

// Config chooses the sizes of a run.
type Config struct {
	Events   int      // citylots events (default 20 000)
	Seed     int64    // corpus and pattern seed (default 1)
	Patterns int      // patterns per family (default 100)
	Families []string // empty: all
	// Progress, when set, receives a line as each family starts.
	Progress io.Writer
}

// Result is one row of the report.
type Result struct {
	Family         string  `json:"family"`
	Corpus         string  `json:"corpus"`
	Patterns       int     `json:"patterns"`
	Events         int     `json:"events"`
	Matches        int     `json:"matches"`
	EventsPerSec   float64 `json:"events_per_sec"`
	MBPerSec       float64 `json:"mb_per_sec"`
	AllocsPerEvent float64 `json:"allocs_per_event"`
	BytesPerPat    float64 `json:"bytes_per_pattern"`
	AddedPerSec    float64 `json:"patterns_added_per_sec"`        // one AddAll of the whole set
	AddedPerSecOne float64 `json:"patterns_added_per_sec_single"` // one Add per pattern
	// Ratio is EventsPerSec over the fastjson full-parse events/s of the
	// same events, measured in the same run.
	Ratio float64 `json:"ratio_to_fastjson"`
}

// Report is a whole run.
type Report struct {
	GoVersion string             `json:"go_version"`
	CPUs      int                `json:"cpus"`
	Baselines map[string]float64 `json:"fastjson_events_per_sec"`
	Results   []Result           `json:"results"`
	// ScaleRatio is the throughput with 100 000 exact patterns over that
	// with 1 (the cost of more patterns), each taken relative to the
	// fastjson rounds interleaved with it.
	ScaleRatio float64 `json:"exact_100000_over_exact_1"`
}

// Family is a rule family: a pattern generator over one corpus.
type Family struct {
	Name     string
	Corpus   string // "citylots" or "aws"
	Patterns int    // fixed count (0: Config.Patterns)
	Make     func(r *rand.Rand, i int) string
}

func street(r *rand.Rand) string { return corpus.Streets[r.Intn(len(corpus.Streets))] }

// Families lists every family, in report order.
var Families = []Family{
	{Name: "exact", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[%q]}}`, street(r))
	}},
	{Name: "prefix", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[{"prefix":%q}]}}`, street(r)[:3])
	}},
	{Name: "suffix", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		s := street(r)
		return fmt.Sprintf(`{"properties":{"STREET":[{"suffix":%q}]}}`, s[len(s)-3:])
	}},
	{Name: "equals-ignore-case", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[{"equals-ignore-case":%q}]}}`, strings.ToLower(street(r)))
	}},
	{Name: "wildcard", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		s := street(r)
		return fmt.Sprintf(`{"properties":{"STREET":[{"wildcard":"%s*%s"}]}}`, s[:2], s[len(s)-2:])
	}},
	{Name: "numeric", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		lo := -122.52 + r.Float64()*0.16
		return fmt.Sprintf(`{"geometry":{"coordinates":[{"numeric":[">",%.4f,"<=",%.4f]}]}}`, lo, lo+0.001)
	}},
	{Name: "anything-but", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[{"anything-but":[%q,%q]}],"ODD_EVEN":["E"]}}`, street(r), street(r))
	}},
	{Name: "cidr", Corpus: "aws", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"detail":{"sourceIPAddress":[{"cidr":"%d.%d.0.0/16"}]}}`, []int{10, 172, 192, 54}[r.Intn(4)], r.Intn(256))
	}},
	{Name: "complex-arrays", Corpus: "aws", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"source":["com.example.orders"],"detail":{"items":{"sku":[%q],"qty":[{"numeric":[">=",%d]}]}}}`,
			[]string{"A-100", "A-200", "B-300", "C-400", "D-500"}[r.Intn(5)], 1+r.Intn(5))
	}},
	{Name: "$or", Corpus: "citylots", Make: func(r *rand.Rand, i int) string {
		return fmt.Sprintf(`{"$or":[{"properties":{"STREET":[%q]}},{"properties":{"BLOCK_NUM":["%04d"],"ODD_EVEN":["O"]}}]}`, street(r), 1+r.Intn(7000))
	}},
	{Name: "exact-1", Corpus: "citylots", Patterns: 1, Make: exactUnique},
	{Name: "exact-1000", Corpus: "citylots", Patterns: 1000, Make: exactUnique},
	{Name: "exact-100000", Corpus: "citylots", Patterns: 100000, Make: exactUnique},
}

// exactUnique makes distinct exact patterns; pattern 0 is a real street so
// that every size has matches.
func exactUnique(r *rand.Rand, i int) string {
	if i < len(corpus.Streets) {
		return fmt.Sprintf(`{"properties":{"STREET":[%q]}}`, corpus.Streets[i])
	}
	return fmt.Sprintf(`{"properties":{"STREET":["%s %d"]}}`, street(r), i)
}

func events(name string, seed int64, n int) ([][]byte, int) {
	var out [][]byte
	size := 0
	seq := corpus.CityLots(seed, n)
	if name == "aws" {
		seq = corpus.AWSEvents(seed, n)
	}
	for ev := range seq {
		out = append(out, append([]byte(nil), ev...))
		size += len(ev)
	}
	return out, size
}

// Run measures every family of cfg.
func Run(cfg Config) (*Report, error) {
	if cfg.Events <= 0 {
		cfg.Events = 20000
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Patterns <= 0 {
		cfg.Patterns = 100
	}
	rep := &Report{GoVersion: runtime.Version(), CPUs: runtime.GOMAXPROCS(0), Baselines: map[string]float64{}}
	corpora := map[string][][]byte{}
	sizes := map[string]int{}
	want := map[string]bool{}
	for _, f := range cfg.Families {
		want[f] = true
	}
	for _, fam := range Families {
		if len(want) > 0 && !want[fam.Name] {
			continue
		}
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "bench: %s…\n", fam.Name)
		}
		evs, ok := corpora[fam.Corpus]
		if !ok {
			evs, sizes[fam.Corpus] = events(fam.Corpus, cfg.Seed, cfg.Events)
			corpora[fam.Corpus] = evs
		}
		res, base, err := runFamily(fam, cfg, evs, sizes[fam.Corpus])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fam.Name, err)
		}
		res.Ratio = res.EventsPerSec / base
		if base > rep.Baselines[fam.Corpus] {
			rep.Baselines[fam.Corpus] = base
		}
		rep.Results = append(rep.Results, res)
	}
	// Compare the two through their ratios to the fastjson rounds measured
	// beside each: the machine's speed drifts between families, and the
	// interleaved baseline cancels that drift.
	var one, many float64
	for _, r := range rep.Results {
		switch r.Family {
		case "exact-1":
			one = r.Ratio
		case "exact-100000":
			many = r.Ratio
		}
	}
	if one > 0 && many > 0 {
		rep.ScaleRatio = many / one
	}
	return rep, nil
}

// rounds is how many times each side is measured; the best round counts,
// the usual way to see through a noisy shared machine.
const rounds = 5

// fastjsonRound times the baseline once: a full fastjson parse of every
// event with a reused Parser (its fastest use).
func fastjsonRound(p *fastjson.Parser, evs [][]byte) time.Duration {
	start := time.Now()
	for _, ev := range evs {
		if _, err := p.ParseBytes(ev); err != nil {
			panic(err)
		}
	}
	return time.Since(start)
}

// runFamily measures one family and, interleaved round by round on the
// same events, the fastjson baseline; it returns both rates.
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
			return Result{}, 0, err
		}
		ps[i] = p
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ids := make([]automaton.ID, n)
	for i := range ids {
		ids[i] = automaton.ID(fmt.Sprint(i))
	}
	m := automaton.New(automaton.Config{})
	start := time.Now()
	if err := m.AddAll(ids, ps); err != nil {
		return Result{}, 0, err
	}
	addTime := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	res := Result{Family: fam.Name, Corpus: fam.Corpus, Patterns: n, Events: len(evs)}
	res.AddedPerSec = float64(n) / addTime.Seconds()
	single := automaton.New(automaton.Config{})
	start = time.Now()
	for i, p := range ps {
		if err := single.Add(ids[i], p); err != nil {
			return Result{}, 0, err
		}
	}
	res.AddedPerSecOne = float64(n) / time.Since(start).Seconds()
	single = nil
	runtime.GC() // measure matching in steady state, not beside a collection of the loads' garbage
	res.BytesPerPat = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
	if res.BytesPerPat < 0 {
		res.BytesPerPat = 0
	}

	mt := m.NewMatcher()
	var dst []automaton.ID
	for _, ev := range evs[:min(len(evs), 1000)] { // warm the scratch
		dst, _ = mt.Match(dst, ev)
	}
	best, bestBase := time.Duration(1<<63-1), time.Duration(1<<63-1)
	var mallocs uint64
	var fp fastjson.Parser
	for round := 0; round < rounds; round++ {
		if el := fastjsonRound(&fp, evs); el < bestBase {
			bestBase = el
		}
		res.Matches = 0
		runtime.ReadMemStats(&before)
		start := time.Now()
		for _, ev := range evs {
			var err error
			dst, err = mt.Match(dst, ev)
			if err != nil {
				return Result{}, 0, err
			}
			res.Matches += len(dst)
		}
		el := time.Since(start)
		runtime.ReadMemStats(&after)
		if el < best {
			best = el
			mallocs = after.Mallocs - before.Mallocs
		}
	}
	res.EventsPerSec = float64(len(evs)) / best.Seconds()
	res.MBPerSec = float64(size) / best.Seconds() / 1e6
	res.AllocsPerEvent = float64(mallocs) / float64(len(evs))
	return res, float64(len(evs)) / bestBase.Seconds(), nil
}

// WriteTable prints the report as an aligned table.
func (rep *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "%-20s %-9s %8s %8s %11s %7s %8s %9s %11s %11s %9s\n",
		"family", "corpus", "patterns", "matches", "events/s", "MB/s", "allocs/e", "bytes/pat", "AddAll/s", "Add/s", "×fastjson")
	for _, r := range rep.Results {
		fmt.Fprintf(w, "%-20s %-9s %8d %8d %11.0f %7.1f %8.2f %9.0f %11.0f %11.0f %9.2f\n",
			r.Family, r.Corpus, r.Patterns, r.Matches, r.EventsPerSec, r.MBPerSec, r.AllocsPerEvent, r.BytesPerPat, r.AddedPerSec, r.AddedPerSecOne, r.Ratio)
	}
	corpora := make([]string, 0, len(rep.Baselines))
	for c := range rep.Baselines {
		corpora = append(corpora, c)
	}
	sort.Strings(corpora)
	for _, c := range corpora {
		fmt.Fprintf(w, "fastjson full parse, %s: %.0f events/s\n", c, rep.Baselines[c])
	}
	if rep.ScaleRatio > 0 {
		fmt.Fprintf(w, "100 000 exact patterns run at %.2f× the throughput of 1\n", rep.ScaleRatio)
	}
}
