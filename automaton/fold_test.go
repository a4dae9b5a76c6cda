package automaton

import (
	"bytes"
	"fmt"
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
	var ps []*compiler.Pattern
	for i, src := range pats {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
		if err := m.Add(ID(fmt.Sprint(i)), p); err != nil {
			t.Fatal(err)
		}
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
			got := map[ID]bool{}
			for _, id := range ids {
				got[id] = true
			}
			for i, p := range ps {
				ex, err := compiler.Explain(p, ev)
				if err != nil {
					t.Fatal(err)
				}
				if ex.Matched != got[ID(fmt.Sprint(i))] {
					t.Errorf("trusted %v: %s on %s: Explain %v, automaton %v", trusted, pats[i], ev, ex.Matched, !ex.Matched)
				}
			}
		}
	}
}

// FuzzEqualLower: the word-wise compare of an ASCII value with a folded
// trie segment agrees with folding the value, and asciiOnly with a byte
// test. The segment is the value folded, one byte changed when flip is
// not 0.
func FuzzEqualLower(f *testing.F) {
	f.Add([]byte("EC2 Instance State-change"), uint8(0))
	f.Add([]byte("@[`{AZaz09@[`{AZaz09"), uint8(0x20))
	f.Add([]byte("PHOTOS/2024/A.JPG"), uint8(1))
	f.Fuzz(func(t *testing.T, v []byte, flip uint8) {
		high := false
		for _, c := range v {
			high = high || c >= utf8.RuneSelf
		}
		if asciiOnly(v) == high {
			t.Fatalf("asciiOnly(%q) = %v", v, !high)
		}
		if high {
			return
		}
		seg := appendFolded(nil, v)
		if flip != 0 && len(seg) > 0 {
			seg[int(flip)%len(seg)] ^= flip
		}
		want := bytes.Equal(appendFolded(nil, v), seg)
		if got := equalLower(v, string(seg)); got != want {
			t.Fatalf("equalLower(%q, %q) = %v, folding says %v", v, seg, got, want)
		}
	})
}
