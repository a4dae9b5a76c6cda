package automaton

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestAppendIPKeyAt holds appendIPKeyAt to appendIPKey: the same key,
// except an IPv6 one where the path has no IPv6 block (no key); and the
// patterns at such paths to Explain on both paths.
func TestAppendIPKeyAt(t *testing.T) {
	texts := []string{
		"10.1.2.3", "172.16.0.1", "010.001.002.003", "0010.1.2.3", "1.2.3", "256.1.1.1",
		"2001:db8::1", "2001:DB8:0:0:0:0:0:1", "::1", "::ffff:10.1.2.3", "fe80::1%eth0",
		"ec2.amazonaws.com", "", ":", "1:2", "AWS Internal",
	}
	for _, tc := range []struct {
		rule string
		v6   bool // the path has an IPv6 block
	}{
		{`{"ip":[{"cidr":"10.0.0.0/8"}]}`, false},
		{`{"ip":[{"cidr":"10.0.0.0/8"},{"cidr":"2001:db8::/32"}]}`, true},
		{`{"ip":[{"cidr":"2001:db8::/32"}]}`, true},
		// An exact IPv6 value puts its address key in the trie too.
		{`{"ip":[{"cidr":"10.0.0.0/8"},"2001:db8::1"]}`, true},
		{`{"ip":[{"cidr":"10.0.0.0/8"},"10.1.2.3"]}`, false},
	} {
		m := New(Config{})
		p := addPattern(t, m, "r", tc.rule)
		pm := m.snap.Load().sub[inputEvent].index["ip"].pm
		if v6 := pm.fwd.childOrNil(tagIPv6) != nil; v6 != tc.v6 {
			t.Fatalf("%s: IPv6 blocks %v, want %v", tc.rule, v6, tc.v6)
		}
		for _, s := range texts {
			want, wok := appendIPKey(nil, []byte(s))
			if !tc.v6 && wok && want[0] == tagIPv6 {
				want, wok = nil, false
			}
			got, gok := appendIPKeyAt(nil, []byte(s), pm.fwd)
			if gok != wok || !bytes.Equal(got, want) {
				t.Errorf("%s: appendIPKeyAt(%q) = %x %v, want %x %v", tc.rule, s, got, gok, want, wok)
			}
			ev := []byte(fmt.Sprintf(`{"ip":%q}`, s))
			ex, err := compiler.ExplainMatch(p, ev)
			if err != nil {
				t.Fatal(err)
			}
			for _, trusted := range []bool{false, true} {
				mt := m.NewMatcher()
				ids, err := matchOn(mt, string(ev), trusted)
				if err != nil {
					t.Fatal(err)
				}
				if (len(ids) > 0) != ex.Matched {
					t.Errorf("%s on %s (trusted %v): matched %v, Explain %v", tc.rule, ev, trusted, len(ids) > 0, ex.Matched)
				}
			}
		}
	}
}

// FuzzAppendIPKeyAt holds appendIPKeyAt to appendIPKey on any text, at a
// path with IPv4 blocks only and at one with IPv6 blocks too.
func FuzzAppendIPKeyAt(f *testing.F) {
	for _, s := range []string{"10.1.2.3", "0010.1.2.3", "2001:db8::1", "::ffff:1.2.3.4", "a:b", ""} {
		f.Add(s)
	}
	var fwds [2]*node
	for k, rule := range []string{`{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":[{"cidr":"10.0.0.0/8"},{"cidr":"::/0"}]}`} {
		m := New(Config{})
		addPattern(f, m, "r", rule)
		fwds[k] = m.snap.Load().sub[inputEvent].index["ip"].pm.fwd
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wok := appendIPKey(nil, []byte(s))
		for k, fwd := range fwds {
			w, ok := want, wok
			if k == 0 && ok && w[0] == tagIPv6 {
				w, ok = nil, false
			}
			got, gok := appendIPKeyAt(nil, []byte(s), fwd)
			if gok != ok || !bytes.Equal(got, w) {
				t.Fatalf("fwd %d: appendIPKeyAt(%q) = %x %v, want %x %v", k, s, got, gok, w, ok)
			}
		}
	})
}
