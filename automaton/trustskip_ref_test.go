package automaton

import (
	"math/rand"
	"strings"
	"testing"
)

// The byte-wise definitions the trusted skipper is held to: one byte at a
// time, a backslash in a string escaping the byte after it, brackets
// counted outside strings.

// finishTrustedRef is finishTrusted by definition.
func finishTrustedRef(d []byte, i, open int) int {
	for i < len(d) {
		switch d[i] {
		case '"':
			i = skipStringBytes(d, i+1)
			continue
		case '{', '[':
			open++
		case '}', ']':
			if open--; open == 0 {
				return i + 1
			}
		}
		i++
	}
	return len(d)
}

// skipTrustedRef is skipTrusted by definition (its end; the error is
// only for an empty rest).
func skipTrustedRef(d []byte, i int) int {
	switch {
	case i >= len(d):
		return i
	case d[i] == '"':
		return skipStringBytes(d, i+1)
	case d[i] == '{' || d[i] == '[':
		return finishTrustedRef(d, i+1, 1)
	}
	for i++; i < len(d) && !strings.ContainsRune(",}] \t\r\n", rune(d[i])) && d[i] > ' '; i++ {
	}
	return i
}

// checkTrustedSkipper compares the skipper with its definitions from
// every start in data (up to limit starts) and for a few counts of open
// containers, including ones the matcher never passes (0, negative):
// finishTrusted as built, and finishWords, the pure-Go skipper.
func checkTrustedSkipper(t *testing.T, data []byte, limit int) {
	t.Helper()
	forEachKernel(func() { checkTrustedSkipperOnce(t, data, limit) })
}

func checkTrustedSkipperOnce(t *testing.T, data []byte, limit int) {
	t.Helper()
	for i := 0; i <= len(data) && i < limit; i++ {
		if got, err := skipTrusted(data, i); got != skipTrustedRef(data, i) || (err != nil) != (i == len(data)) {
			t.Fatalf("%q from %d: skipTrusted %d %v, want %d", data, i, got, err, skipTrustedRef(data, i))
		}
		if got, want := skipStringTrusted(data, i), skipStringBytes(data, i); got != want {
			t.Fatalf("%q from %d: skipStringTrusted %d, want %d", data, i, got, want)
		}
		for _, open := range []int{1, 2, 3, 7, 0, -1} {
			want := finishTrustedRef(data, i, open)
			if got := finishTrusted(data, i, open); got != want {
				t.Fatalf("%q from %d, %d open: finishTrusted %d, want %d", data, i, open, got, want)
			}
			if got := closeTrusted(data, i, open); got != want {
				t.Fatalf("%q from %d, %d open: closeTrusted %d, want %d", data, i, open, got, want)
			}
			// The pure-Go skipper alone, as where no block kernel is built.
			if got, _, _, _ := finishWords(data, i, len(data), open, 0); min(got, len(data)) != want {
				t.Fatalf("%q from %d, %d open: finishWords %d, want %d", data, i, open, got, want)
			}
		}
	}
}

// FuzzTrustedSkipper: on any input, from any start, the word-wise
// skipper ends where the byte-wise definition does.
func FuzzTrustedSkipper(f *testing.F) {
	f.Add([]byte(`{"a":[1,2,{"b":"]}\"["}],"c":null}`))
	f.Add([]byte(`"abc\\\"def{\\\\"}]]}}`))
	f.Add([]byte(`{"k":"v","l":[{"m":"}}}}}}}}"},[[[[]]]]],"n":"\\\\\\\\\\\\\\\\\"}"}`))
	f.Add([]byte(`Y_y{` + "\x7f" + `}"[` + "\x00\xff" + `"]\`))
	f.Add([]byte(`"0123456789abcdef\`))
	f.Add([]byte(`{"items":[{"imageId":"ami-0123456789abcdef0","minCount":1,"blockDeviceMapping":{"items":[{"deviceName":"/dev/xvda","ebs":{"volumeSize":8}}]}},{"tags":[{"key":"a\"]}","value":"b\\"}]}],"groupSet":{},"n":[[[1,2],[3,4]]]} "rest"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkTrustedSkipper(t, data, 40)
	})
}

// TestTrustedSkipperRandom feeds the skipper dense random mixes of the
// bytes it cares about, in lengths around the word size and beyond, so
// that strings, escapes and closing brackets fall on every position of a
// word and across word boundaries.
func TestTrustedSkipperRandom(t *testing.T) {
	const alphabet = `"\{}[]ax:,Y_y` + "\x7f\x00\xff\x20"
	r := rand.New(rand.NewSource(13))
	for n := 0; n < 20000; n++ {
		data := make([]byte, r.Intn(80+n%4*100))
		// Mostly plain bytes, with the chance of a special one varying
		// per input: sparse and dense structure both.
		dense := r.Intn(8) + 1
		for k := range data {
			if r.Intn(dense) == 0 {
				data[k] = alphabet[r.Intn(len(alphabet))]
			} else {
				data[k] = 'a' + byte(r.Intn(26))
			}
		}
		checkTrustedSkipper(t, data, 24)
	}
}

// TestTrustedSkipperEscapes: strings full of runs of backslashes, odd and
// even, across block boundaries, in containers, with now and then a
// backslash outside a string (which escapes nothing there).
func TestTrustedSkipperEscapes(t *testing.T) {
	r := rand.New(rand.NewSource(14))
	for n := 0; n < 6000; n++ {
		var b strings.Builder
		b.WriteString(`{"k":[`)
		for b.Len() < 40+r.Intn(300) {
			switch r.Intn(6) {
			case 0:
				b.WriteString(strings.Repeat(`\`, 1+r.Intn(9)))
			case 1:
				b.WriteByte('"')
			case 2:
				b.WriteString([]string{"{", "}", "[", "]", ",", ":"}[r.Intn(6)])
			default:
				b.WriteString("abcdefgh"[:1+r.Intn(8)])
			}
		}
		checkTrustedSkipper(t, []byte(b.String()), 8)
	}
}

// TestTrustedSkipperCases: the ends of hand-made inputs, both skippers.
func TestTrustedSkipperCases(t *testing.T) {
	for _, tc := range []struct {
		in   string
		from int
		want int
	}{
		{`{}`, 1, 2},
		{`{"a":{"b":[1,2,{"c":"}"}]},"d":"\"}"} tail`, 1, 37},
		{`{"long":"0123456789012345678901234567890123456789"}`, 1, 51},
		{`{"esc":"\\\\\\\\\\\\\\\\\\\\"},"x":1}`, 1, 30},
		{`{"unterminated":"\`, 1, 18},
		{`{"open":[[[[`, 1, 12},
		{`["a","b"],["c"]`, 1, 9},
	} {
		if got := finishTrusted([]byte(tc.in), tc.from, 1); got != tc.want {
			t.Errorf("finishTrusted(%q, %d, 1) = %d, want %d", tc.in, tc.from, got, tc.want)
		}
		if got := finishTrustedRef([]byte(tc.in), tc.from, 1); got != tc.want {
			t.Errorf("finishTrustedRef(%q, %d, 1) = %d, want %d", tc.in, tc.from, got, tc.want)
		}
	}
}

// TestTrustedSkipperDeep: containers nested over many blocks, so that
// whole blocks of brackets are counted (fewer closing ones than open
// containers) and the last is walked to the bracket that closes the
// value, with strings of brackets in between that do not count.
func TestTrustedSkipperDeep(t *testing.T) {
	for _, depth := range []int{1, 31, 63, 64, 65, 130, 300} {
		for _, fill := range []string{"", `"]}"`, `{"a":"[[","b":[1,2]}`} {
			in := strings.Repeat("[", depth) + fill + strings.Repeat("]", depth) + ` tail`
			for _, from := range []int{0, 1, depth / 2} {
				checkTrustedSkipperAt(t, []byte(in), from)
			}
		}
	}
}

// checkTrustedSkipperAt holds finishTrusted, with each kernel, to the
// byte-wise definition from d[from] with a few counts of open containers.
func checkTrustedSkipperAt(t *testing.T, d []byte, from int) {
	t.Helper()
	forEachKernel(func() {
		for _, open := range []int{1, 2, 7, 0} {
			if got, want := finishTrusted(d, from, open), finishTrustedRef(d, from, open); got != want {
				t.Fatalf("%q from %d, %d open: finishTrusted %d, want %d", d, from, open, got, want)
			}
		}
	})
}
