package automaton

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// memberPool holds member names of every length class the word-wise
// reader treats apart (shorter than a word, one word, two words, longer,
// 64 bytes and more), names that share their first and last eight bytes
// and length and differ only between, non-ASCII and NUL bytes.
//
// The empty name is left out: Explain reads {"":{"a":1}} as {"a":1}, the
// automaton as a member named "" (a difference older than this reader).
var memberPool = []string{
	"a", "b", "ab", "ba", "abcdefg", "abcdefgh", "abcdefgi", "abcdefghi",
	"abcdefghijklmnop", "abcdefghijklmnoq", "abcdefghijklmnopq",
	"abcdefgh-X-abcdefgh", "abcdefgh-Y-abcdefgh", "é", "aé", "a\x00", "a\x00b",
	strings.Repeat("x", 63), strings.Repeat("x", 64), strings.Repeat("x", 70),
	strings.Repeat("x", 64) + "-long", "detail", "detail-type", "source",
}

// TestScopeEntry holds the scope's table to a plain map: every name of
// random sets is found with its own entry, and every other string is not.
func TestScopeEntry(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for round := 0; round < 300; round++ {
		byName := map[string]int32{}
		var names []scopeName
		for n := r.Intn(40); len(names) < n; {
			name := randomName(r)
			if _, dup := byName[name]; dup || strings.Contains(name, ".") {
				continue
			}
			byName[name] = int32(len(names))
			names = append(names, scopeName{name: name, e: pathEntry{need: int32(len(names))}})
		}
		sc := newScope("p", names)
		for k := 0; k < 400; k++ {
			key := randomName(r)
			if k < len(names) {
				key = names[k].name
			}
			checkEntry(t, sc, byName, key)
		}
	}
}

// FuzzScopeEntry: names from the fuzzer's bytes (split at '|'), looked up
// against a map.
func FuzzScopeEntry(f *testing.F) {
	f.Add("a|ab|abcdefgh|abcdefghi|abcdefgh-X-abcdefgh", "abcdefgh-Y-abcdefgh")
	f.Add("|x\x00|"+strings.Repeat("y", 65), "x")
	f.Fuzz(func(t *testing.T, set, key string) {
		byName := map[string]int32{}
		var names []scopeName
		for _, name := range strings.Split(set, "|") {
			if _, dup := byName[name]; !dup {
				byName[name] = int32(len(names))
				names = append(names, scopeName{name: name, e: pathEntry{need: int32(len(names))}})
			}
		}
		sc := newScope("", names)
		checkEntry(t, sc, byName, key)
		for name := range byName {
			checkEntry(t, sc, byName, name)
		}
	})
}

func checkEntry(t *testing.T, sc *scope, byName map[string]int32, key string) {
	t.Helper()
	e := sc.entry([]byte(key))
	want, ok := byName[key]
	if ok != (e != nil) || (ok && e.need != want) {
		t.Fatalf("%q in %d names: entry %v, map %v %v", key, len(byName), e, want, ok)
	}
}

func randomName(r *rand.Rand) string {
	if r.Intn(3) == 0 {
		return memberPool[r.Intn(len(memberPool))]
	}
	n := r.Intn(20)
	if r.Intn(8) == 0 {
		n = 60 + r.Intn(10)
	}
	b := make([]byte, n)
	for k := range b {
		b[k] = "abc.\x00é"[r.Intn(7)]
	}
	return string(b)
}

// wordNamePatterns name paths through memberPool, some several levels
// deep, so events can reach them by nested or by dotted names.
func wordNamePatterns(r *rand.Rand, n int) []string {
	var srcs []string
	for len(srcs) < n {
		depth := 1 + r.Intn(3)
		v := `["v"]`
		if r.Intn(3) == 0 {
			v = `[{"exists":true}]`
		}
		for d := 0; d < depth; d++ {
			name, _ := json.Marshal(memberPool[r.Intn(len(memberPool))])
			v = fmt.Sprintf(`{%s:%s}`, name, v)
		}
		srcs = append(srcs, v)
	}
	return srcs
}

// wordNameEvent writes an event whose member names come from memberPool,
// some of them dotted (two or three names joined), escaped, cut short or
// lengthened, with random white space; bad, when set, damages it.
func wordNameEvent(r *rand.Rand, depth int, b *strings.Builder) {
	b.WriteByte('{')
	n := r.Intn(7)
	for k := 0; k < n; k++ {
		if k > 0 {
			b.WriteString([]string{",", ", ", ",\n\t"}[r.Intn(3)])
		}
		name := memberPool[r.Intn(len(memberPool))]
		switch r.Intn(8) {
		case 0:
			name += "." + memberPool[r.Intn(len(memberPool))]
		case 1:
			name += "." + memberPool[r.Intn(len(memberPool))] + "." + memberPool[r.Intn(len(memberPool))]
		case 2:
			if len(name) > 1 {
				name = name[:len(name)-1]
			}
		case 3:
			name += "z"
		}
		q, _ := json.Marshal(name)
		s := strings.ReplaceAll(string(q), `\u0000`, `\u0000`)
		if r.Intn(6) == 0 && len(name) > 0 && name[0] < 0x80 && name[0] >= 0x20 {
			s = fmt.Sprintf(`"\u%04x%s`, name[0], s[2:])
		}
		b.WriteString(s)
		b.WriteString([]string{":", " : ", ":\n"}[r.Intn(3)])
		switch c := r.Intn(6); {
		case c == 0 && depth < 3:
			wordNameEvent(r, depth+1, b)
		case c == 1:
			b.WriteString(`["v",1,{"a":"v"}]`)
		case c == 2:
			b.WriteString(`12.5`)
		case c == 3:
			b.WriteString(`"a long value, longer than a word"`)
		default:
			b.WriteString(`"v"`)
		}
	}
	b.WriteByte('}')
}

// matchBothWays runs Match and MatchTrusted on data with names read by
// words and byte by byte (memberName), and fails unless the answers and
// errors are the same.
func matchBothWays(t *testing.T, mt *Matcher, data []byte) {
	t.Helper()
	for _, trusted := range []bool{false, true} {
		var got [2][]ID
		var errs [2]string
		for k, bytewise := range []bool{false, true} {
			mt.byteNames = bytewise
			var err error
			if trusted {
				got[k], err = mt.MatchTrusted(nil, data)
			} else {
				got[k], err = mt.Match(nil, data)
			}
			errs[k] = fmt.Sprint(err)
			slices.Sort(got[k])
		}
		mt.byteNames = false
		if !slices.Equal(got[0], got[1]) || errs[0] != errs[1] {
			t.Fatalf("%q (trusted %v): by words %v %s, byte-wise %v %s", data, trusted, got[0], errs[0], got[1], errs[1])
		}
	}
}

// TestWordNames holds the word-wise name reader to memberName on random
// events over names of every length class, dotted and escaped ones
// included, and on damaged copies of them (cut short, a byte changed).
func TestWordNames(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	matched := 0
	for round := 0; round < 40; round++ {
		// Added one by one: a pattern over paths the machine has already
		// updates the scopes in place (updateScopes) instead of
		// rebuilding them.
		m := New(Config{})
		var ps []*compiler.Pattern
		srcs := wordNamePatterns(r, 1+r.Intn(12))
		for k, src := range srcs {
			p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if err := m.Add(ID(fmt.Sprint(k)), p); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		mt := m.NewMatcher()
		for e := 0; e < 300; e++ {
			var b strings.Builder
			wordNameEvent(r, 0, &b)
			data := []byte(b.String())
			ids, err := mt.Match(nil, data)
			if err != nil {
				t.Fatalf("%s: %v", data, err)
			}
			matched += len(ids)
			for k, p := range ps {
				ex, err := compiler.ExplainMatch(p, data)
				if err != nil {
					t.Fatal(err)
				}
				if ex.Matched != slices.Contains(ids, ID(fmt.Sprint(k))) {
					t.Fatalf("%s: pattern %s: Explain %v, Match %v", data, srcs[k], ex.Matched, ids)
				}
			}
			matchBothWays(t, mt, data)
			cut := data[:r.Intn(len(data)+1)]
			matchBothWays(t, mt, cut)
			bad := slices.Clone(data)
			bad[r.Intn(len(bad))] = "\"\\\x01.:,{}x"[r.Intn(9)]
			matchBothWays(t, mt, bad)
		}
	}
	if matched == 0 {
		t.Fatal("no event matched: the generator misses the patterns")
	}
}

// FuzzWordNames: on any input, names read by words and byte by byte
// give the same answers and errors, on both paths.
func FuzzWordNames(f *testing.F) {
	r := rand.New(rand.NewSource(3))
	m := compileAll(f, compiler.EventBridge, wordNamePatterns(r, 30)...)
	for k := 0; k < 8; k++ {
		var b strings.Builder
		wordNameEvent(r, 0, &b)
		f.Add([]byte(b.String()))
	}
	f.Add([]byte(`{"a.b":"v","abcdefgh-X-abcdefgh":{"abcdefghi":"v"},"\u0061b":1}`))
	mt := m.NewMatcher()
	f.Fuzz(func(t *testing.T, data []byte) {
		matchBothWays(t, mt, data)
	})
}

// TestNameStops holds nameStops to its byte-wise definition: the lowest
// flagged byte of any word is its first quote, backslash or control
// character (none flagged when it has none); asciiStops to the same with
// the bytes over 0x7F (and asciiStopsMem to asciiStops), and
// wordNameStops with the dot too.
func TestNameStops(t *testing.T) {
	first := func(b []byte) int {
		for k, c := range b {
			if c == '"' || c == '\\' || c < 0x20 {
				return k
			}
		}
		return 8
	}
	firstDot := func(b []byte) int {
		for k, c := range b {
			if c == '"' || c == '\\' || c < 0x20 || c == '.' || c >= 0x80 {
				return k
			}
		}
		return 8
	}
	firstASCII := func(b []byte) int {
		for k, c := range b {
			if c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
				return k
			}
		}
		return 8
	}
	check := func(b []byte) {
		got := 8
		if m := nameStops(load64(b, 0)); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if want := first(b); got != want {
			t.Fatalf("% x: nameStops says byte %d, the first stop is byte %d", b, got, want)
		}
		got = 8
		if m := asciiStops(load64(b, 0)); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if want := firstASCII(b); got != want {
			t.Fatalf("% x: asciiStops says byte %d, the first stop or non-ASCII byte is byte %d", b, got, want)
		}
		if x := load64(b, 0); asciiStopsMem(x) != asciiStops(x) {
			t.Fatalf("% x: asciiStopsMem %#x, asciiStops %#x", b, asciiStopsMem(x), asciiStops(x))
		}
		got = 8
		if m := wordNameStops(load64(b, 0)); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if want := firstDot(b); got != want {
			t.Fatalf("% x: wordNameStops says byte %d, the first stop, dot or non-ASCII byte is byte %d", b, got, want)
		}
	}
	b := make([]byte, 8)
	for p := 0; p < 8; p++ {
		for c := 0; c < 256; c++ {
			for fill := 0; fill < 256; fill += 17 {
				for k := range b {
					b[k] = byte(fill)
				}
				b[p] = byte(c)
				check(b)
			}
		}
	}
	// Every pair of bytes at every two places: a borrow from one must
	// not hide or fake the other.
	for _, fill := range []byte{'a', 0x21} {
		for p1 := 0; p1 < 8; p1++ {
			for p2 := p1 + 1; p2 < 8; p2 += 3 {
				for c1 := 0; c1 < 256; c1++ {
					for c2 := 0; c2 < 256; c2++ {
						for k := range b {
							b[k] = fill
						}
						b[p1], b[p2] = byte(c1), byte(c2)
						check(b)
					}
				}
			}
		}
	}
	r := rand.New(rand.NewSource(5))
	for n := 0; n < 200000; n++ {
		for k := range b {
			b[k] = "\x00\x1f !\"#\\]a\x7f\x80\xa2\xdc\xff.-/\xae\xa0\xa1\xde\x81\x21"[r.Intn(23)]
		}
		check(b)
	}
}
