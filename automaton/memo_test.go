package automaton

import (
	"bytes"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/internal/patterngen"
)

// memoDifferential compiles random patterns into one EventBridge machine
// and matches random events, each several times and interleaved with the
// others on one Matcher, so that the decision memo answers most of them:
// every answer, of Match and of MatchTrusted (on events that meet its
// contract), must be Explain's. It returns the answers compared and how
// many the memo gave.
func memoDifferential(t *testing.T, seed int64, patterns, events int) (compared, hits int) {
	g := patterngen.New(seed)
	m := New(Config{})
	var ps []*compiler.Pattern
	var srcs []string
	for len(ps) < patterns {
		src := g.Pattern()
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			continue
		}
		if err := m.Add(ID(fmt.Sprint(len(ps))), p); err != nil {
			t.Fatal(err)
		}
		ps, srcs = append(ps, p), append(srcs, src)
	}
	evs := make([][]byte, events)
	want := make([][]ID, events)
	for e := range evs {
		evs[e] = []byte(g.Event())
		for i, p := range ps {
			ex, err := compiler.Explain(p, evs[e])
			if err != nil {
				t.Fatalf("explain: %v", err)
			}
			if ex.Matched {
				want[e] = append(want[e], ID(fmt.Sprint(i)))
			}
		}
		slices.Sort(want[e])
	}
	mt := m.NewMatcher()
	r := rand.New(rand.NewSource(seed))
	var dst []ID
	for k := 0; k < 4*events; k++ {
		e := r.Intn(events)
		trusted := k%2 == 1 && mt.CheckTrusted(evs[e]) == nil
		var err error
		if trusted {
			dst, err = mt.MatchTrusted(dst, evs[e])
		} else {
			dst, err = mt.Match(dst, evs[e])
		}
		if err != nil {
			t.Fatalf("match %s: %v", evs[e], err)
		}
		got := slices.Clone(dst)
		slices.Sort(got)
		if !slices.Equal(got, want[e]) {
			var pats strings.Builder
			for i := range ps {
				fmt.Fprintf(&pats, "%d: %s\n", i, srcs[i])
			}
			t.Fatalf("seed %d, trusted %v, event %s: got %v, Explain %v\n%s", seed, trusted, evs[e], dst, want[e], pats.String())
		}
		compared++
	}
	if mt.dmemo != nil {
		hits = mt.dmemo.hits
	}
	return compared, hits
}

// TestDifferentialMemo runs memoDifferential in small machines, deciding
// in one pass, and in two (where the memo keeps no entry, and must still
// agree).
func TestDifferentialMemo(t *testing.T) {
	if !memoOn {
		t.Skip("the memo is off")
	}
	defer func(n int, f, x int32) { decideInOnePass, memoFewest, memoMaskMax = n, f, x }(decideInOnePass, memoFewest, memoMaskMax)
	memoFewest = 1
	onePass := decideInOnePass
	// Keys by the fired mask (machines of up to 64 predicates) and by
	// hash (none: memoSame checks each hit).
	for _, maskMax := range []int32{64, 0} {
		memoMaskMax = maskMax
		for _, twoPass := range []bool{false, true} {
			decideInOnePass = onePass
			if twoPass {
				decideInOnePass = 0
			}
			total, hits := 0, 0
			for seed := int64(1); total < *pairs/20; seed++ {
				for _, n := range []int{40, 4} {
					c, h := memoDifferential(t, seed, n, 30)
					total, hits = total+c, hits+h
				}
			}
			// Random patterns are mostly decided from the leaves
			// (ranges, anything-but, absence, arrays): some 8% of the
			// answers are the memo's.
			if !twoPass && hits < total/40 {
				t.Errorf("the memo answered %d of %d inputs", hits, total)
			}
			t.Logf("mask keys up to %d predicates, two passes %v: %d answers agree with Explain, %d of them the memo's", maskMax, twoPass, total, hits)
		}
	}
}

// TestMemoNewSnapshot: an answer the memo holds is not given once the
// machine has changed.
func TestMemoNewSnapshot(t *testing.T) {
	defer func(f int32) { memoFewest = f }(memoFewest)
	memoFewest = 1
	m := compileAll(t, compiler.EventBridge, `{"a":["x"],"b":["y"]}`, `{"a":["x"]}`)
	mt := m.NewMatcher()
	ev := []byte(`{"a":"x","b":"y"}`)
	for range 3 {
		got, _ := mt.Match(nil, ev)
		if slices.Sort(got); !slices.Equal(got, []ID{"0", "1"}) {
			t.Fatalf("got %v", got)
		}
	}
	if mt.dmemo == nil || mt.dmemo.hits == 0 {
		t.Fatal("the memo answered nothing")
	}
	addPattern(t, m, "2", `{"b":["y"]}`)
	got, _ := mt.Match(nil, ev)
	if slices.Sort(got); !slices.Equal(got, []ID{"0", "1", "2"}) {
		t.Fatalf("after Add: got %v", got)
	}
	m.Delete("0")
	got, _ = mt.MatchTrusted(nil, ev)
	if slices.Sort(got); !slices.Equal(got, []ID{"1", "2"}) {
		t.Fatalf("after Delete: got %v", got)
	}
}

// TestMemoDependent: a set whose deciding reads the leaves (a numeric
// range, anything-but, exists:false, an array) is decided anew each time,
// though the set is the same.
func TestMemoDependent(t *testing.T) {
	defer func(f int32) { memoFewest = f }(memoFewest)
	memoFewest = 1
	m := compileAll(t, compiler.EventBridge,
		`{"s":["x"],"n":[{"numeric":[">",5]}]}`,
		`{"s":["x"],"t":[{"anything-but":"no"}]}`,
		`{"s":["x"],"u":[{"exists":false}]}`,
		`{"s":["x"],"l":{"k":["a"],"v":["b"]}}`,
	)
	mt := m.NewMatcher()
	for _, c := range []struct {
		ev   string
		want []ID
	}{
		{`{"s":"x","n":9,"t":"yes","u":1}`, []ID{"0", "1"}},
		{`{"s":"x","n":1,"t":"no"}`, []ID{"2"}},
		{`{"s":"x","n":9,"t":"yes","u":1}`, []ID{"0", "1"}},
		{`{"s":"x","n":2,"t":"yes","u":1}`, []ID{"1"}},
		{`{"s":"x","u":1,"l":[{"k":"a","v":"b"}]}`, []ID{"3"}},
		{`{"s":"x","u":1,"l":[{"k":"a","v":"c"},{"k":"c","v":"b"}]}`, nil},
		{`{"s":"x","u":1,"l":[{"k":"a","v":"b"}]}`, []ID{"3"}},
	} {
		for range 2 {
			got, err := mt.Match(nil, []byte(c.ev))
			if err != nil {
				t.Fatal(err)
			}
			if slices.Sort(got); !slices.Equal(got, c.want) {
				t.Fatalf("%s: got %v, want %v", c.ev, got, c.want)
			}
		}
	}
}

// FuzzMemo matches a sequence of inputs (the fuzzer's data cut at each
// newline) on one Matcher with the memo and on one without: every answer
// must be the same set.
func FuzzMemo(f *testing.F) {
	srcs := append(slices.Clone(trustedPatterns),
		`{"a":["x"],"n":[{"numeric":[">",0,"<=",5]}]}`,
		`{"a":["x","y"],"s":[{"prefix":"p"}]}`,
		`{"s":[{"suffix":"z"}],"t":[{"exists":true}]}`,
		`{"a":["y"],"t":[{"anything-but":["q"]}]}`,
		`{"$or":[{"a":["x"]},{"s":["pz"]}]}`,
		`{"u":[{"exists":false}]}`,
	)
	f.Add([]byte("{\"a\":\"x\",\"n\":3}\n{\"a\":\"x\",\"n\":7}\n{\"a\":\"x\",\"n\":3}\n{\"a\":\"x\"}"))
	f.Add([]byte("{\"a\":\"y\",\"s\":\"pz\",\"t\":\"q\"}\n{\"a\":\"y\",\"s\":\"pz\",\"t\":\"r\"}\n{\"a\":\"y\",\"s\":\"pz\",\"t\":\"q\"}"))
	f.Add([]byte("{\"a\":\"x\",\"b\":{\"c\":\"v1\"},\"u\":1}\n{\"a\":\"x\",\"b\":{\"c\":\"v2\"}}\n{\"a\":\"x\",\"b\":{\"c\":\"v1\"},\"u\":1}"))
	f.Add([]byte("{\"l\":[{\"k\":\"q\",\"n\":1}]}\n{\"l\":[{\"k\":\"q\",\"n\":-1},{\"k\":\"r\",\"n\":1}]}\n{\"l\":[{\"k\":\"q\",\"n\":1}]}"))
	m := compileAll(f, compiler.EventBridge, srcs...)
	on, off := m.NewMatcher(), m.NewMatcher()
	defer func(b bool, n int32) { memoOn, memoFewest = b, n }(memoOn, memoFewest)
	memoFewest = 1
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ev := range bytes.Split(data, []byte("\n")) {
			for k := range 2 {
				match := on.Match
				if k == 1 {
					match = on.MatchTrusted
					if on.CheckTrusted(ev) != nil {
						continue
					}
				}
				memoOn = true
				got, gotErr := match(nil, ev)
				memoOn = false
				want, wantErr := off.Match(nil, ev)
				memoOn = true
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) || (gotErr == nil) != (wantErr == nil) {
					t.Fatalf("%q (trusted %v): with the memo %v %v, without %v %v", ev, k == 1, got, gotErr, want, wantErr)
				}
			}
		}
	})
}

// TestDifferentialNoMemo runs the random differential with the memo off.
func TestDifferentialNoMemo(t *testing.T) {
	defer func(b bool) { memoOn = b }(memoOn)
	memoOn = false
	total := 0
	for seed := int64(1); total < *pairs/4; seed++ {
		c, _, _ := differential(t, seed, 40, 60)
		total += c
	}
}

// TestMemoGenerations: a new snapshot starts a new generation of entries
// (nothing cleared); the entries of the old one are not taken, also
// when the generation wraps and the table is cleared.
func TestMemoGenerations(t *testing.T) {
	defer func(f int32) { memoFewest = f }(memoFewest)
	memoFewest = 1
	m := compileAll(t, compiler.EventBridge, `{"a":["x"],"b":["y"]}`, `{"c":["z"]}`)
	mt := m.NewMatcher()
	ev, other := []byte(`{"a":"x","b":"y"}`), []byte(`{"c":"z"}`)
	want := []ID{"0"}
	for i := range 6 {
		// The other event first: the new snapshot's first miss stores
		// its entry elsewhere, and ev then looks its own pair up.
		if got, _ := mt.Match(nil, other); !slices.Equal(got, []ID{"1"}) {
			t.Fatalf("round %d: other event: got %v", i, got)
		}
		for range 3 { // seen, kept, then answered by the memo
			got, _ := mt.Match(nil, ev)
			if slices.Sort(got); !slices.Equal(got, want) {
				t.Fatalf("round %d: got %v, want %v", i, got, want)
			}
		}
		if i == 2 {
			// The next snapshot wraps the generation to 1: entries of an
			// old generation 1 must be gone.
			for k := range mt.dmemo.table {
				if mt.dmemo.table[k].n != 0 {
					mt.dmemo.table[k].gen = 1
				}
			}
			mt.dmemo.gen = 1<<16 - 1
		}
		id := ID(fmt.Sprint(i + 2))
		addPattern(t, m, id, `{"b":["y"]}`)
		want = append(want, id)
	}
	if mt.dmemo.hits != 6 {
		t.Errorf("%d hits, want 6", mt.dmemo.hits)
	}
}

// BenchmarkMemoNewSets is the memo's worst case: a small machine whose
// events fire four predicates in combinations that never repeat, so that
// every lookup misses. Compare memo=on with memo=off.
func BenchmarkMemoNewSets(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	m := New(Config{})
	for i := 0; i < 900; i++ {
		src := fmt.Sprintf(`{"a":["v%d"],"b":["v%d"],"c":["v%d"],"d":["v%d"]}`, r.Intn(100), r.Intn(100), r.Intn(100), r.Intn(100))
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Add(ID(fmt.Sprint(i)), p); err != nil {
			b.Fatal(err)
		}
	}
	evs := make([][]byte, 1<<16)
	for i := range evs {
		evs[i] = fmt.Appendf(nil, `{"id":"%d","a":"v%d","b":"v%d","c":"v%d","d":"v%d"}`, i, r.Intn(100), r.Intn(100), r.Intn(100), r.Intn(100))
	}
	defer func(on bool) { memoOn = on }(memoOn)
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("memo=%v", on), func(b *testing.B) {
			memoOn = on
			mt := m.NewMatcher()
			var dst []ID
			for i := 0; i < b.N; i++ {
				dst, _ = mt.MatchTrusted(dst, evs[i&(len(evs)-1)])
			}
		})
	}
}

// TestMemoMaskAfterDelete: a machine whose predicate ids went past 64 and
// came back below (patterns added and deleted again, as the bench's single
// Adds do) keys its memo by the fired mask again, and a live id at or
// above 64 turns the mask keys off; the answers are right either way.
func TestMemoMaskAfterDelete(t *testing.T) {
	if !memoOn {
		t.Skip("the memo is off")
	}
	defer func(f int32) { memoFewest = f }(memoFewest)
	memoFewest = 1
	m := compileAll(t, compiler.EventBridge, `{"a":["x"],"b":["y"]}`, `{"a":["x"]}`, `{"b":["y"]}`)
	ev := []byte(`{"a":"x","b":"y"}`)
	want := []ID{"0", "1", "2"}
	check := func(exact bool, want []ID) {
		t.Helper()
		mt := m.NewMatcher()
		for range 3 {
			got, err := mt.Match(nil, ev)
			if slices.Sort(got); err != nil || !slices.Equal(got, want) {
				t.Fatalf("Match: got %v, %v; want %v", got, err, want)
			}
			got, _ = mt.MatchTrusted(nil, ev)
			if slices.Sort(got); !slices.Equal(got, want) {
				t.Fatalf("MatchTrusted: got %v; want %v", got, want)
			}
		}
		if mt.dmemo == nil || mt.dmemo.hits == 0 {
			t.Fatal("the memo answered nothing")
		}
		if mt.dmemo.exact != exact {
			t.Fatalf("mask keys %v, want %v (predicate ids below %d, %d held at or above 64)",
				mt.dmemo.exact, exact, m.snap.Load().predCap, m.snap.Load().predWide)
		}
	}
	check(true, want)
	for i := range 80 {
		addPattern(t, m, ID(fmt.Sprint("extra-", i)), fmt.Sprintf(`{"c":["v%d"]}`, i))
	}
	check(false, want)
	addPattern(t, m, "3", `{"a":["x"],"b":["y"]}`) // no new predicate
	for i := range 80 {
		m.Delete(ID(fmt.Sprint("extra-", i)))
	}
	if s := m.snap.Load(); s.predCap <= 64 || s.predWide != 0 {
		t.Fatalf("predCap %d, predWide %d: the test needs ids given out past 64 and none held there", s.predCap, s.predWide)
	}
	check(true, []ID{"0", "1", "2", "3"})
	m.Delete("3")
	m.Delete("2")
	addPattern(t, m, "4", `{"d":["w"],"b":["y"]}`) // one new predicate: a freed id
	check(m.snap.Load().predWide == 0, []ID{"0", "1"})
}

// TestMemoArenaBounded: a stream whose common sets keep being pushed out
// of their pairs by sets seen once fills the arenas with ids no entry
// holds; the memo starts over in the memory it has instead of growing
// them, so that after a first stretch matching allocates nothing, and
// its answers stay those of a Matcher without the memo.
func TestMemoArenaBounded(t *testing.T) {
	if !memoOn {
		t.Skip("the memo is off")
	}
	r := rand.New(rand.NewSource(7))
	m := New(Config{})
	fields := []string{"a", "b", "c", "d"}
	for i := 0; i < 600; i++ { // 80 predicates: keys by hash
		f := r.Perm(4)
		src := fmt.Sprintf(`{%q:["v%d"],%q:["v%d"]}`, fields[f[0]], r.Intn(20), fields[f[1]], r.Intn(20))
		addPattern(t, m, ID(fmt.Sprint(i)), src)
	}
	event := func(a, b, c, d int) []byte {
		return fmt.Appendf(nil, `{"a":"v%d","b":"v%d","c":"v%d","d":"v%d"}`, a%20, b%20, c%20, d%20)
	}
	var common [][]byte
	for range 300 {
		common = append(common, event(r.Intn(40), r.Intn(40), r.Intn(40), r.Intn(40)))
	}
	evs := make([][]byte, 1<<14)
	for i := range evs {
		if r.Intn(3) == 0 { // a set most likely seen once
			evs[i] = event(r.Intn(40), r.Intn(40), r.Intn(40), r.Intn(40))
		} else {
			evs[i] = common[r.Intn(len(common))]
		}
	}
	mt, plain := m.NewMatcher(), m.NewMatcher()
	var dst, want []ID
	pass := func(check bool) {
		for _, ev := range evs {
			dst, _ = mt.MatchTrusted(dst[:0], ev)
			if !check {
				continue
			}
			memoOn = false
			want, _ = plain.MatchTrusted(want[:0], ev)
			memoOn = true
			if !slices.Equal(dst, want) {
				t.Fatalf("%s: got %v, without the memo %v", ev, dst, want)
			}
		}
	}
	defer func() { memoOn = true }()
	for range 4 {
		pass(true)
	}
	d := mt.dmemo
	if d.exact {
		t.Fatal("the memo keys by mask: the test needs more predicates")
	}
	if allocs := testing.AllocsPerRun(3, func() { pass(false) }); allocs != 0 {
		t.Errorf("%v allocations a pass over %d events", allocs, len(evs))
	}
	if d.resets < 2 { // the first: the snapshot's
		t.Errorf("the memo started over %d times: the arenas were not full", d.resets)
	}
	if d.hits == 0 {
		t.Error("the memo answered nothing")
	}
	preds, ids := d.held()
	t.Logf("resets %d, hits %d, arenas: fired ids %d of %d (held %d), pattern ids %d of %d (held %d)",
		d.resets, d.hits, len(d.preds), cap(d.preds), preds, len(d.ids), cap(d.ids), ids)
}
