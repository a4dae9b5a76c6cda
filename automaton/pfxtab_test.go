package automaton

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// pfxKeys are prefixes of one path that no other starts with, with text
// every written form differs in: non-ASCII (two, three and four UTF-8
// bytes), a slash, a quote, a backslash.
var pfxKeys = []string{"Deliver to São Paulo", "Deliver to Zürich", "Deliver to Москва", "Deliver to 東京", `Deliver to a/b "q"`, "Deliver to 𝄞 x", `Deliver to C:\Users`}

// pfxPatterns: pfxKeys at p, one pattern each (ids 0 to 6), a prefix
// below another at q (7, 8) and a short prefix at r (9).
func pfxPatterns() []string {
	var ps []string
	for _, k := range pfxKeys {
		b, _ := json.Marshal(k)
		ps = append(ps, fmt.Sprintf(`{"p":[{"prefix":%s}]}`, b))
	}
	return append(ps, `{"q":[{"prefix":"Deliver to "}]}`, `{"q":[{"prefix":"Deliver to Zürich"}]}`, `{"r":[{"prefix":"short"}]}`)
}

// TestPrefixTables: the tables a path of prefixes gets.
func TestPrefixTables(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, pfxPatterns()...)
	if pm := pathOf(t, m, "p"); pm.affixTab == nil || pm.affixTab.esc == nil || pm.affixTab.count != len(pfxKeys) {
		t.Errorf("p: table %v, want one of %d keys with their written forms", pm.affixTab, len(pfxKeys))
	}
	if pm := pathOf(t, m, "q"); pm.affixTab == nil || pm.affixTab.esc != nil {
		t.Errorf("q: table %v, want one without written forms (a prefix below another)", pm.affixTab)
	}
	if pm := pathOf(t, m, "r"); pm.affixTab != nil {
		t.Errorf("r: table %v, want none (shorter than 8 bytes)", pm.affixTab)
	}
	// A write that leaves the prefixes and their predicates as they were
	// keeps the tables; one that changes them has them built anew.
	old := pathOf(t, m, "p").affixTab
	addPattern(t, m, "same", `{"p":[{"prefix":"Deliver to Zürich"}]}`)
	if pathOf(t, m, "p").affixTab != old {
		t.Errorf("p: table rebuilt for a prefix it had")
	}
	addPattern(t, m, "two", `{"p":[{"prefix":"Deliver to Zürich"},{"prefix":"Deliver to Москва"}]}`)
	if pathOf(t, m, "p").affixTab == old {
		t.Errorf("p: table kept where a key has a new predicate")
	}
	mt := m.NewMatcher()
	for _, c := range []struct {
		event string
		want  []ID
	}{
		{`{"p":"Deliver to Z\u00fcrich, ring"}`, []ID{"1", "same", "two"}},
		{`{"p":"Deliver to \u041c\u043e\u0441\u043a\u0432\u0430"}`, []ID{"2", "two"}},
	} {
		for _, trusted := range []bool{false, true} {
			got, _ := matchOn(mt, c.event, trusted)
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s (trusted %v): %v, want %v", c.event, trusted, got, c.want)
			}
		}
	}
	if !m.Delete("two") {
		t.Fatal("two not deleted")
	}
	if got, _ := mt.MatchTrusted(nil, []byte(`{"p":"Deliver to \u041c\u043e\u0441\u043a\u0432\u0430!"}`)); !slices.Equal(got, []ID{"2"}) {
		t.Errorf("after the delete: %v, want [2]", got)
	}
}

// writtenForms returns s written as JSON string bodies in several ways:
// raw, as the encoders write it, with upper-case digits, with only its
// first character escaped, with ASCII letters escaped.
func writtenForms(s string) []string {
	raw, _ := json.Marshal(s)
	forms := []string{string(raw[1 : len(raw)-1])}
	for _, f := range []uint8{escMinimal, escASCII, escASCII | escSlash} {
		forms = append(forms, string(appendEscForm(nil, s, f)))
	}
	up := appendEscForm(nil, s, escASCII)
	for i := 0; i+6 <= len(up); i++ {
		if up[i] == '\\' && up[i+1] == 'u' {
			copy(up[i+2:i+6], strings.ToUpper(string(up[i+2:i+6])))
			i += 5
		} else if up[i] == '\\' {
			i++
		}
	}
	forms = append(forms, string(up))
	var first []byte
	for i, r := range s {
		if i == 0 {
			first = fmt.Appendf(first, `\u%04x`, r)
			continue
		}
		first = appendEscForm(first, string(r), escMinimal)
	}
	forms = append(forms, string(first))
	forms = append(forms, strings.ReplaceAll(string(appendEscForm(nil, s, escMinimal)), "e", `\u0065`))
	return forms
}

// TestPrefixWrittenForms: values at paths of prefix tables, written in
// every form, with and without text after the prefix, match on both
// paths as their decoded text says.
func TestPrefixWrittenForms(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, pfxPatterns()...)
	mt := m.NewMatcher()
	var values []string
	for _, k := range append(slices.Clone(pfxKeys), "Deliver to ", "Deliver to Zürick", "Deliver to Z", "Deliver", "short", "shor", "Deliver to 東", "Deliver to Москв") {
		for _, tail := range []string{"", ",\nring twice / \"back door\" \t#12", "x", "é"} {
			values = append(values, k+tail)
		}
	}
	for _, v := range values {
		for _, w := range writtenForms(v) {
			for _, path := range []string{"p", "q", "r"} {
				ev := fmt.Sprintf(`{%q:"%s"}`, path, w)
				var want []ID
				for id, pat := range pfxPatterns() {
					if strings.Contains(pat, `{"`+path+`"`) && strings.HasPrefix(v, prefixOf(pat)) {
						want = append(want, ID(fmt.Sprint(id)))
					}
				}
				slices.Sort(want)
				for _, trusted := range []bool{false, true} {
					var got []ID
					got, err := matchOn(mt, ev, trusted)
					slices.Sort(got)
					if err != nil || !slices.Equal(got, want) {
						t.Errorf("%s (trusted %v): %v %v, want %v", ev, trusted, got, err, want)
					}
				}
			}
		}
	}
}

// prefixOf returns the prefix of a pattern of pfxPatterns.
func prefixOf(pat string) string {
	var p map[string][]map[string]string
	if err := json.Unmarshal([]byte(pat), &p); err != nil {
		panic(err)
	}
	for _, v := range p {
		return v[0]["prefix"]
	}
	return ""
}

// FuzzTrustedPrefixes is FuzzTrusted at paths of prefix tables: on input
// that meets the contract, MatchTrusted (which looks a string up as it
// is written) answers exactly as Match.
func FuzzTrustedPrefixes(f *testing.F) {
	mt := compileAll(f, compiler.EventBridge, pfxPatterns()...).NewMatcher()
	f.Add([]byte(`{"p":"Deliver to Z\u00fcrich,\nring twice \/ \"back door\"","q":"Deliver to Zürich","r":"shorter"}`))
	f.Add([]byte(`{"p":"Deliver to \u041c\u043e\u0441\u043a\u0432\u0430","q":["Deliver to \n", "Deliver to Z\u00FCrich"]}`))
	f.Add([]byte(`{"p":"Deliver to \ud834\udd1e x\n","q":{"p":"Deliver to a\/b \"q\""},"p":"Deliver to C:\\Users\\x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkTrustedAnswer(t, mt, data)
	})
}
