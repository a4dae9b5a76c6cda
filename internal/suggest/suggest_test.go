package suggest

import "testing"

var operators = []string{"prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric", "exists", "cidr"}

func TestClosest(t *testing.T) {
	for _, tc := range []struct{ word, want string }{
		{"equals_ignore_case", "equals-ignore-case"},
		{"anything_but", "anything-but"},
		{"AnythingBut", "anything-but"},
		{"prefx", "prefix"},
		{"Prefix", "prefix"},
		{"numerc", "numeric"},
		{"exist", "exists"},
		{"cdr", ""}, // too short to guess from an edit
		{"between", ""},
		{"prefix", ""}, // itself is not a suggestion
	} {
		if got := Closest(tc.word, operators); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"prefx", "prefix", 1}} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
