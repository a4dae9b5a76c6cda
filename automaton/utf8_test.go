package automaton

import (
	"errors"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestInvalidUTF8 holds Match to the reference reader on text that is not
// UTF-8: wherever it lies — a value no pattern names, a member name of any
// length, an array element, a string deep in a skipped container, a value
// at a pattern path — the event is rejected, at the first bad byte, as
// compiler.ExplainMatch rejects it.
func TestInvalidUTF8(t *testing.T) {
	const pat = `{"b":[1],"p":[{"prefix":"x"}]}`
	p, err := compiler.Compile([]byte(pat), compiler.EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := New(Config{})
	if err := m.Add("x", p); err != nil {
		t.Fatal(err)
	}
	mt := m.NewMatcher()
	long := strings.Repeat("y", 40)
	for _, ev := range []string{
		"{\"a\":\"caf\xe9\",\"b\":1}",                // skipped value, short
		"{\"a\":\"café au lait \xe9t\xe9\",\"b\":1}", // after valid non-ASCII
		"{\"a\":\"" + long + "\xff\",\"b\":1}",       // past the first words
		"{\"a\":\"\xc3\",\"b\":1}",                   // truncated sequence
		"{\"a\":\"\xed\xa0\x80\",\"b\":1}",           // a surrogate's encoding
		"{\"a\":\"x\\n\xe9\",\"b\":1}",               // after an escape
		"{\"a\":{\"q\":\"caf\xe9\"},\"b\":1}",        // in a skipped object
		"{\"a\":[\"ok\",\"\xff\"],\"b\":1}",          // in a skipped array
		"{\"a\":{\"caf\xe9\":1},\"b\":1}",            // a name in a skipped object
		"{\"caf\xe9\":1,\"b\":1}",                    // a short name
		"{\"abcdefghi\xe9\":1,\"b\":1}",              // a name of 8 to 16 bytes
		"{\"" + long + "\xe9\":1,\"b\":1}",           // a long name
		"{\"b\":1,\"p\":\"x\xe9\"}",                  // a value at a pattern path
		"{\"b\":1,\"p\":[\"x\",\"x\xe9\"]}",          // an element at a pattern path
	} {
		_, xerr := compiler.ExplainMatch(p, []byte(ev))
		if xerr == nil {
			t.Fatalf("%q: the reference reader accepts it", ev)
		}
		for _, byteNames := range []bool{false, true} {
			mt.byteNames = byteNames
			ids, err := mt.Match(nil, []byte(ev))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("%q (byteNames %v): Match = %v, %v; want a syntax error", ev, byteNames, ids, err)
				continue
			}
			if want := firstInvalid(ev); se.Offset != want || !strings.Contains(se.Msg, "UTF-8") {
				t.Errorf("%q: %v at %d; want invalid UTF-8 at %d", ev, se.Msg, se.Offset, want)
			}
		}
		mt.byteNames = false
	}
}

// firstInvalid is the offset of the first byte of s that starts no valid
// UTF-8 sequence.
func firstInvalid(s string) int {
	for i, r := range s {
		if r == '\uFFFD' && !strings.HasPrefix(s[i:], "\uFFFD") {
			return i
		}
	}
	return -1
}
