package automaton

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestDeadMemberSkipped shows that MatchTrusted skips a dead member
// unread, and only then: the member holds arrays nested deeper than the
// machine's MaxDepth, an error wherever the member is read (Match always
// reads it) and none where it is only found the end of. (Such an event
// is outside the trusted contract; it is how a test tells a skip from a
// read.) The entry's guard follows the writes: an unguarded rule below
// the member keeps it alive until it is deleted, and deleting the
// guarded rules leaves no guard.
func TestDeadMemberSkipped(t *testing.T) {
	const guarded = `{"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`
	const unguarded = `{"detail":{"requestParameters":{"instancesSet":{"items":{"instanceType":[{"prefix":"t3"}]}}}}}`
	// Read, the items are an error: arrays nested deeper than MaxDepth
	// on the way to instanceType.
	deep := `{"instancesSet":{"items":` + strings.Repeat("[", 12) + strings.Repeat("]", 12) + `}}`
	events := map[string]struct {
		ev      string
		skipped bool // with the guarded rule alone
	}{
		"other API first":  {`{"detail":{"eventName":"CreateTags","requestParameters":` + deep + `}}`, true},
		"guard holds":      {`{"detail":{"eventName":"RunInstances","requestParameters":` + deep + `}}`, false},
		"API after":        {`{"detail":{"requestParameters":` + deep + `,"eventName":"CreateTags"}}`, false},
		"no API":           {`{"detail":{"requestParameters":` + deep + `}}`, false},
		"API escaped":      {`{"detail":{"eventName":"Create\u0054ags","requestParameters":` + deep + `}}`, false},
		"API in an array":  {`{"detail":{"eventName":["CreateTags"],"requestParameters":` + deep + `}}`, false},
		"member an array":  {`{"detail":{"eventName":"CreateTags","requestParameters":[` + deep + `]}}`, true},
		"detail in arrays": {`{"detail":[{"eventName":"CreateTags","requestParameters":` + deep + `}]}`, false},
	}
	m := New(Config{MaxDepth: 8})
	add := func(id ID, src string) { t.Helper(); addPattern(t, m, id, src) }
	check := func(stage string, skips bool) {
		t.Helper()
		if g := m.snap.Load().sub[inputEvent].index["detail.requestParameters"].guard; (g != nil) != skips {
			t.Errorf("%s: the member's guard is %+v", stage, g)
		}
		mt := m.NewMatcher()
		for name, c := range events {
			if _, err := mt.Match(nil, []byte(c.ev)); err == nil {
				t.Errorf("%s, %s: Match read past MaxDepth without an error", stage, name)
			}
			_, err := mt.MatchTrusted(nil, []byte(c.ev))
			if want := c.skipped && skips; (err == nil) != want {
				t.Errorf("%s, %s: MatchTrusted error %v, want the member skipped: %v", stage, name, err, want)
			}
		}
	}
	add("g", guarded)
	check("guarded rule", true)
	// The guarded rule's own instance type alone: a clause of predicates
	// the machine has, so the write copies no path matcher, and the
	// entry's new guard reaches its scope by setGuards alone.
	add("s", `{"detail":{"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`)
	check("its predicate alone", false)
	m.Delete("s")
	check("that rule deleted", true)
	add("u", unguarded)
	check("with an unguarded rule", false)
	m.Delete("u")
	check("unguarded rule deleted", true)
	add("g2", `{"source":["aws.ec2"],"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":["m5.large"]}}}}}`)
	check("a second guarded rule", true)
	m.Delete("g")
	check("one guarded rule deleted", true)
	m.Delete("g2")
	add("u", unguarded)
	check("an unguarded rule alone", false)
}

// TestDeadMemberGuardsAtTwoPaths: the rules below a member guarded at two
// paths (one by its source, one by its detail-type) make it dead only
// once both paths have had their leaves: a guard whose leaf comes after
// the member may still hold. (Skipped with one path seen, the event
// whose detail-type follows its detail loses its rule.)
func TestDeadMemberGuardsAtTwoPaths(t *testing.T) {
	m := New(Config{MaxDepth: 8})
	addPattern(t, m, "a", `{"source":["aws.ec2"],"detail":{"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`)
	addPattern(t, m, "b", `{"detail-type":["RunInstances call"],"detail":{"requestParameters":{"instancesSet":{"items":{"instanceType":["m5.large"]}}}}}`)
	g := m.snap.Load().sub[inputEvent].index["detail.requestParameters"].guard
	if g == nil || g.n != 2 || g.npath != 2 {
		t.Fatalf("the member's guard is %+v, want two guards at two paths", g)
	}
	deep := `{"instancesSet":{"items":` + strings.Repeat("[", 12) + strings.Repeat("]", 12) + `}}`
	mt := m.NewMatcher()
	for name, c := range map[string]struct {
		ev      string
		skipped bool
	}{
		"both seen, neither holds": {`{"source":"aws.s3","detail-type":"Other","detail":{"requestParameters":` + deep + `}}`, true},
		"detail-type after":        {`{"source":"aws.s3","detail":{"requestParameters":` + deep + `},"detail-type":"Other"}`, false},
		"source after":             {`{"detail-type":"Other","detail":{"requestParameters":` + deep + `},"source":"aws.s3"}`, false},
		"the second holds":         {`{"source":"aws.s3","detail-type":"RunInstances call","detail":{"requestParameters":` + deep + `}}`, false},
	} {
		if _, err := mt.MatchTrusted(nil, []byte(c.ev)); (err == nil) != c.skipped {
			t.Errorf("%s: MatchTrusted error %v, want the member skipped: %v", name, err, c.skipped)
		}
	}
	ev := `{"source":"aws.s3","detail":{"requestParameters":{"instancesSet":{"items":{"instanceType":"m5.large"}}}},"detail-type":"RunInstances call"}`
	for _, trusted := range []bool{false, true} {
		if got, err := matchPath(mt, trusted, ev); err != nil || !slices.Equal(got, []ID{"b"}) {
			t.Errorf("trusted %v: %v, %v; want [b]", trusted, got, err)
		}
	}
}

// FuzzDeadSubtree: on machines of the dead-subtree tests' guarded rules,
// one each (two or more together have more guards than an entry keeps),
// and all the rules together, MatchTrusted answers every event that
// meets the trusted contract as Match does, whatever it skips.
func FuzzDeadSubtree(f *testing.F) {
	var mts []*Matcher
	skipping := 0
	for _, src := range dsGuarded {
		m := compileAll(f, compiler.EventBridge, src)
		for _, e := range m.snap.Load().sub[inputEvent].index {
			if e.guard != nil {
				skipping++
				break
			}
		}
		mts = append(mts, m.NewMatcher())
	}
	if skipping < len(dsGuarded)/2 {
		f.Fatalf("%d of %d machines have a guarded member", skipping, len(dsGuarded))
	}
	mts = append(mts, compileAll(f, compiler.EventBridge, dsAllRules()...).NewMatcher())
	for _, ev := range dsEvents {
		f.Add([]byte(ev))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mt := range mts {
			checkTrustedAnswer(t, mt, data)
		}
	})
}

// TestDeadMemberConcurrentWrites matches on the trusted path while a
// writer adds and deletes rules that give the member a guard and take it
// away (run it with -race): the fixed guarded rule keeps its verdicts on
// an event of its API and one of another, whatever the snapshot.
func TestDeadMemberConcurrentWrites(t *testing.T) {
	m := compileAll(t, compiler.EventBridge,
		`{"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`)
	run := []byte(`{"detail":{"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`)
	other := []byte(`{"detail":{"eventName":"CreateTags","requestParameters":{"instancesSet":{"items":[{"instanceType":"t3.micro"}]}}}}`)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mt := m.NewMatcher()
			for {
				select {
				case <-stop:
					return
				default:
				}
				a, err := mt.MatchTrusted(nil, run)
				b, err2 := mt.MatchTrusted(nil, other)
				if err != nil || err2 != nil || !slices.Contains(a, "0") || slices.Contains(b, "0") {
					t.Errorf("fixed rule: %v %v on its API, %v %v on another", a, err, b, err2)
					return
				}
			}
		}()
	}
	rules := []string{
		`{"detail":{"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`,
		`{"source":["aws.ec2"],"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":["m5.large"]}}}}}`,
		`{"detail":{"eventName":["CreateTags"],"requestParameters":{"instancesSet":{"items":{"instanceType":[{"prefix":"t3"}]}}}}}`,
	}
	for i := range 300 {
		id := ID(fmt.Sprint("w", i%len(rules)))
		if i%2 == 1 {
			m.Delete(id)
		} else {
			addPattern(t, m, id, rules[i%len(rules)])
		}
	}
	close(stop)
	wg.Wait()
}

// TestDeadMemberTurnsDeep: a member whose clauses had a guard while it
// was shallow gets it once a new path makes it deep, without the guard
// counts changing, and its guard's path marks its leaf: the member is
// skipped (indexGuards flags the guard paths of every guard it sets).
func TestDeadMemberTurnsDeep(t *testing.T) {
	m := New(Config{MaxDepth: 8})
	addPattern(t, m, "a", `{"detail":{"eventName":["RunInstances"],"requestParameters":{"clientToken":["x"]}}}`)
	if g := m.snap.Load().sub[inputEvent].index["detail.requestParameters"].guard; g != nil {
		t.Fatalf("a shallow member has a guard: %+v", g)
	}
	addPattern(t, m, "b", `{"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`)
	deep := `{"instancesSet":{"items":` + strings.Repeat("[", 12) + strings.Repeat("]", 12) + `}}`
	mt := m.NewMatcher()
	if _, err := mt.MatchTrusted(nil, []byte(`{"detail":{"eventName":"CreateTags","requestParameters":`+deep+`}}`)); err != nil {
		t.Errorf("the member, dead and deep now, was read: %v", err)
	}
	if _, err := mt.MatchTrusted(nil, []byte(`{"detail":{"eventName":"RunInstances","requestParameters":`+deep+`}}`)); err == nil {
		t.Error("the member, alive, was skipped")
	}
}

// TestDeadMemberGuardWithoutReindex: a guard first set by a write that
// rebuilds no index (the rules' paths all stay) flags its path there
// (setGuards), so that the path's leaf is marked and the member skipped.
func TestDeadMemberGuardWithoutReindex(t *testing.T) {
	m := New(Config{MaxDepth: 8})
	addPattern(t, m, "name", `{"detail":{"eventName":["RunInstances"]}}`)
	addPattern(t, m, "type", `{"detail":{"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`)
	// Both together, of predicates the machine has: no new path.
	addPattern(t, m, "both", `{"detail":{"eventName":["RunInstances"],"requestParameters":{"instancesSet":{"items":{"instanceType":["t3.micro"]}}}}}`)
	m.Delete("type") // the unguarded rule goes; its path stays, named by "both"
	if g := m.snap.Load().sub[inputEvent].index["detail.requestParameters"].guard; g == nil {
		t.Fatal("the member has no guard once the unguarded rule is deleted")
	}
	deep := `{"instancesSet":{"items":` + strings.Repeat("[", 12) + strings.Repeat("]", 12) + `}}`
	if _, err := m.NewMatcher().MatchTrusted(nil, []byte(`{"detail":{"eventName":"CreateTags","requestParameters":`+deep+`}}`)); err != nil {
		t.Errorf("the dead member was read: %v", err)
	}
}
