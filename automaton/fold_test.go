package automaton

import (
	"bytes"
	"testing"
	"unicode/utf8"
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
		got := appendFolded(pre, s)
		if want := appendFoldedBytewise([]byte("pre"), s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %q, want %q", s, got, want)
		}
	})
}
