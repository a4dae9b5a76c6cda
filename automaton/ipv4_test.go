package automaton

import (
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// checkIPv4Octets holds ipv4Octets to compiler.ParseIP: every text it
// reads is an IPv4 address to ParseIP with the same bytes, and every
// IPv4 address ParseIP reads whose parts have at most three digits, it
// reads; appendIPKey writes ParseIP's key for every text.
func checkIPv4Octets(t *testing.T, s string) {
	b, ok := ipv4Octets([]byte(s))
	a, aok := compiler.ParseIP(s)
	short := true
	for _, p := range strings.Split(s, ".") {
		short = short && len(p) <= 3
	}
	if want := aok && a.Is4(); ok && !want || !ok && want && short {
		t.Fatalf("ipv4Octets(%q) ok=%v, ParseIP says IPv4 %v", s, ok, want)
	}
	if ok && b != a.As4() {
		t.Fatalf("ipv4Octets(%q) = %v, ParseIP %v", s, b, a.As4())
	}
	key, kok := appendIPKey(nil, []byte(s))
	var want []byte
	if aok && a.Is4() {
		b := a.As4()
		want = append([]byte{tagIPv4}, b[:]...)
	} else if aok {
		b := a.As16()
		want = append([]byte{tagIPv6}, b[:]...)
	}
	if kok != aok || string(key) != string(want) {
		t.Fatalf("appendIPKey(%q) = %x %v, want %x %v", s, key, kok, want, aok)
	}
}

var ipv4Texts = []string{
	"10.41.247.253", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.1.1.256",
	"001.002.003.004", "0000000001.1.1.1", "00000000001.1.1.1", "1.1.1", "1.1.1.1.1",
	"1..1.1", ".1.1.1", "1.1.1.", "", "1.1.1.a", "a.1.1.1", "2001:db8::1",
	"::ffff:1.2.3.4", "1.2.3.4/8", " 1.2.3.4", "99999999999999999999.1.1.1",
}

func TestIPv4Octets(t *testing.T) {
	for _, s := range ipv4Texts {
		checkIPv4Octets(t, s)
	}
}

func FuzzIPv4Octets(f *testing.F) {
	for _, s := range ipv4Texts {
		f.Add(s)
	}
	f.Fuzz(checkIPv4Octets)
}
