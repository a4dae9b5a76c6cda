package automaton

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/internal/patterngen"
)

// rulePool compiles n distinct random EventBridge patterns of seed.
func rulePool(t testing.TB, seed int64, n int) (*patterngen.Gen, []*compiler.Pattern) {
	g := patterngen.New(seed)
	var pool []*compiler.Pattern
	for len(pool) < n {
		if p, err := compiler.Compile([]byte(g.Pattern()), compiler.EventBridge, nil); err == nil {
			pool = append(pool, p)
		}
	}
	return g, pool
}

// TestRulesAgreeWithExplain puts, replaces and deletes patterns one at a
// time, past several replans, and checks every live pattern against
// Explain on random events after each batch of writes.
func TestRulesAgreeWithExplain(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		g, pool := rulePool(t, seed, 40)
		r := NewRules(Config{})
		live := map[ID]*compiler.Pattern{}
		machines := map[*Machine]bool{r.Machine(): true}
		// Load a first set at once, then write one at a time.
		var ids []ID
		var ps []*compiler.Pattern
		for i := 0; i < 150; i++ {
			id := ID(fmt.Sprint("r", i))
			ids, ps = append(ids, id), append(ps, pool[g.R.Intn(len(pool))])
			live[id] = ps[i]
		}
		if err := r.Load(ids, ps); err != nil {
			t.Fatal(err)
		}
		for round := 0; round < 40; round++ {
			for k := 0; k < 10; k++ {
				id := ID(fmt.Sprint("r", g.R.Intn(220)))
				if g.R.Intn(3) == 0 {
					_, was := live[id]
					if got := r.Delete(id); got != was {
						t.Fatalf("Delete(%s) = %v, want %v", id, got, was)
					}
					delete(live, id)
					continue
				}
				p := pool[g.R.Intn(len(pool))]
				if err := r.Put(id, p); err != nil {
					t.Fatal(err)
				}
				live[id] = p
			}
			if r.Len() != len(live) {
				t.Fatalf("Len %d, want %d", r.Len(), len(live))
			}
			m := r.Machine()
			machines[m] = true
			for e := 0; e < 10; e++ {
				ev := []byte(g.Event())
				for _, trusted := range []bool{false, true} {
					match := m.Match
					if trusted {
						match = m.MatchTrusted
					}
					dst, err := match(ev)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := agreeLive(live, dst, ev); err != nil {
						t.Fatalf("seed %d round %d trusted %v: %v", seed, round, trusted, err)
					}
				}
			}
		}
		// 400 writes into 150-220 patterns: a replan every 19-28 writes.
		if len(machines) < 10 {
			t.Fatalf("seed %d: %d machines over 400 writes: the set was not replanned", seed, len(machines))
		}
	}
}

// TestRulesSmallSetKeepsItsMachine: a set of planMin patterns or fewer is
// never replanned.
func TestRulesSmallSetKeepsItsMachine(t *testing.T) {
	_, pool := rulePool(t, 4, planMin)
	r := NewRules(Config{})
	m := r.Machine()
	for round := 0; round < 3; round++ {
		for i, p := range pool {
			if err := r.Put(ID(fmt.Sprint(i)), p); err != nil {
				t.Fatal(err)
			}
		}
	}
	if r.Machine() != m {
		t.Fatal("a set of planMin patterns was replanned")
	}
}

// TestRulesFailedWriteKeepsTheSet: a Put or a Load that the machine
// refuses changes nothing.
func TestRulesFailedWriteKeepsTheSet(t *testing.T) {
	_, pool := rulePool(t, 5, 3)
	r := NewRules(Config{})
	if err := r.Load([]ID{"a", "b"}, pool[:2]); err != nil {
		t.Fatal(err)
	}
	m := r.Machine()
	empty := &compiler.Pattern{Dialect: compiler.EventBridge}
	if err := r.Put("c", empty); err == nil {
		t.Fatal("Put of a pattern without clauses: no error")
	}
	if err := r.Load([]ID{"a", "c"}, []*compiler.Pattern{pool[0], empty}); err == nil {
		t.Fatal("Load of a pattern without clauses: no error")
	}
	if err := r.Load([]ID{"a"}, pool); err == nil {
		t.Fatal("Load of 1 id and 3 patterns: no error")
	}
	if r.Len() != 2 || r.Machine() != m {
		t.Fatalf("after failed writes: %d patterns, machine changed %v", r.Len(), r.Machine() != m)
	}
	if r.Delete("c") {
		t.Fatal("Delete of a pattern never added reported true")
	}
}

// TestRulesMatchWhileWriting matches from several goroutines while
// patterns are put and deleted past replans: a pattern that stays in the
// set is matched every time (every machine Machine returns holds it).
func TestRulesMatchWhileWriting(t *testing.T) {
	stay, err := compiler.Compile([]byte(`{"source":["stay"]}`), compiler.EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, pool := rulePool(t, 6, 30)
	r := NewRules(Config{})
	if err := r.Put("stay", stay); err != nil {
		t.Fatal(err)
	}
	var done atomic.Bool
	var wg sync.WaitGroup
	var matched atomic.Int64
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := []byte(`{"source":"stay","detail":{}}`)
			for !done.Load() {
				ids, err := r.Machine().MatchTrusted(ev)
				if err != nil || !slices.Contains(ids, "stay") {
					errs <- fmt.Errorf("matched %v, %v", ids, err)
					return
				}
				matched.Add(1)
			}
		}()
	}
	for i := 0; i < 600; i++ {
		id := ID(fmt.Sprint(g.R.Intn(150)))
		if i%4 == 3 {
			r.Delete(id)
		} else if err := r.Put(id, pool[g.R.Intn(len(pool))]); err != nil {
			t.Fatal(err)
		}
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if matched.Load() == 0 {
		t.Fatal("no match ran")
	}
}
