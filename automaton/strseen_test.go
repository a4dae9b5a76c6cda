package automaton

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestStrSeenFollowsWrites: after each of many random writes to one path
// of more values than its table takes (exact values added and deleted,
// one at a time or in batches, now and then a prefix), the path's filter,
// updated key by key or rebuilt, admits every key its trie holds, and
// both paths match every value ever used as the trie does.
func TestStrSeenFollowsWrites(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	m := New(Config{})
	vals := make([]string, 300)
	for i := range vals {
		vals[i] = fmt.Sprintf("o-%d", r.Intn(1_000_000))
	}
	compile := func(src string) *compiler.Pattern {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The patterns added, by id, to say what each value must match.
	live := map[ID][]string{}
	pfx := map[ID]string{}
	id := func() ID { return ID(fmt.Sprint("p", r.Intn(200))) }
	seen, updated := 0, 0
	for step := 0; step < 600; step++ {
		old := m.snap.Load().sub[inputEvent].index["v"]
		var oldWords []seenBlock // a published filter never changes
		if old.pm != nil && old.pm.strSeen != nil {
			for _, b := range old.pm.strSeen.blocks {
				oldWords = append(oldWords, *b)
			}
		}
		switch k := r.Intn(10); {
		case k < 6:
			p, a, b := id(), vals[r.Intn(len(vals))], vals[r.Intn(len(vals))]
			src := fmt.Sprintf(`{"v":[%q,%q]}`, a, b)
			delete(pfx, p)
			live[p] = []string{a, b}
			if r.Intn(40) == 0 {
				src = fmt.Sprintf(`{"v":[{"prefix":%q}]}`, a[:4])
				delete(live, p)
				pfx[p] = a[:4]
			}
			if err := m.Add(p, compile(src)); err != nil {
				t.Fatal(err)
			}
		case k < 8:
			p := id()
			m.Delete(p)
			delete(live, p)
			delete(pfx, p)
		default:
			var ids []ID
			var ps []*compiler.Pattern
			for n := r.Intn(40); n > 0; n-- {
				p, a := id(), vals[r.Intn(len(vals))]
				if slices.Contains(ids, p) {
					continue
				}
				ids = append(ids, p)
				ps = append(ps, compile(fmt.Sprintf(`{"v":[%q]}`, a)))
				delete(pfx, p)
				live[p] = []string{a}
			}
			if err := m.AddAll(ids, ps); err != nil {
				t.Fatal(err)
			}
		}
		if oldWords != nil {
			for i, b := range old.pm.strSeen.blocks {
				if *b != oldWords[i] {
					t.Fatalf("step %d: the write changed a published filter's block %d", step, i)
				}
			}
		}
		ix := m.snap.Load().sub[inputEvent].index["v"]
		if ix.pm == nil {
			continue
		}
		pm := ix.pm
		if f := pm.strSeen; f != nil {
			seen++
			if old.pm != nil && old.pm.strSeen != nil && old.pm.strSeen != f && len(old.pm.strSeen.blocks) == len(f.blocks) {
				updated++
			}
			var ks []strSlot
			if !collectExact(pm.str, nil, &ks, 1<<20, nil) {
				t.Fatalf("step %d: a filter over a trie of more than exact values", step)
			}
			for _, k := range ks {
				if !f.mayHave([]byte(k.keyString())) {
					t.Fatalf("step %d: the filter rules out key %q", step, k.keyString())
				}
			}
		}
		mt := m.NewMatcher()
		for _, v := range vals[:60] {
			var want []string
			for p, vs := range live {
				if slices.Contains(vs, v) {
					want = append(want, string(p))
				}
			}
			for p, s := range pfx {
				if len(v) >= len(s) && v[:len(s)] == s {
					want = append(want, string(p))
				}
			}
			slices.Sort(want)
			ev := []byte(fmt.Sprintf(`{"v":%q}`, v))
			for _, trusted := range []bool{false, true} {
				var got []ID
				var err error
				if trusted {
					got, err = mt.MatchTrusted(nil, ev)
				} else {
					got, err = mt.Match(nil, ev)
				}
				gs := make([]string, len(got))
				for i, g := range got {
					gs[i] = string(g)
				}
				slices.Sort(gs)
				if err != nil || !slices.Equal(gs, want) {
					t.Fatalf("step %d, %s (trusted %v): got %v %v, want %v", step, ev, trusted, gs, err, want)
				}
			}
		}
	}
	t.Logf("%d filters, %d updated", seen, updated)
	if seen < 100 || updated < 30 {
		t.Errorf("%d snapshots had a filter, %d of them updated in place: too few", seen, updated)
	}
}

// TestSeenSampler: a sample in which the filter let nearly every value
// through skips it for seenSkip values, then samples again; one in
// which it ruled enough out keeps it.
func TestSeenSampler(t *testing.T) {
	var s seenSampler
	for i := 0; i < seenSample; i++ {
		if !s.use() {
			t.Fatalf("check %d of the first sample skipped", i)
		}
		s.note(i%40 != 0) // 7 of 256 ruled out: nearly all through
	}
	for i := 0; i < seenSkip; i++ {
		if s.use() {
			t.Fatalf("check %d asked the filter while skipping", i)
		}
	}
	for i := 0; i < 3*seenSample; i++ {
		if !s.use() {
			t.Fatalf("check %d skipped after the skip", i)
		}
		s.note(i%16 != 0) // 16 of 256 ruled out: worth asking
	}
}
