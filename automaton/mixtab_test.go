package automaton

import (
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestMixTab: a path of exact values and a few prefixes gets a mixed
// table, which answers as the walk did on both paths (Explain), through
// writes that take it past mixPfxMax prefixes and back.
func TestMixTab(t *testing.T) {
	m := New(Config{})
	live := map[ID]*compiler.Pattern{}
	add := func(id ID, src string) { live[id] = addPattern(t, m, id, src) }
	add("e1", `{"source":["aws.ec2","aws.s3"]}`)
	add("e2", `{"source":["com.example.orders","aws."]}`)
	add("e3", `{"source":["São Paulo","a\"q\\b"]}`)
	add("p1", `{"source":[{"prefix":"aws."}]}`)
	add("p2", `{"source":[{"prefix":"São"},"x"]}`)
	add("p3", `{"source":[{"prefix":"aws.ec2"}]}`)
	add("p4", `{"source":[{"prefix":""}],"t":["1"]}`)
	add("p5", `{"source":[{"prefix":"a\"q"}]}`)
	events := []string{
		`{"source":"aws.ec2","t":"1"}`, `{"source":"aws.","t":"2"}`, `{"source":"aws"}`, `{"source":""}`,
		`{"source":"aws.s3x"}`, `{"source":"aws.ec2.more"}`, `{"source":"com.example.orders"}`,
		`{"source":"S\u00e3o Paulo","t":"1"}`, `{"source":"São Paulo"}`, `{"source":"São"}`, `{"source":"Sa\u0303o"}`,
		`{"source":"a\"q\\b"}`, `{"source":"a\u0022q\u005cb"}`, `{"source":"a\"q"}`, `{"source":"\u0061ws.ec2"}`,
		`{"source":"x"}`,
	}
	mixed := func(want bool, stage string) {
		t.Helper()
		tab := pathOf(t, m, "source").affixTab
		if got := tab != nil && tab.pfx != nil; got != want {
			t.Fatalf("%s: mixed table %v, want %v", stage, got, want)
		}
		checkEvents(t, m, live, events, stage)
	}
	mixed(true, "built")
	for i := range 4 {
		add(ID(fmt.Sprint("q", i)), fmt.Sprintf(`{"source":[{"prefix":"aws.e%d"}]}`, i))
	}
	mixed(false, "past the limit")
	for i := range 4 {
		if !m.Delete(ID(fmt.Sprint("q", i))) {
			t.Fatal("not deleted")
		}
		delete(live, ID(fmt.Sprint("q", i)))
	}
	mixed(true, "back under it")
	add("e4", `{"source":["aws.ec2","aws.lambda"]}`)
	mixed(true, "an exact value added")
	for _, id := range []ID{"p1", "p2", "p3", "p4", "p5"} {
		m.Delete(id)
		delete(live, id)
	}
	if tab := pathOf(t, m, "source"); tab.affixTab != nil || tab.strTab == nil {
		t.Errorf("no prefixes left: want the exact table alone")
	}
	checkEvents(t, m, live, events, "exact only")
}
