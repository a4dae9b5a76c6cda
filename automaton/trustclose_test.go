package automaton

import "testing"

// TestCloseTrusted: the rests an object that stopped early leaves, read
// member by member (flatRest) or handed to finishTrusted, end where the
// byte-wise definition ends; flatRest stops at the first member whose
// value it does not read.
func TestCloseTrusted(t *testing.T) {
	for _, tc := range []struct {
		in   string
		flat int // where flatRest stops, from 0
	}{
		{`}}`, 0},
		{`,"etag":"0a1b2c"},"reason":"PutObject"}}`, 16},
		{`,"n":12,"t":true,"f":false,"z":null}`, 35},
		{`,"e":"a\"}b","x":-1.5e3}`, 23},
		{`,"tags":{"a":"}"},"x":1}`, 0},
		{`,"l":[1,2]}`, 0},
		{`,"a\"b":1}`, 0},
		{`,"a":1 ,"b":2}`, 6},
		{`,"a":1"}"}`, 6},
		{`,"a":tr{ue}`, 7},
		{`,"a":"unterminated\`, 19},
		{`}]},"x":1}`, 0},
		{`,"m":"x"}},"y":2}`, 8},
		{`,"a"`, 0},
		{`,"a":`, 0},
		{``, 0},
	} {
		d := []byte(tc.in)
		if got := flatRest(d, 0); got != tc.flat {
			t.Errorf("%q: flatRest %d, want %d", tc.in, got, tc.flat)
		}
		for _, open := range []int{1, 2, 3, 0, -1} {
			if got, want := closeTrusted(d, 0, open), finishTrustedRef(d, 0, open); got != want {
				t.Errorf("%q, %d open: closeTrusted %d, want %d", tc.in, open, got, want)
			}
		}
	}
}
