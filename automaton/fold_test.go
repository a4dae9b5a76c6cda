package automaton

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/patternc/patternc/compiler"
)

// appendFoldedBytewise is appendFolded by its definition, one rune at a
// time: the reference FuzzAppendFolded holds the word-wise one to.
func appendFoldedBytewise(dst []byte, s []byte) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRune(s[i:])
		dst = utf8.AppendRune(dst, foldRune(r))
		i += size
	}
	return dst
}

func TestAppendFolded(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"EC2 Instance State-change Notification", "ec2 instance state-change notification"},
		{"@[`{AZaz09", "@[`{azaz09"},
		{"PHOTOS/2024/A.JPG and more", "photos/2024/a.jpg and more"},
		{"zürich Straße", "zÜrich straße"}, // an orbit folds to its smallest member
		{"\u212a KELVIN", "k kelvin"},      // K folds with k
		{"ab\xffCD", "ab\uFFFDcd"},
	} {
		if got := appendFolded([]byte("x"), []byte(tc.in)); string(got) != "x"+tc.want {
			t.Errorf("appendFolded(%q) = %q, want %q", tc.in, got, "x"+tc.want)
		}
	}
}

// FuzzAppendFolded: the word-wise folder agrees with the rune-wise one on
// any bytes, onto a buffer with text and little room.
func FuzzAppendFolded(f *testing.F) {
	f.Add([]byte("EC2 Instance State-change Notification"))
	f.Add([]byte("ZÜRICH Straße \u212a ſ İSTANBUL \xff\xc3"))
	f.Add([]byte("@[`{AZaz09@[`{AZaz09"))
	f.Fuzz(func(t *testing.T, s []byte) {
		pre := make([]byte, 3, 5)
		copy(pre, "pre")
		got, ascii := foldValue(pre, s)
		if want := appendFoldedBytewise([]byte("pre"), s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %q, want %q", s, got, want)
		}
		if want := !bytes.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }); ascii != want {
			t.Fatalf("%q: foldValue says ASCII %v", s, ascii)
		}
	})
}

// TestFoldMarksASCII: fold marks skip their check for an ASCII value only
// when the pattern is ASCII too. A pattern's non-ASCII letter can fold to
// an ASCII one (the Kelvin sign to k, long s to s) and admit only some
// of its ASCII cases: both paths must still agree with Explain.
func TestFoldMarksASCII(t *testing.T) {
	pats := []string{
		`{"v":[{"equals-ignore-case":"\u212aelvin"}]}`,
		`{"v":[{"equals-ignore-case":"kelvin"}]}`,
		`{"v":[{"prefix":{"equals-ignore-case":"\u017fun"}}]}`,
		`{"v":[{"prefix":{"equals-ignore-case":"SUN"}}]}`,
		`{"v":[{"suffix":{"equals-ignore-case":"\u212a"}}]}`,
		`{"v":[{"suffix":{"equals-ignore-case":"k"}}]}`,
		`{"v":[{"anything-but":{"equals-ignore-case":["\u212aelvin"]}}]}`,
	}
	m := New(Config{})
	live := map[ID]*compiler.Pattern{}
	for i, src := range pats {
		id := ID(fmt.Sprint(i))
		live[id] = addPattern(t, m, id, src)
	}
	mt := m.NewMatcher()
	for _, v := range []string{"kelvin", "KELVIN", "Kelvin", "\u212aelvin", "sunny", "SUNNY", "\u017funny", "ok", "oK", "o\u212a", "kelvins"} {
		ev := []byte(`{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","detail":{},"v":"` + v + `"}`)
		for _, trusted := range []bool{false, true} {
			var ids []ID
			var err error
			if trusted {
				ids, err = mt.MatchTrusted(nil, ev)
			} else {
				ids, err = mt.Match(nil, ev)
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := agreeLive(live, ids, ev); err != nil {
				t.Errorf("trusted %v: %v", trusted, err)
			}
		}
	}
}

// FuzzEqualLower: the word-wise compare of a value with a folded trie
// segment, forwards and backwards (equalLower, equalLowerRev), agrees
// with folding the value, and asciiOnly with a byte test. The segment is
// the value folded, one byte changed when flip is not 0; a value that is
// not all ASCII is compared with an ASCII segment (the walks that lower
// bytes read any value where every fold pattern is ASCII), and never
// equals it.
func FuzzEqualLower(f *testing.F) {
	f.Add([]byte("EC2 Instance State-change"), uint8(0))
	f.Add([]byte("@[`{AZaz09@[`{AZaz09"), uint8(0x20))
	f.Add([]byte("PHOTOS/2024/A.JPG"), uint8(1))
	f.Add([]byte("\xc1Z\xffA"), uint8(0))
	f.Fuzz(func(t *testing.T, v []byte, flip uint8) {
		high := false
		for _, c := range v {
			high = high || c >= utf8.RuneSelf
		}
		if asciiOnly(v) == high {
			t.Fatalf("asciiOnly(%q) = %v", v, !high)
		}
		var seg []byte
		if high {
			// The value with its high bit cleared, folded: ASCII, and
			// equal to the value in every ASCII byte.
			for _, c := range v {
				seg = append(seg, c&0x7f)
			}
			seg = appendFolded(nil, seg)
		} else {
			seg = appendFolded(nil, v)
		}
		if flip != 0 && len(seg) > 0 {
			seg[int(flip)%len(seg)] ^= flip
			if high {
				seg[int(flip)%len(seg)] &= 0x7f // ASCII patterns only
			}
		}
		want := !high && bytes.Equal(appendFolded(nil, v), seg)
		if got := equalLower(v, string(seg)); got != want {
			t.Fatalf("equalLower(%q, %q) = %v, folding says %v", v, seg, got, want)
		}
		rev := append([]byte(nil), seg...)
		slices.Reverse(rev)
		if got := equalLowerRev(v, string(rev)); got != want {
			t.Fatalf("equalLowerRev(%q, %q) = %v, folding says %v", v, rev, got, want)
		}
	})
}

// TestFoldASCIIPatterns: where every fold pattern of a path is ASCII the
// lowering walks read any value, ASCII or not, and agree with Explain:
// on values whose letters fold to ASCII only by Unicode (the Kelvin sign,
// the long s), with non-ASCII bytes before, inside and after the part a
// pattern reads, and in arrays. A non-ASCII pattern added at the path
// sends non-ASCII values through folding again, and deleting it brings
// the lowering walks back.
func TestFoldASCIIPatterns(t *testing.T) {
	srcs := []string{
		`{"k":[{"equals-ignore-case":"kab"}]}`,
		`{"k":[{"equals-ignore-case":"s"}]}`,
		`{"k":[{"prefix":{"equals-ignore-case":"ab"}}]}`,
		`{"k":[{"prefix":{"equals-ignore-case":"abcdefghijk"}}]}`,
		`{"k":[{"suffix":{"equals-ignore-case":"XY"}}]}`,
		`{"k":[{"suffix":{"equals-ignore-case":"0123456789xy"}}]}`,
		`{"k":[{"anything-but":{"equals-ignore-case":["KAB","q"]}}]}`,
	}
	wide := []string{`{"k":[{"equals-ignore-case":"été"}]}`, `{"k":[{"equals-ignore-case":"ſ"}]}`}
	values := []string{"s", "kab", "KAB", "\u212aab", "\u017f", "S", "s\u00e9", "ab", "AB\u00e9", "\u00e9ab", "aB", "A",
		"abcdefghijk", "ABCDEFGHIJK\u00e9\u00e9", "ABCDEFGHIJ\u212a", "xy", "\u00e9XY", "x\u00ffy", "\u00e90123456789XY",
		"0123456789xy", "0123456789\u00e9y", "ÉTÉ", "été", "", "q", "Q\u00e9"}
	var pats []*compiler.Pattern
	for _, src := range append(srcs, wide...) {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		pats = append(pats, p)
	}
	m := New(Config{})
	for i, p := range pats[:len(srcs)] {
		if err := m.Add(ID(fmt.Sprint(i)), p); err != nil {
			t.Fatal(err)
		}
	}
	check := func(stage string, live int) {
		for _, v := range values {
			val, _ := json.Marshal(v)
			for _, k := range []string{string(val), `["zz",` + string(val) + `]`} {
				ev := []byte(`{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","k":` + k + `}`)
				got := matchSets(t, m, ev)
				for i, p := range pats[:live] {
					ex, err := compiler.Explain(p, ev)
					if err != nil {
						t.Fatal(err)
					}
					for path, set := range got {
						if set[ID(fmt.Sprint(i))] != ex.Matched {
							t.Errorf("%s, %s: pattern %d on %s: Explain %v, automaton %v", stage, path, i, ev, ex.Matched, !ex.Matched)
						}
					}
				}
			}
		}
	}
	check("ASCII patterns", len(srcs))
	for i := len(srcs); i < len(pats); i++ {
		if err := m.Add(ID(fmt.Sprint(i)), pats[i]); err != nil {
			t.Fatal(err)
		}
	}
	check("with été and ſ", len(pats))
	for i := len(srcs); i < len(pats); i++ {
		m.Delete(ID(fmt.Sprint(i)))
	}
	check("été and ſ deleted", len(srcs))
	if pm := m.snap.Load().sub[inputEvent].index["k"].pm; pm == nil || pm.foldWide != 0 {
		t.Fatalf("the path's fold patterns: %+v", pm)
	}
}
