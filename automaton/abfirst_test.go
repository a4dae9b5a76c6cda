package automaton

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// abFirstPatterns have the shape abFirst decides (an anchor field and one
// anything-but field), in every anything-but form, and near misses that
// must go through evaluate: the anything-but field ORed with a value, a
// third field, absence allowed, the SNS every-value rule.
var abFirstPatterns = []struct {
	src     string
	dialect compiler.Dialect
	shape   bool
}{
	{`{"k":["E"],"s":[{"anything-but":["a","b"]}]}`, compiler.EventBridge, true},
	{`{"k":["E"],"s":[{"anything-but":"a"}]}`, compiler.EventBridge, true},
	{`{"k":["E"],"s":[{"anything-but":[1,2.5]}]}`, compiler.EventBridge, true},
	{`{"k":["E"],"s":[{"anything-but":{"prefix":"ab"}}]}`, compiler.EventBridge, true},
	{`{"k":["E"],"s":[{"anything-but":{"suffix":"z"}}]}`, compiler.EventBridge, true},
	{`{"k":["E"],"s":[{"anything-but":{"equals-ignore-case":["A","Q"]}}]}`, compiler.EventBridge, true},
	{`{"k":["E"],"s":[{"anything-but":{"wildcard":"a*c"}}]}`, compiler.EventBridge, true},
	{`{"k":[{"prefix":"E"}],"s":[{"anything-but":["q"]}]}`, compiler.EventBridge, true},
	{`{"k":[7],"s":[{"anything-but":["a"]}]}`, compiler.EventBridge, true},
	{`{"k":["E"],"s":[{"anything-but":["a"]}, "a"]}`, compiler.EventBridge, false},
	{`{"k":["E"],"s":[{"anything-but":["a"]}],"t":["x"]}`, compiler.EventBridge, false},
	{`{"k":["E"],"s":[{"anything-but":["a"]}],"t":[{"exists":false}]}`, compiler.EventBridge, false},
	{`{"k":["E"],"s":[{"anything-but":["a"]},{"exists":true}]}`, compiler.EventBridge, false},
	{`{"k":["E"],"s":[{"anything-but":["a","b"]}]}`, compiler.SNSBody, true},
	// The same anchor with its anything-but at other paths: the leaves
	// of each path decide its own clauses.
	{`{"k":["E"],"t":[{"anything-but":["x"]}]}`, compiler.EventBridge, true},
	{`{"k":["E"],"u":[{"anything-but":["x"]}]}`, compiler.EventBridge, true},
	{`{"k":["E"],"s":[{"anything-but":["q"]}]}`, compiler.EventBridge, true},
}

var abFirstEvents = []string{
	`{"k":"E","s":"a"}`,
	`{"k":"E","s":"b"}`,
	`{"k":"E","s":"c"}`,
	`{"k":"E","s":"abc"}`,
	`{"k":"E","s":"xyz"}`,
	`{"k":"E","s":"q"}`,
	`{"k":"E","s":"Q"}`,
	`{"k":"E","s":1}`,
	`{"k":"E","s":2.5}`,
	`{"k":"E","s":3}`,
	`{"k":"E","s":"1"}`,
	`{"k":"E","s":null}`,
	`{"k":"E","s":true}`,
	`{"k":"E","s":""}`,
	`{"k":"E"}`,
	`{"k":"E","s":{}}`,
	`{"k":"E","s":[]}`,
	`{"k":"E","s":["a"]}`,
	`{"k":"E","s":["a","b"]}`,
	`{"k":"E","s":["a","c"]}`,
	`{"k":"E","s":["c","a"]}`,
	`{"k":"E","s":[["c"]]}`,
	`{"k":["E","F"],"s":"a"}`,
	`{"k":["E","F"],"s":"c"}`,
	`{"k":"F","s":"c"}`,
	`{"k":7,"s":"c"}`,
	`{"k":"E","s":"c","t":"x"}`,
	`{"k":"E","s":"a","t":"x"}`,
	`{"k":"E","s":"c","t":"y"}`,
	`{"s":"c"}`,
	`{"k":"E","t":"y"}`,
	`{"k":"E","u":"x","s":"c"}`,
	`{"k":"E","t":["x","y"],"u":"y"}`,
	`{"k":"E","t":"x","u":["y"]}`,
	`{"x":[{"k":"E","s":"a"},{"k":"F","s":"c"}]}`,
	`{"o":[{"k":"E","s":"a"},{"k":"E","s":"c"}]}`,
	`{"o":[{"k":"E","s":"a"},{"k":"F","s":"c"}]}`,
	`{"o":[{"k":"F","s":"a"},{"k":"E","s":"c"}]}`,
	`{"o":{"k":"E","s":"c"}}`,
	`{"o":[{"k":"E"},{"s":"c"}]}`,
	`{"o":[{"k":"F","s":"c"},{"k":"E"}]}`,
	`{"o":[{"k":"E","s":"c"},{"k":"F"}]}`,
}

// abFirstPattern returns pattern i, moved under "o" for odd variants so
// the fields lie in arrays of objects in some events.
func abFirstPattern(t *testing.T, i int, nested bool) (*compiler.Pattern, bool) {
	t.Helper()
	pp := abFirstPatterns[i]
	src := pp.src
	if nested {
		src = `{"o":` + src + `}`
	}
	p, err := compiler.Compile([]byte(src), pp.dialect, nil)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return p, pp.shape
}

// TestAbFirstAgreesWithExplain: every pattern, alone and together, at the
// top level and nested, on every event, on both paths, as patterns come
// and go (so clauses of the shape share their predicates with clauses
// that are not, and lose them again).
func TestAbFirstAgreesWithExplain(t *testing.T) {
	type live struct {
		p       *compiler.Pattern
		dialect compiler.Dialect
	}
	m := New(Config{})
	pats := map[ID]live{}
	check := func(step string) {
		t.Helper()
		mt := m.NewMatcher()
		for _, ev := range abFirstEvents {
			var want, wantSNS []ID
			for id, l := range pats {
				in := []byte(ev)
				if l.dialect != compiler.EventBridge {
					in, _ = json.Marshal(map[string]string{"Message": ev})
				}
				ex, err := compiler.ExplainMatch(l.p, in)
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case !ex.Matched:
				case l.dialect == compiler.EventBridge:
					want = append(want, id)
				default:
					wantSNS = append(wantSNS, id)
				}
			}
			slices.Sort(want)
			slices.Sort(wantSNS)
			got, err := mt.MatchMessage(nil, &compiler.Publish{Message: ev})
			if err != nil {
				t.Fatalf("%s: %s: %v", step, ev, err)
			}
			slices.Sort(got)
			if !slices.Equal(got, wantSNS) {
				t.Errorf("%s: MatchMessage(%s) = %v, want %v", step, ev, got, wantSNS)
			}
			got, err = mt.Match(nil, []byte(ev))
			if err != nil {
				t.Fatalf("%s: %s: %v", step, ev, err)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: Match(%s) = %v, want %v", step, ev, got, want)
			}
			got, err = mt.MatchTrusted(nil, []byte(ev))
			if err != nil {
				t.Fatalf("%s: %s: %v", step, ev, err)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: MatchTrusted(%s) = %v, want %v", step, ev, got, want)
			}
		}
	}
	add := func(i int, nested bool) {
		p, _ := abFirstPattern(t, i, nested)
		id := ID(fmt.Sprintf("p%d/%v", i, nested))
		if err := m.Add(id, p); err != nil {
			t.Fatal(err)
		}
		pats[id] = live{p, abFirstPatterns[i].dialect}
	}
	del := func(i int, nested bool) {
		id := ID(fmt.Sprintf("p%d/%v", i, nested))
		if !m.Delete(id) {
			t.Fatalf("delete %s", id)
		}
		delete(pats, id)
	}
	for i := range abFirstPatterns {
		add(i, false)
		check(fmt.Sprintf("add %d", i))
	}
	for i := range abFirstPatterns {
		add(i, true)
	}
	check("all nested")
	// Deleting the shaped clauses leaves their predicates to the others,
	// and the other way round.
	for i, pp := range abFirstPatterns {
		if pp.shape {
			del(i, false)
		}
	}
	check("shaped deleted")
	for i, pp := range abFirstPatterns {
		if pp.shape {
			add(i, false)
		} else {
			del(i, false)
		}
	}
	check("others deleted")
	for i := range abFirstPatterns {
		del(i, true)
	}
	check("nested deleted")
}

// TestAbFirstShape: the clauses meant to be decided by abFirst are marked
// so, the near misses are not (else the test above checks nothing new).
func TestAbFirstShape(t *testing.T) {
	for i, pp := range abFirstPatterns {
		m := New(Config{})
		p, _ := abFirstPattern(t, i, false)
		if err := m.Add("p", p); err != nil {
			t.Fatal(err)
		}
		var marked int
		for _, pw := range m.preds {
			if pw == nil {
				continue
			}
			for _, a := range pw.rec.anchors {
				if a.cl.abFirst {
					marked++
				}
			}
		}
		if want := map[bool]int{true: 1, false: 0}[pp.shape]; marked != want {
			t.Errorf("%s: %d clauses marked abFirst, want %d", pp.src, marked, want)
		}
	}
}
