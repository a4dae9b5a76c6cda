package automaton

import (
	"flag"
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/internal/conformance"
	"github.com/patternc/patternc/internal/patterngen"
)

var pairs = flag.Int("pairs", 20000, "random pattern/event pairs for TestDifferentialRandom")

// TestDifferentialConformance runs every valid conformance case through the
// automaton, each case alone and all of them in one machine, and compares
// with compiler.Explain and the expected verdict.
func TestDifferentialConformance(t *testing.T) {
	cases, err := conformance.Load("../testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	shared := New(Config{})
	type item struct {
		id    ID
		d     compiler.Dialect
		input []byte
		want  bool
	}
	var items []item
	for i, tc := range cases {
		if tc.Expect == "invalid" {
			continue
		}
		d, _ := compiler.ParseDialect(tc.Dialect, "")
		p, err := compiler.Compile(tc.Pattern, d, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.Name, err)
		}
		ex, err := compiler.Explain(p, tc.Input)
		if err != nil {
			t.Fatalf("%s: explain: %v", tc.Name, err)
		}
		want := tc.Expect == "match"
		if ex.Matched != want {
			t.Fatalf("%s: Explain says %v, expected %v", tc.Name, ex.Matched, want)
		}
		id := ID(fmt.Sprintf("%s#%d", tc.File, i))
		alone := New(Config{})
		if err := alone.Add(id, p); err != nil {
			t.Fatal(err)
		}
		got, err := matchInput(alone, d, tc.Input)
		if err != nil {
			t.Fatalf("%s: %v", tc.Name, err)
		}
		if (len(got) == 1) != want {
			t.Errorf("%s (%s): automaton says %v, want %v\npattern %s\ninput %s", tc.Name, tc.File, got, want, tc.Pattern, tc.Input)
		}
		if err := shared.Add(id, p); err != nil {
			t.Fatal(err)
		}
		items = append(items, item{id, d, tc.Input, want})
	}
	// In one machine, each input matches its own pattern exactly when
	// expected, whatever the other patterns are.
	for _, it := range items {
		got, err := matchInput(shared, it.d, it.input)
		if err != nil {
			t.Fatal(err)
		}
		has := false
		for _, id := range got {
			has = has || id == it.id
		}
		if has != it.want {
			t.Errorf("%s in the shared machine: matched=%v, want %v", it.id, has, it.want)
		}
	}
}

func matchInput(m *Machine, d compiler.Dialect, input []byte) ([]ID, error) {
	if d == compiler.EventBridge {
		return m.Match(input)
	}
	return m.MatchPublish(input)
}

// differential compiles n random patterns into one machine per dialect
// and checks events against Explain; it returns the pairs compared.
func differential(t testing.TB, seed int64, patterns, events int) (compared, matched, trustedPairs int) {
	g := patterngen.New(seed)
	for _, d := range []compiler.Dialect{compiler.EventBridge, compiler.SNSAttributes, compiler.SNSBody} {
		m := New(Config{})
		var ps []*compiler.Pattern
		var srcs []string
		for len(ps) < patterns {
			src := g.Pattern()
			p, err := compiler.Compile([]byte(src), d, nil)
			if err != nil {
				continue
			}
			if err := m.Add(ID(fmt.Sprint(len(ps))), p); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
			srcs = append(srcs, src)
		}
		mt := m.NewMatcher()
		var dst []ID
		for e := 0; e < events; e++ {
			var input string
			if d == compiler.EventBridge {
				input = g.Event()
			} else {
				input = g.Publish()
			}
			var err error
			if d == compiler.EventBridge {
				dst, err = mt.Match(dst, []byte(input))
			} else {
				dst, err = mt.MatchPublish(dst, []byte(input))
			}
			if err != nil {
				t.Fatalf("match %s: %v", input, err)
			}
			if err := mt.checkFired(); err != nil {
				t.Fatalf("match %s: %v", input, err)
			}
			got := map[ID]bool{}
			for _, id := range dst {
				if got[id] {
					t.Fatalf("id %s reported twice", id)
				}
				got[id] = true
			}
			// The trusted path on events that meet its contract (no
			// member named twice) must say exactly the same.
			var trusted map[ID]bool
			if d == compiler.EventBridge && mt.CheckTrusted([]byte(input)) == nil {
				tdst, err := mt.MatchTrusted(nil, []byte(input))
				if err != nil {
					t.Fatalf("MatchTrusted %s: %v", input, err)
				}
				if err := mt.checkFired(); err != nil {
					t.Fatalf("MatchTrusted %s: %v", input, err)
				}
				trusted = map[ID]bool{}
				for _, id := range tdst {
					trusted[id] = true
				}
				if len(tdst) != len(trusted) {
					t.Fatalf("MatchTrusted reported an id twice: %v", tdst)
				}
			}
			for i, p := range ps {
				ex, err := compiler.Explain(p, []byte(input))
				if err != nil {
					t.Fatalf("explain: %v", err)
				}
				compared++
				if ex.Matched {
					matched++
				}
				if ex.Matched != got[ID(fmt.Sprint(i))] {
					t.Fatalf("seed %d, %v: disagreement\npattern %s\ninput   %s\nExplain %v, automaton %v\n%s", seed, d, srcs[i], input, ex.Matched, !ex.Matched, strings.Join(ex.Lines, "\n"))
				}
				if trusted != nil {
					trustedPairs++
					if ex.Matched != trusted[ID(fmt.Sprint(i))] {
						t.Fatalf("seed %d, %v: MatchTrusted disagrees\npattern %s\ninput   %s\nExplain %v, MatchTrusted %v\n%s", seed, d, srcs[i], input, ex.Matched, !ex.Matched, strings.Join(ex.Lines, "\n"))
					}
				}
			}
		}
	}
	return compared, matched, trustedPairs
}

// TestDifferentialRandom compares the automaton — Match, and MatchTrusted
// on the EventBridge events that meet its contract — with Explain on random
// pattern/event pairs. `go test ./automaton -run DifferentialRandom
// -pairs=1000000` runs the full million on each path.
func TestDifferentialRandom(t *testing.T) {
	total, matches, trusted, seed := 0, 0, 0, int64(1)
	for total < *pairs || trusted < *pairs {
		c, m, tc := differential(t, seed, 40, 60)
		total, matches, trusted = total+c, matches+m, trusted+tc
		seed++
	}
	if matches == 0 || matches == total {
		t.Fatalf("the generator is degenerate: %d of %d pairs match", matches, total)
	}
	t.Logf("%d pattern/event pairs agree on Match, %d of them matches; %d on MatchTrusted (%d seeds)", total, matches, trusted, seed-1)
}

// TestDifferentialTwoPass runs the random differential with decideAll
// listing the candidates before it decides them, as it does for large
// machines, which the random machines never are.
func TestDifferentialTwoPass(t *testing.T) {
	defer func(n int) { decideInOnePass = n }(decideInOnePass)
	decideInOnePass = 0
	total := 0
	for seed := int64(1); total < *pairs/4; seed++ {
		c, _, _ := differential(t, seed, 40, 60)
		total += c
	}
}

// TestDifferentialNamedNeeds runs the random differential with anchor
// entries that name their predicates (anchorNeed), as a large machine's
// do, from the first predicate and from the tenth on (the entries made
// before are turned into names then: encodeIDs), with the candidates
// decided in one pass and in two.
func TestDifferentialNamedNeeds(t *testing.T) {
	defer func(n int, f int32) { decideInOnePass, needIDsFrom = n, f }(decideInOnePass, needIDsFrom)
	for _, from := range []int32{0, 10} {
		for _, onePass := range []int{0, 1 << 30} {
			decideInOnePass, needIDsFrom = onePass, from
			// Machines of forty patterns, and of four, whose paths more
			// often hold exact values alone (a table of keys, looked up
			// also in their written forms).
			total := 0
			for seed := int64(1); total < *pairs/8; seed++ {
				c, _, _ := differential(t, seed, 40, 60)
				total += c
			}
			for seed, total := int64(1), 0; total < *pairs; seed++ {
				c, _, _ := differential(t, seed, 4, 60)
				total += c
			}
		}
	}
}

func TestDeleteAndReplace(t *testing.T) {
	m := New(Config{})
	mustAdd := func(id, src string) {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Add(ID(id), p); err != nil {
			t.Fatal(err)
		}
	}
	ev := []byte(`{"source":"x","n":5,"ip":"10.1.2.3"}`)
	mustAdd("a", `{"source":["x"]}`)
	mustAdd("b", `{"n":[{"numeric":[">",1]}], "ip":[{"cidr":"10.0.0.0/8"}]}`)
	mustAdd("c", `{"missing":[{"exists":false}]}`)
	got, _ := m.Match(ev)
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	if fmt.Sprint(got) != "[a b c]" {
		t.Fatalf("got %v", got)
	}
	if !m.Delete("b") || m.Delete("b") {
		t.Fatal("Delete reports wrongly")
	}
	mustAdd("a", `{"source":["y"]}`) // replace
	got, _ = m.Match(ev)
	if fmt.Sprint(got) != "[c]" {
		t.Fatalf("after delete/replace got %v", got)
	}
	m.Delete("a")
	m.Delete("c")
	s := m.snap.Load()
	for i, sub := range s.sub {
		if len(sub.index) != 0 || len(m.prefixes[i]) != 0 || len(sub.always) != 0 || sub.count != 0 {
			t.Fatalf("input %d not empty after deleting everything: %+v", i, sub)
		}
	}
	if m.states != 0 {
		t.Fatalf("%d states left after deleting everything", m.states)
	}
}

// TestDifferentialChurn adds, replaces and deletes patterns drawn from a
// small pool, so identical fields and identical clauses are shared by
// several patterns and come and go, and checks every live pattern against
// Explain after each round; deleting everything must leave nothing behind.
func TestDifferentialChurn(t *testing.T) {
	for seed := int64(1); seed <= 12; seed++ {
		g := patterngen.New(seed)
		d := []compiler.Dialect{compiler.EventBridge, compiler.SNSAttributes, compiler.SNSBody}[seed%3]
		var pool []*compiler.Pattern
		var srcs []string
		for len(pool) < 12 {
			src := g.Pattern()
			if p, err := compiler.Compile([]byte(src), d, nil); err == nil {
				pool, srcs = append(pool, p), append(srcs, src)
			}
		}
		m := New(Config{})
		live := map[ID]int{} // id -> pool index
		mt := m.NewMatcher()
		var dst []ID
		for round := 0; round < 30; round++ {
			for k := 0; k < 8; k++ {
				id := ID(fmt.Sprint(g.R.Intn(20)))
				if g.R.Intn(3) == 0 {
					m.Delete(id)
					delete(live, id)
					continue
				}
				i := g.R.Intn(len(pool))
				if err := m.Add(id, pool[i]); err != nil {
					t.Fatal(err)
				}
				live[id] = i
			}
			for e := 0; e < 10; e++ {
				var input string
				var err error
				if d == compiler.EventBridge {
					input = g.Event()
					dst, err = mt.Match(dst, []byte(input))
				} else {
					input = g.Publish()
					dst, err = mt.MatchPublish(dst, []byte(input))
				}
				if err != nil {
					t.Fatal(err)
				}
				got := map[ID]bool{}
				for _, id := range dst {
					if got[id] {
						t.Fatalf("id %s reported twice", id)
					}
					if _, ok := live[id]; !ok {
						t.Fatalf("deleted pattern %s matched", id)
					}
					got[id] = true
				}
				for id, i := range live {
					ex, err := compiler.Explain(pool[i], []byte(input))
					if err != nil {
						t.Fatal(err)
					}
					if ex.Matched != got[id] {
						t.Fatalf("seed %d round %d, %v: pattern %s (%s) on %s: Explain %v, automaton %v", seed, round, d, id, srcs[i], input, ex.Matched, got[id])
					}
				}
			}
		}
		for id := range live {
			m.Delete(id)
		}
		if m.states != 0 || len(m.predKeys) != 0 || len(m.clauses) != 0 || len(m.pathIdx) != 0 || slices.ContainsFunc(m.pathRefs, func(n int32) bool { return n != 0 }) {
			t.Fatalf("seed %d: left behind %d states, %d predicates, %d clauses, %d paths (fields %v)", seed, m.states, len(m.predKeys), len(m.clauses), len(m.pathIdx), m.pathRefs)
		}
		s := m.snap.Load()
		for i, sub := range s.sub {
			if len(sub.index) != 0 || len(m.prefixes[i]) != 0 || len(sub.always) != 0 || sub.count != 0 {
				t.Fatalf("seed %d: input %d not empty", seed, i)
			}
		}
		for id := int32(0); id < s.predCap; id++ {
			if s.preds.get(id) != nil {
				t.Fatalf("seed %d: predicate %d still published", seed, id)
			}
		}
	}
}

// TestTrieChurn adds and deletes many string patterns over a tiny alphabet,
// so the radix trie keeps splitting segments and merging them back, and
// checks every live pattern against Explain as it goes.
func TestTrieChurn(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	word := func() string {
		b := make([]byte, r.Intn(7))
		for i := range b {
			b[i] = "abc"[r.Intn(3)]
		}
		return string(b)
	}
	glob := func() string { // stars anywhere: heads, tails and middles
		b := make([]byte, 1+r.Intn(7))
		for i := range b {
			b[i] = "abc**"[r.Intn(5)]
		}
		return string(b)
	}
	ops := []string{`[%q]`, `[{"prefix":%q}]`, `[{"suffix":%q}]`, `[{"anything-but":{"prefix":%q}}]`, `[{"equals-ignore-case":%q}]`,
		`[{"wildcard":%q}]`, `[{"anything-but":{"wildcard":%q}}]`}
	m := New(Config{})
	live := map[ID]*compiler.Pattern{}
	mt := m.NewMatcher()
	var dst []ID
	for step := 0; step < 3000; step++ {
		id := ID(fmt.Sprint(r.Intn(60)))
		if r.Intn(3) == 0 {
			m.Delete(id)
			delete(live, id)
		} else {
			op := r.Intn(len(ops))
			w := word()
			if op >= 5 {
				w = glob()
			}
			src := `{"k":` + fmt.Sprintf(ops[op], w) + `}`
			p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
			if err != nil {
				continue // an empty prefix or suffix
			}
			if err := m.Add(id, p); err != nil {
				t.Fatal(err)
			}
			live[id] = p
		}
		ev := []byte(`{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","k":"` + word() + `"}`)
		var err error
		if dst, err = mt.Match(dst, ev); err != nil {
			t.Fatal(err)
		}
		if _, err := agreeLive(live, dst, ev); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
	for id := range live {
		m.Delete(id)
	}
	if m.states != 0 {
		t.Fatalf("%d states left", m.states)
	}
}

// agreeLive tells whether dst, what the automaton matched of event ev, is
// what compiler.Explain says of each pattern in live, and how many match.
func agreeLive(live map[ID]*compiler.Pattern, dst []ID, ev []byte) (matched int, err error) {
	got := map[ID]bool{}
	for _, id := range dst {
		got[id] = true
	}
	for id, p := range live {
		ex, err := compiler.Explain(p, ev)
		if err != nil {
			return 0, err
		}
		if ex.Matched != got[id] {
			return 0, fmt.Errorf("pattern %s on %s: Explain %v, automaton %v", id, ev, ex.Matched, got[id])
		}
		if ex.Matched {
			matched++
		}
	}
	return matched, nil
}
