package automaton

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestControlIn holds controlIn to its definition, a byte at a time, for
// every span of short inputs with control characters, high bytes and
// spaces at random places.
func TestControlIn(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	bytesOf := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xc3, 0xff, 'a', '"'}
	for range 2000 {
		d := make([]byte, r.Intn(40))
		for k := range d {
			d[k] = 'a'
			if r.Intn(6) == 0 {
				d[k] = bytesOf[r.Intn(len(bytesOf))]
			}
		}
		for j := 0; j <= len(d); j++ {
			for e := j; e <= len(d); e++ {
				want := false
				for _, c := range d[j:e] {
					want = want || c < 0x20
				}
				if got := controlIn(d, j, e); got != want {
					t.Fatalf("controlIn(%q, %d, %d) = %v, want %v", d, j, e, got, want)
				}
			}
		}
	}
}

// TestNonASCIILeafErrors: a non-ASCII string at a path of exact values
// (tabString, which spans it) is answered and refused as at a path of
// prefixes (value, which reads it byte by byte): the same matches, and
// the same error at the same offset for a control character, an
// escape, bad UTF-8 or no end, wherever the string lies in the event.
func TestNonASCIILeafErrors(t *testing.T) {
	exact := compileAll(t, compiler.EventBridge, `{"a":["Zürich", "Zü\"rich"]}`).NewMatcher()
	prefix := compileAll(t, compiler.EventBridge, `{"a":[{"prefix":"Zürich"}, {"prefix":"Zü\"rich"}]}`).NewMatcher()
	for _, body := range []string{"Zürich", "Zü\x01rich", "Zürich\x1f", "Zü\\\"rich", "Zü\\qrich", "Z\xfcrich", "Zürich\\", "Zü\trich", "Zürich...........................................................\x02"} {
		for _, pad := range []int{0, 5, 60, 100} {
			for _, tail := range []string{`"}`, `","b":1}` + strings.Repeat(" ", 70), ``} {
				ev := []byte(`{"pad":"` + strings.Repeat("x", pad) + `","a":"` + body + tail)
				got, err := exact.Match(nil, ev)
				want, werr := prefix.Match(nil, ev)
				if fmt.Sprint(err) != fmt.Sprint(werr) || len(got) != len(want) {
					t.Errorf("%q: exact %v %v, prefix %v %v", ev, got, err, want, werr)
				}
			}
		}
	}
}
