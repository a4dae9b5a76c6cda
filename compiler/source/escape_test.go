package source

import "testing"

func TestAppendEscape(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		n    int
		bad  EscapeError
	}{
		{`\"`, `"`, 2, EscapeOK},
		{`\\`, `\`, 2, EscapeOK},
		{`\/`, `/`, 2, EscapeOK},
		{`\b\f`, "\b", 2, EscapeOK},
		{`\n`, "\n", 2, EscapeOK},
		{`\r`, "\r", 2, EscapeOK},
		{`\t`, "\t", 2, EscapeOK},
		{`\u00e9`, "é", 6, EscapeOK},
		{`\u00E9x`, "é", 6, EscapeOK},
		{`\ud83d\ude00`, "😀", 12, EscapeOK},
		{`\ud83dx`, "\uFFFD", 6, EscapeOK},      // lone high surrogate
		{`\ude00\ud83d`, "\uFFFD", 6, EscapeOK}, // low then high: not a pair
		{`\ud83d\u0041`, "\uFFFD", 6, EscapeOK}, // high then a non-surrogate
		{`\ud83d\ude0`, "\uFFFD", 6, EscapeOK},  // the second escape is cut short
		{`\`, "", 0, EscapeTruncated},
		{`\u12`, "", 0, EscapeBadUnicode},
		{`\u12g4`, "", 0, EscapeBadUnicode},
		{`\x`, "", 0, EscapeUnknown},
	} {
		got, n, bad := AppendEscape([]byte("<"), []byte(tc.in), 0)
		if string(got) != "<"+tc.want || n != tc.n || bad != tc.bad {
			t.Errorf("%q: got %q, %d, %d; want %q, %d, %d", tc.in, got, n, bad, "<"+tc.want, tc.n, tc.bad)
		}
	}
}
