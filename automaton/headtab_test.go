package automaton

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// headKeys are exact values with written forms and raw text over 0x7F,
// some the prefix of another, some of them short.
var headKeys = []string{"Zürich", "Zürich Nord", "東京", "Malmö", `José "Pepe" Núñez`, `C:\Users\François`, "Ελένη Παπαδοπούλου", "a/b", "Straße 1/2", "plain"}

func headPatterns() []string {
	var ps []string
	for i, k := range headKeys {
		b, _ := json.Marshal(k)
		ps = append(ps, fmt.Sprintf(`{"c":[%s]}`, b))
		if i%3 == 0 {
			ps = append(ps, fmt.Sprintf(`{"c":[%s,"plain"],"s":["x"]}`, b))
		}
	}
	return ps
}

// TestHeadTab: a path of exact values with non-ASCII keys or written
// forms gets a heads index, which finds each form followed by a quote,
// and nothing that is only a form's start or runs on past it.
func TestHeadTab(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, headPatterns()...)
	pm := pathOf(t, m, "c")
	tab := pm.leafTab()
	if tab == nil || tab.heads.slots == nil {
		t.Fatalf("c: table %v, want one with a heads index", tab)
	}
	for _, k := range headKeys {
		forms := escForms(nil, k)
		if !asciiKey(k) && !needsQuote(k) {
			forms = append(forms, k)
		}
		for _, f := range forms {
			for _, tail := range []string{`"`, `",`, `"}          `, `x"`, `\"`} {
				d := []byte(f + tail + "        ")
				s, n := tab.heads.find(d, 0)
				want := tail[0] == '"'
				if (s != nil) != want || (want && (n != len(f) || s.keyString() != k && tab.esc.find([]byte(f)) != s)) {
					t.Errorf("%q + %q: found %v (%d), want %v", f, tail, s != nil, n, want)
				}
			}
			if len(f) > 1 {
				d := []byte(f[:len(f)-1] + `"        `)
				if s, _ := tab.heads.find(d, 0); s != nil {
					t.Errorf("%q cut short: found %q", f, s.keyString())
				}
			}
		}
	}
	// The index follows writes: a key added one by one is found by its
	// first word; a key deleted matches nothing, on either path.
	addPattern(t, m, "new", `{"c":["Göteborg"]}`)
	mt := m.NewMatcher()
	for _, ev := range []string{`{"c":"Göteborg"}`, `{"c":"G\u00f6teborg"}`} {
		if got, _ := mt.MatchTrusted(nil, []byte(ev)); len(got) != 1 || got[0] != "new" {
			t.Errorf("%s: MatchTrusted %v, want [new]", ev, got)
		}
	}
	if tab := pathOf(t, m, "c").leafTab(); tab == nil || tab.heads.slots == nil {
		t.Fatalf("c after an Add: table %v, want one with a heads index", tab)
	}
	m.Delete("new")
	mt = m.NewMatcher()
	for _, ev := range []string{`{"c":"Göteborg"}`, `{"c":"G\u00f6teborg"}`} {
		checkTrustedAnswer(t, mt, []byte(ev))
		if got, _ := mt.MatchTrusted(nil, []byte(ev)); len(got) != 0 {
			t.Errorf("%s after Delete: MatchTrusted %v, want none", ev, got)
		}
	}
	// An ASCII path without written forms has none.
	m2 := compileAll(t, compiler.EventBridge, `{"c":["abc","def"]}`)
	if tab := pathOf(t, m2, "c").leafTab(); tab == nil || tab.heads.slots != nil {
		t.Errorf("ascii: table %v, want one without a heads index", tab)
	}
}

func FuzzTrustedHeads(f *testing.F) {
	mt := compileAll(f, compiler.EventBridge, headPatterns()...).NewMatcher()
	f.Add([]byte(`{"c":"Z\u00fcrich","s":"x"}`))
	f.Add([]byte(`{"c":"Zürich Nord"}`))
	f.Add([]byte(`{"c":"Jos\u00e9 \"Pepe\" N\u00fa\u00f1ez","s":"x"}`))
	f.Add([]byte(`{"c":"C:\\Users\\Fran\u00e7ois"}`))
	f.Add([]byte(`{"c":"\u6771\u4eac"}`))
	f.Add([]byte(`{"c":["Malmö","a\/b"],"c":"Straße 1\/2"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkTrustedAnswer(t, mt, data)
	})
}
