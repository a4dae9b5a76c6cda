package automaton

import (
	"testing"

	"github.com/patternc/patternc/compiler"
)

// checkIPv4Octets holds ipv4Octets to compiler.ParseIP: every text it
// reads is an IPv4 address to ParseIP with the same bytes, and every IPv4
// address ParseIP reads, it reads.
func checkIPv4Octets(t *testing.T, s string) {
	b, ok := ipv4Octets([]byte(s))
	a, aok := compiler.ParseIP(s)
	want := aok && a.Is4()
	if ok != want {
		t.Fatalf("ipv4Octets(%q) ok=%v, ParseIP says IPv4 %v", s, ok, want)
	}
	if ok && b != a.As4() {
		t.Fatalf("ipv4Octets(%q) = %v, ParseIP %v", s, b, a.As4())
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
