package automaton

import (
	"testing"

	"github.com/patternc/patternc/compiler"
)

// checkIPv6Groups holds ipv6Groups to compiler.ParseIP: it reads exactly
// the texts ParseIP reads as IPv6 addresses, to the same bytes, and
// appendIPKey writes ParseIP's key for every text (checkIPv4Octets).
func checkIPv6Groups(t *testing.T, s string) {
	b, ok := ipv6Groups([]byte(s))
	a, aok := compiler.ParseIP(s)
	if want := aok && a.Is6(); ok != want {
		t.Fatalf("ipv6Groups(%q) ok=%v, ParseIP says IPv6 %v", s, ok, want)
	}
	if ok && b != a.As16() {
		t.Fatalf("ipv6Groups(%q) = %x, ParseIP %x", s, b, a.As16())
	}
	checkIPv4Octets(t, s)
}

var ipv6Texts = []string{
	"2001:db8:1f2e::9a", "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
	"::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1::2",
	"1::2:", "1:", ":", ":::", "1:::2", "12345::1", "ABCD:ef01::", "fffff::",
	"g::1", "::ffff:1.2.3.4", "fe80::1%eth0", "0:0:0:0:0:0:0:0", "::0:0:0:0:0:0:0",
	"1:2:3:4::5:6:7:8", "0001:0002::", "00001::", "1:2:3:4:5:6::7", "",
	"2001:db8:0:0:1::1", "1.2.3.4", "10.41.247.253", "::/0", "1::2 ",
}

func TestIPv6Groups(t *testing.T) {
	for _, s := range ipv6Texts {
		checkIPv6Groups(t, s)
	}
}

func FuzzIPv6Groups(f *testing.F) {
	for _, s := range ipv6Texts {
		f.Add(s)
	}
	f.Fuzz(checkIPv6Groups)
}
