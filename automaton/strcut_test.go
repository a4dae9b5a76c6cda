package automaton

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// pathOf returns the path matcher of an event path of m.
func pathOf(t testing.TB, m *Machine, path string) *pathMatcher {
	t.Helper()
	e, ok := m.snap.Load().sub[inputEvent].index[path]
	if !ok || e.pm == nil {
		t.Fatalf("no path %q", path)
	}
	return e.pm
}

// TestStringCuts: a path reads a head (or a tail) one byte longer than
// its deepest key where only plain prefix, exact or suffix keys read its
// strings, and the whole string wherever anything else does.
func TestStringCuts(t *testing.T) {
	for _, c := range []struct {
		patterns   []string
		head, tail int32
	}{
		{[]string{`{"p":["abc"]}`}, 4, 0},
		{[]string{`{"p":["abc", "x"]}`, `{"p":[{"prefix":"Deliver to "}]}`}, 12, 0},
		{[]string{`{"p":[{"suffix":"lang=pt"}]}`, `{"p":[{"suffix":"=de"}]}`}, 0, 8},
		{[]string{`{"p":[{"prefix":"a"}]}`, `{"p":[{"suffix":"b"}]}`}, 0, 0},
		{[]string{`{"p":[{"wildcard":"a*b"}]}`}, 0, 0},
		{[]string{`{"p":[{"prefix":"a"}]}`, `{"p":[{"anything-but":"ab"}]}`}, 0, 0},
		{[]string{`{"p":[{"prefix":"a"}]}`, `{"p":[{"exists":true}]}`}, 0, 0},
		{[]string{`{"p":["a"]}`, `{"p":[{"equals-ignore-case":"ab"}]}`}, 0, 0},
		{[]string{`{"p":["a"]}`, `{"p":[{"cidr":"10.0.0.0/8"}]}`}, 0, 0},
		{[]string{`{"p":[{"prefix":"a"}]}`, `{"p":[{"numeric":[">",1]}]}`}, 2, 0},
	} {
		m := compileAll(t, compiler.EventBridge, c.patterns...)
		pm := pathOf(t, m, "p")
		if pm.strHead != c.head || pm.strTail != c.tail {
			t.Errorf("%v: head %d tail %d, want %d %d", c.patterns, pm.strHead, pm.strTail, c.head, c.tail)
		}
	}
	// A path of more values than cutVals is not looked at (a write's
	// cost must not grow with it).
	var many []string
	for k := 0; k <= cutVals; k++ {
		many = append(many, fmt.Sprintf(`{"p":["v%d"]}`, k))
	}
	m := compileAll(t, compiler.EventBridge, many...)
	if pm := pathOf(t, m, "p"); pm.strHead != 0 {
		t.Errorf("%d values: head %d, want 0", len(many), pm.strHead)
	}
	if !m.Delete("0") {
		t.Fatal("pattern 0 not deleted")
	}
	if pm := pathOf(t, m, "p"); pm.strHead != 4 {
		t.Errorf("%d values: head %d, want 4", len(many)-1, pm.strHead)
	}
}

// cutPatterns have paths of every kind of cut: exact values (n), a
// prefix with exact values (p), suffixes (s), and a path read whole (w).
var cutPatterns = []string{
	`{"n":["Zoë", "Jos\u00e9 \"Pepe\""]}`,
	`{"p":[{"prefix":"Deliver to Zürich"}, "Deliver to"]}`,
	`{"s":[{"suffix":"?lang=pt"}, {"suffix":"\\u00e9"}]}`,
	`{"w":[{"wildcard":"*é*\n"}]}`,
}

// TestCutStrings: values with escapes at paths with cuts, written so
// that the cut falls before, inside and after escapes, match alike on
// both paths, as they are meant to.
func TestCutStrings(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, cutPatterns...)
	mt := m.NewMatcher()
	for _, c := range []struct {
		event string
		want  []ID
	}{
		{`{"n":"Zo\u00eb"}`, []ID{"0"}},
		{`{"n":"Zo\u00eb\n"}`, nil},
		{`{"n":"Jos\u00e9 \"Pepe\""}`, []ID{"0"}},
		{`{"n":"Jos\u00e9 \"Pepe\" N\u00fa\u00f1ez and a long tail\n\n\n"}`, nil},
		{`{"p":"Deliver to Z\u00fcrich,\nring twice \/ \"back door\""}`, []ID{"1"}},
		{`{"p":"Deliver to Zürich,\nring twice \/ \"back door\""}`, []ID{"1"}},
		{`{"p":"Deliver to Z\u00fc"}`, nil},
		{`{"p":"Deliver\u0020to"}`, []ID{"1"}},
		{`{"p":"Deliver to Zürich"}`, []ID{"1"}},
		{`{"p":"Deliver to Zurich\n"}`, nil},
		// The raw text before the first backslash walked as it lies
		// (walkHead): the walk leaves the trie inside it, or goes on
		// with the decoded value from a node's seg, its end or a key.
		{`{"p":"Deliver to Zürich, ring\n"}`, []ID{"1"}},
		{`{"p":"Deliver to Zürich\n"}`, []ID{"1"}},
		{`{"p":"Deliver to Züric\u0068"}`, []ID{"1"}},
		{`{"p":"Deliver to Z\n"}`, nil},
		{`{"p":"Deliver to\n"}`, nil},
		{`{"p":"Deliver to\u0020Z\u00fcrich"}`, []ID{"1"}},
		{`{"p":"Deliver\n"}`, nil},
		{`{"p":"Delivery to Zürich\n"}`, nil},
		{`{"p":"\nDeliver to Zürich"}`, nil},
		{`{"p":["x\n", "Deliver to Zürich, ring\n"]}`, []ID{"1"}},
		{`{"s":"https:\/\/shop.example.com\/orders\/59?lang=pt"}`, []ID{"2"}},
		{`{"s":"https:\/\/shop.example.com\/orders\/59?lang=p\u0074"}`, []ID{"2"}},
		{`{"s":"https:\/\/shop.example.com\/orders\/59\u003flang=pt"}`, []ID{"2"}},
		{`{"s":"https:\/\/shop.example.com\/orders\/59?lang=de"}`, nil},
		{`{"s":"\\\\u00e9"}`, []ID{"2"}},
		{`{"s":"a\\u00e9"}`, []ID{"2"}},
		{`{"s":"a\\\u00e9"}`, nil},
		{`{"w":"x\u00e9y\n"}`, []ID{"3"}},
	} {
		for _, trusted := range []bool{false, true} {
			got, err := matchPath(mt, trusted, c.event)
			slices.Sort(got)
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("%s (trusted %v): %v %v, want %v", c.event, trusted, got, err, c.want)
			}
		}
	}
}

// FuzzTrustedCuts is FuzzTrusted on paths with cuts: on input that meets
// the contract, MatchTrusted answers exactly as Match.
func FuzzTrustedCuts(f *testing.F) {
	mt := compileAll(f, compiler.EventBridge, cutPatterns...).NewMatcher()
	f.Add([]byte(`{"p":"Deliver to Z\u00fcrich,\nring twice \/ \"back door\"","s":"x\/\u0020?lang=pt","n":"Zo\u00eb"}`))
	f.Add([]byte(`{"s":"\\\\u00e9","n":["Jos\u00e9 \"Pepe\"", "Zo\u00eb\n"],"w":"x\u00e9y\n"}`))
	f.Add([]byte(`{"p":"Deliver to Zürich, ring\n","q":{"p":"Deliver to\n"},"n":"Zoë"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkTrustedAnswer(t, mt, data)
	})
}

// plainTailBytewise is plainTail's definition: no byte of d[from:last]
// is part of an escape, reading the string body from start.
func plainTailBytewise(d []byte, start, from, last int) bool {
	for i := start; i < last; {
		n := 1
		if d[i] == '\\' {
			n = 2
			if i+1 < len(d) && d[i+1] == 'u' {
				n = 6
			}
			if i+n > from {
				return false
			}
		}
		i += n
	}
	return true
}

// FuzzDecodeTrusted holds the trusted decoder to the byte-wise one: on a
// well-formed string it decodes it whole or, with a limit, a head of at
// least the limit (stopping outside any escape), from where the trusted
// skipper reaches the string's end; plainTail never calls text in an
// escape plain. On any input it ends without panicking.
func FuzzDecodeTrusted(f *testing.F) {
	f.Add([]byte(`"Deliver to S\u00e3o Paulo,\nring twice \/ \"back door\" \t#12"`), 12)
	f.Add([]byte(`"\u041c\u043e\u0441\u043a\u0432\u0430, \ud834\udd1e \udc00\ud800\ud800x"`), 5)
	f.Add([]byte(`"https:\/\/shop.example.com\/orders\/59?lang=pt"`), 8)
	f.Add([]byte(`"a\\\\u00e9\\\u00e9"`), 3)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		if len(data) == 0 || data[0] != '"' {
			data = append([]byte{'"'}, data...)
		}
		n = max(n&63, 1)
		pre := []byte("pre")
		out, end, cut := decodeTrusted(slices.Clip(pre), data, 1, quoteOrBackslash(data, 1), len(pre)+n)
		want, wend, werr := unescapeBytewise(nil, data, 0)
		if werr != nil {
			return
		}
		if !bytes.HasPrefix(out, pre) {
			t.Fatalf("%q: decodeTrusted lost dst: %q", data, out)
		}
		out = out[len(pre):]
		if !cut {
			if end != wend || !bytes.Equal(out, want) {
				t.Fatalf("%q: decodeTrusted %q %d, want %q %d", data, out, end, want, wend)
			}
		} else if len(out) < n || !bytes.HasPrefix(want, out) || skipStringTrusted(data, end) != wend {
			t.Fatalf("%q limit %d: decodeTrusted cut %q at %d, want a head of %q ending at %d", data, n, out, end, want, wend)
		}
		if last := wend - 1; last-n >= 1 && plainTail(data, last-n, last) && !plainTailBytewise(data, 1, last-n, last) {
			t.Fatalf("%q: plainTail calls the last %d bytes plain", data, n)
		}
	})
}

// TestPlainTail: for every tail length of strings with escapes of each
// kind, plainTail answers as its definition, except that the second
// backslash of \\ may be taken for the start of an escape (false more
// often, never true wrongly).
func TestPlainTail(t *testing.T) {
	for _, s := range []string{
		`{"s":"https:\/\/shop.example.com\/orders\/59?lang=pt"}`,
		`{"s":"x\u0041?lang=pt\n\u00e9abcdefghijklmnop\"q"}`,
		`{"s":"\ud83d\ude00 and \\ then \\u0041 text"}`,
		`{"s":"plain text without an escape at all"}`,
		`{"s":"abc\u0041xyz"}`,
		`{"s":"abc\nxyz"}`,
	} {
		d := []byte(s)
		start, last := 6, len(d)-2
		for from := start; from <= last; from++ {
			got, want := plainTail(d, from, last), plainTailBytewise(d, start, from, last)
			if got && !want || !got && want && !bytes.Contains(d[max(from-6, 0):last], []byte(`\\`)) {
				t.Errorf("%s: plainTail from %d (%q) = %v, want %v", s, from, d[from:last], got, want)
			}
		}
	}
}
