package automaton

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/patternc/patternc/compiler"
)

// checkEscForms: every written form of key is a valid JSON string body
// that decodes to key, differs from key and from the other forms.
func checkEscForms(t *testing.T, key string) []string {
	t.Helper()
	forms := escForms(nil, key)
	if !needsEscForms(key) && len(forms) > 0 {
		t.Fatalf("%q needs no forms, has %q", key, forms)
	}
	for i, f := range forms {
		var got string
		if err := json.Unmarshal([]byte(`"`+f+`"`), &got); err != nil || got != key {
			t.Fatalf("form %q of %q decodes to %q, %v", f, key, got, err)
		}
		if !json.Valid([]byte(`"` + f + `"`)) {
			t.Fatalf("form %q of %q is not valid JSON", f, key)
		}
		if f == key || slices.Contains(forms[:i], f) {
			t.Fatalf("form %q of %q repeated: %q", f, key, forms)
		}
	}
	return forms
}

func TestEscForms(t *testing.T) {
	for _, tc := range []struct {
		key   string
		forms []string
	}{
		{"aws.ec2", nil},
		{"Zürich", []string{`Z\u00fcrich`}},
		{`José "Pepe"`, []string{`José \"Pepe\"`, `Jos\u00e9 \"Pepe\"`}},
		{`C:\Users/x`, []string{`C:\\Users/x`, `C:\\Users\/x`}},
		{"a/b", []string{`a\/b`}},
		{"tab\there\x01", []string{`tab\there\u0001`}},
		{"😀 東京", []string{`😀 東京`[:0] + `\ud83d\ude00 \u6771\u4eac`}},
		{"Malmö/x", []string{`Malm\u00f6/x`, `Malm\u00f6\/x`}},
	} {
		if got := checkEscForms(t, tc.key); !slices.Equal(got, tc.forms) {
			t.Errorf("%q: forms %q, want %q", tc.key, got, tc.forms)
		}
	}
}

func FuzzEscForms(f *testing.F) {
	f.Add("Zürich")
	f.Add(`C:\Users/"q"` + "\n\x7f\u2028😀")
	f.Fuzz(func(t *testing.T, key string) {
		if !utf8.ValidString(key) {
			return
		}
		checkEscForms(t, key)
	})
}

// TestEscFormsMatch: a value written in a key's escaped form, in any
// other escaped form, or raw matches the same patterns on both paths; a
// value whose decoded text is a form's text matches none of them; a
// malformed string after a form's text is still an error at the same
// offset; and the forms follow writes (a deleted key's form matches
// nothing).
func TestEscFormsMatch(t *testing.T) {
	m := New(Config{})
	add := func(id ID, src string) { t.Helper(); addPattern(t, m, id, src) }
	add("zu", `{"city":["Zürich"]}`)
	add("pair", `{"city":["Zürich","Malmö/S"]}`)
	add("q", `{"city":["say \"hi\"\\"]}`)
	add("src", `{"source":["s"],"city":["東京😀"]}`)
	mt := m.NewMatcher()
	tab := m.snap.Load().sub[inputEvent].index["city"].pm.leafTab()
	if tab == nil || tab.esc == nil {
		t.Fatal("no table of escaped forms for a path of non-ASCII keys")
	}
	match := func(ev string) (string, error) {
		t.Helper()
		got, err := mt.Match(nil, []byte(ev))
		tr, _ := mt.MatchTrusted(nil, []byte(ev))
		slices.Sort(got)
		slices.Sort(tr)
		if err == nil && !slices.Equal(got, tr) {
			t.Errorf("%s: Match %v, MatchTrusted %v", ev, got, tr)
		}
		return fmt.Sprint(got), err
	}
	for _, tc := range []struct{ ev, want string }{
		{`{"city":"Zürich"}`, "[pair zu]"},
		{`{"city":"Z\u00fcrich"}`, "[pair zu]"},
		{`{"city":"Z\u00FCrich"}`, "[pair zu]"},
		{`{"city":"\u005a\u00fcrich"}`, "[pair zu]"},
		{`{"city":"Z\\u00fcrich"}`, "[]"},
		{`{"city":"Malm\u00f6\/S"}`, "[pair]"},
		{`{"city":"Malm\u00f6/S"}`, "[pair]"},
		{`{"city":"Malmö\/S"}`, "[pair]"},
		{`{"city":"Malm\u00f6\/S","x":1}`, "[pair]"},
		{`{"city":"say \"hi\"\\"}`, "[q]"},
		{`{"city":"say \u0022hi\"\\"}`, "[q]"},
		{`{"source":"s","city":"\u6771\u4eac\ud83d\ude00"}`, "[src]"},
		{`{"source":"s","city":"東京\ud83d\ude00"}`, "[src]"},
		{`{"city":"Z\u00fcrich2"}`, "[]"},
	} {
		if got, err := match(tc.ev); err != nil || got != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.ev, got, err, tc.want)
		}
	}
	// Errors where the bytes of a form are followed by more of the
	// string, or lie in an event that is not well formed otherwise: those
	// of a path without forms.
	ref := compileAll(t, compiler.EventBridge, `{"city":["x"]}`).NewMatcher()
	for _, ev := range []string{
		`{"city":"Z\u00fcrich` + "\x01" + `"}`,
		`{"city":"Z\u00fcrich\x"}`,
		`{"city":"Z\u00fcrich"`,
		`{"city":"Z\u00fcrich" x}`,
		`{"city":"Z\u00fcrich` + "\xff" + `"}`,
		`{"city":"Z\u00fcrich\u00"}`,
		`{"city":"Z\u00fcrich}`,
		"{\"city\":\"Z\xfcrich\"}",
		"{\"city\":\"Z\xc3\xbcrich\xff\"}",
		"{\"city\":\"Z\xc3\xbcrich\xc3\"}",
		"{\"city\":\"Z\xc3\xbcrich\xc3\\u00fc\"}",
		"{\"city\":\"\xc3\\u00fcrich\"}",
	} {
		_, err := match(ev)
		_, want := ref.Match(nil, []byte(ev))
		if err == nil || want == nil || err.Error() != want.Error() {
			t.Errorf("%q: error %v, want %v", ev, err, want)
		}
	}
	m.Delete("zu")
	m.Delete("pair")
	if got, _ := match(`{"city":"Z\u00fcrich"}`); got != "[]" {
		t.Errorf("a deleted key's form matched %s", got)
	}
	add("zu2", `{"city":["Zürich"]}`)
	if got, _ := match(`{"city":"Z\u00fcrich"}`); got != "[zu2]" {
		t.Errorf("a key added again: its form matched %s", got)
	}
	// A table of more forms than escFormsMax keeps none, and still
	// matches (three forms for each key, at most strTabMax keys).
	for i := range escFormsMax/3 + 1 {
		add(ID(fmt.Sprint("many", i)), fmt.Sprintf(`{"city":["\"Ö/%d"]}`, i))
	}
	if tab := m.snap.Load().sub[inputEvent].index["city"].pm.leafTab(); tab == nil || tab.esc != nil {
		t.Errorf("table %v: want one without forms", tab)
	}
	if got, _ := match(`{"city":"\"\u00d6\/7"}`); got != "[many7]" {
		t.Errorf("without forms: %s", got)
	}
}

// TestEscFormsRawText: at a path of keys with written forms, Match looks
// a string up by its span first (tabString), the raw text among the
// keys without checking it: so a key with a control character in it
// (the table's utf8 false) must not match the same bytes written raw,
// which is no valid string; the table's other keys still match, and the
// written forms too.
func TestEscFormsRawText(t *testing.T) {
	m := New(Config{})
	addPattern(t, m, "zu", `{"city":["Zürich"]}`)
	addPattern(t, m, "tab", `{"city":["a\tb"]}`)
	if tab := m.snap.Load().sub[inputEvent].index["city"].pm.leafTab(); tab == nil || tab.esc == nil {
		t.Fatal("no table of escaped forms for a path of non-ASCII keys")
	} else if tab.utf8 {
		t.Error("utf8 set for a key with a tab")
	}
	mt := m.NewMatcher()
	for _, tc := range []struct{ ev, want string }{
		{`{"city":"Zürich"}`, "[zu]"},
		{`{"city":"Z\u00fcrich"}`, "[zu]"},
		{`{"city":"a\tb"}`, "[tab]"},
		{`{"city":"a\u0009b"}`, "[tab]"},
	} {
		got, err := mt.Match(nil, []byte(tc.ev))
		if err != nil || fmt.Sprint(got) != tc.want {
			t.Errorf("%s: %v, %v; want %s", tc.ev, got, err, tc.want)
		}
	}
	for _, ev := range []string{"{\"city\":\"a\tb\"}", "{\"city\":\"Z\xfcrich\"}"} {
		if got, err := mt.Match(nil, []byte(ev)); err == nil {
			t.Errorf("%q: %v, want an error", ev, got)
		}
	}
}

// TestEscFormsNamedNeeds: a predicate fired by a key's written form, or
// by an infix trie's plain pass mark, is marked fired as the machine's
// anchor entries test it, also where they name their predicates (a large
// machine's, fired.go), in one pass and in two.
func TestEscFormsNamedNeeds(t *testing.T) {
	defer func(n int, f int32) { decideInOnePass, needIDsFrom = n, f }(decideInOnePass, needIDsFrom)
	for _, from := range []int32{0, 1 << 30} {
		for _, onePass := range []int{0, 1 << 30} {
			decideInOnePass, needIDsFrom = onePass, from
			m := compileAll(t, compiler.EventBridge,
				`{"source":["s"],"city":["Zürich"]}`,
				`{"city":["Zürich"],"source":[{"prefix":"s"}]}`,
				`{"source":["s"],"key":[{"wildcard":"*abcd*"}]}`,
				`{"source":["t"],"key":[{"wildcard":"*wxyz*"}]}`) // two literals: a walk
			mt := m.NewMatcher()
			for _, tc := range []struct{ ev, want string }{
				{`{"source":"s","city":"Z\u00fcrich"}`, "[0 1]"},
				{`{"city":"Z\u00fcrich","source":"s"}`, "[0 1]"},
				{`{"source":"s","key":"xxabcdyy"}`, "[2]"},
				{`{"key":"xxabcdyy","source":"s"}`, "[2]"},
			} {
				for _, trusted := range []bool{false, true} {
					got, err := matchPath(mt, trusted, tc.ev)
					slices.Sort(got)
					if err != nil || fmt.Sprint(got) != tc.want {
						t.Errorf("needIDsFrom %d, onePass %d, trusted %v: %s: %v, %v; want %s", from, onePass, trusted, tc.ev, got, err, tc.want)
					}
				}
			}
		}
	}
}
