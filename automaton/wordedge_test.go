package automaton

import (
	"fmt"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestWordEdgeKeys holds keys and member names of every length from 0 to
// 40 to compiler.Explain, on Match and MatchTrusted (of a Matcher and of
// the Machine), where a lookup by machine words (load64: eight bytes a
// turn, a tail under a mask, a guessed name in two words) goes wrong at
// the edges of its words: a key of exactly 8, 16, 24 or 32 bytes, one
// byte either side of those, a value that differs from a key only in its
// last (or first) byte, or runs one byte past it or stops one short. The
// random differential draws few values of those lengths and fewer that
// differ from a key in one byte; a lookup that misses every key of
// exactly eight bytes passed it.
//
// Each pattern (an exact string, a prefix, a suffix, equals-ignore-case,
// anything-but of a string, an exact value at a nested path, and a value
// at a member whose name has the length: exact at the top, a prefix
// nested) is matched alone in its own machine and beside the other
// lengths of its kind in a shared one (where a path's exact keys are
// hashed into a table rather than walked). Each event puts the value (a scalar or an array of one)
// first, last or between the envelope's members, and each is matched
// twice: ending right before an unreadable page (linux; elsewhere a slice
// with no capacity past its end), so that a load past its end faults, and
// mid-buffer, at an odd offset, with bytes like the key's after its end.
func TestWordEdgeKeys(t *testing.T) {
	tail, done := wordEdgeTail(t)
	defer done()
	var lengths []int
	for n := 0; n <= 40; n++ {
		lengths = append(lengths, n)
	}
	// A key of length n: no two bytes alike in a row, no dot, lower case
	// and digits (equals-ignore-case gets a mixed-case one).
	const alpha = "abcdefghijklmnopqrstuvwxyz0123456789ghijklmnopq"
	key := func(n int) string { return alpha[:n] }
	mixed := func(n int) string {
		b := []byte(alpha[:n])
		for i := 0; i < n; i += 2 {
			if b[i] >= 'a' && b[i] <= 'z' {
				b[i] -= 'a' - 'A'
			}
		}
		return string(b)
	}
	type kind struct {
		name string
		// pattern: the pattern for key k; member: the member (name and
		// value) an event holds for text s, val being its written value
		// (a string, or an array of one); key: the key of length n.
		pattern func(k string) string
		member  func(s, val string) string
		key     func(n int) string
		onName  bool // the variants change the member name, not the value
		// sameLength: a text matches only a key of its own length (an
		// exact value or name, ASCII case-folded), so the shared
		// machine's other patterns are expected not to match without
		// asking Explain (which keeps the test fast).
		sameLength bool
	}
	kinds := []kind{
		{name: "exact", sameLength: true, key: key,
			pattern: func(k string) string { return fmt.Sprintf(`{"v":[%q]}`, k) },
			member:  func(_, val string) string { return `"v":` + val }},
		{name: "prefix", key: key,
			pattern: func(k string) string { return fmt.Sprintf(`{"v":[{"prefix":%q}]}`, k) },
			member:  func(_, val string) string { return `"v":` + val }},
		{name: "suffix", key: key,
			pattern: func(k string) string { return fmt.Sprintf(`{"v":[{"suffix":%q}]}`, k) },
			member:  func(_, val string) string { return `"v":` + val }},
		{name: "equals-ignore-case", sameLength: true, key: mixed,
			pattern: func(k string) string { return fmt.Sprintf(`{"v":[{"equals-ignore-case":%q}]}`, k) },
			member:  func(_, val string) string { return `"v":` + val }},
		{name: "anything-but", key: key,
			pattern: func(k string) string { return fmt.Sprintf(`{"v":[{"anything-but":%q}]}`, k) },
			member:  func(_, val string) string { return `"v":` + val }},
		{name: "nested", sameLength: true, key: key,
			pattern: func(k string) string { return fmt.Sprintf(`{"a":{"b":{"v":[%q]}}}`, k) },
			member:  func(_, val string) string { return `"a":{"a0":1,"b":{"v":` + val + `,"z9":"v"}}` }},
		{name: "name", sameLength: true, key: key, onName: true,
			pattern: func(k string) string { return fmt.Sprintf(`{%q:["x"]}`, k) },
			member:  func(s, val string) string { return fmt.Sprintf(`%q:%s`, s, val) }},
		{name: "nested-name", sameLength: true, key: key, onName: true,
			pattern: func(k string) string { return fmt.Sprintf(`{"o":{%q:[{"prefix":"x"}]}}`, k) },
			member:  func(s, val string) string { return fmt.Sprintf(`"o":{"a0":"x",%q:%s}`, s, val) }},
	}
	// variants of text k: itself, its last or first byte changed, a byte
	// more at either end, a byte fewer at either end, in other case.
	variants := func(k string) []string {
		vs := []string{k, strings.ToUpper(k), strings.ToLower(k), k + "q", "Q" + k}
		if n := len(k); n > 0 {
			vs = append(vs, k[:n-1]+"#", "#"+k[1:], k[:n-1], k[1:])
			if c := k[n-1] | 0x20; c >= 'a' && c <= 'z' {
				vs = append(vs, k[:n-1]+string(k[n-1]^0x20))
			}
		}
		seen := map[string]bool{}
		out := vs[:0]
		for _, v := range vs {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		return out
	}
	envA := `"id":"1","account":"1","time":"t"`
	envB := `"region":"r","detail-type":"d","source":"s"`
	// events writes the member m first, last and between the envelope's
	// members.
	events := func(m string) []string {
		return []string{
			`{` + m + `,` + envA + `,` + envB + `}`,
			`{` + envA + `,` + envB + `,` + m + `}`,
			`{` + envA + `,` + m + `,` + envB + `}`,
		}
	}
	var cases, compiled, checks, trustedChecks, matched, untrusted int
	for _, k := range kinds {
		shared := New(Config{})
		live := map[ID]*compiler.Pattern{}
		type one struct {
			id ID
			p  *compiler.Pattern
			m  *Machine
			k  string
		}
		var ones []one
		keyLen := map[ID]int{}
		for _, n := range lengths {
			kk := k.key(n)
			src := k.pattern(kk)
			cases++
			p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
			if err != nil {
				if n == 0 {
					continue // an empty prefix, suffix or name may be refused
				}
				t.Fatalf("%s: %v", src, err)
			}
			compiled++
			id := ID(fmt.Sprintf("%s/%d", k.name, n))
			alone := New(Config{})
			if err := alone.Add(id, p); err != nil {
				t.Fatal(err)
			}
			if err := shared.Add(id, p); err != nil {
				t.Fatal(err)
			}
			live[id] = p
			keyLen[id] = n
			ones = append(ones, one{id, p, alone, kk})
		}
		smt := shared.NewMatcher()
		// want holds Explain's answers for a member, for every pattern of
		// the kind: they do not depend on where in the event the member
		// is (the same members, in another order), so each is computed on
		// the member placed last and held to every placement. A member
		// met again (a variant of one length is often another's key, or
		// its variant) is checked against the shared machine once.
		want := map[string]map[ID]bool{}
		for _, o := range ones {
			amt := o.m.NewMatcher()
			for _, s := range variants(o.k) {
				var ms []string
				if k.onName {
					if strings.ContainsAny(s, `.`) {
						continue
					}
					ms = []string{k.member(s, `"x"`), k.member(s, `["x"]`)}
				} else {
					q := fmt.Sprintf("%q", s)
					ms = []string{k.member("", q), k.member("", "["+q+"]")}
				}
				for _, m := range ms {
					w, checkShared := want[m], false
					if w != nil && !w[o.id] && k.sameLength && keyLen[o.id] != len(s) {
						// Set without Explain for another pattern: ask it.
						ex, err := compiler.Explain(o.p, []byte(events(m)[1]))
						if err != nil {
							t.Fatal(err)
						}
						w[o.id] = ex.Matched
					}
					if w == nil {
						checkShared = true
						w = map[ID]bool{}
						ev := events(m)[1]
						for id, p := range live {
							if k.sameLength && id != o.id && keyLen[id] != len(s) {
								w[id] = false
								continue
							}
							ex, err := compiler.Explain(p, []byte(ev))
							if err != nil {
								t.Fatalf("explain %s on %s: %v", id, ev, err)
							}
							w[id] = ex.Matched
						}
						want[m] = w
					}
					for _, ev := range events(m) {
						for _, buf := range [][]byte{tail([]byte(ev)), wordEdgeMid(ev)} {
							canTrust := true
							if err := amt.CheckTrusted(buf); err != nil {
								if te, ok := err.(*TrustError); !ok || !te.TopEmpty {
									t.Fatalf("%s: CheckTrusted refuses %s: %v", o.id, ev, err)
								}
								canTrust = false // a top-level "" holding an array
								untrusted++
							}
							for path := 0; path < 4; path++ {
								trusted := path&1 == 1
								if trusted && !canTrust {
									continue
								}
								var got []ID
								var err error
								switch path {
								case 0:
									got, err = amt.Match(nil, buf)
								case 1:
									got, err = amt.MatchTrusted(nil, buf)
								case 2:
									got, err = o.m.Match(buf)
								case 3:
									got, err = o.m.MatchTrusted(buf)
								}
								if err != nil {
									t.Fatalf("%s path %d on %s: %v", o.id, path, ev, err)
								}
								if path < 2 {
									if err := amt.checkFired(); err != nil {
										t.Fatalf("%s path %d on %s: %v", o.id, path, ev, err)
									}
								}
								checks++
								if trusted {
									trustedChecks++
								}
								if (len(got) == 1 && got[0] == o.id) != w[o.id] || len(got) > 1 {
									t.Errorf("%s alone, %s, trusted %v: pattern %s on %s: Explain %v, automaton %v",
										o.id, [...]string{"Matcher", "Machine"}[path/2], trusted, k.pattern(o.k), ev, w[o.id], got)
								}
								if w[o.id] {
									matched++
								}
							}
							if !checkShared {
								continue
							}
							for _, trusted := range []bool{false, true} {
								if trusted && !canTrust {
									continue
								}
								var got []ID
								var err error
								if trusted {
									got, err = smt.MatchTrusted(nil, buf)
								} else {
									got, err = smt.Match(nil, buf)
								}
								if err != nil {
									t.Fatalf("%s shared on %s: %v", k.name, ev, err)
								}
								if err := smt.checkFired(); err != nil {
									t.Fatalf("%s shared, trusted %v, on %s: %v", k.name, trusted, ev, err)
								}
								checks++
								if trusted {
									trustedChecks++
								}
								g := map[ID]bool{}
								for _, id := range got {
									if g[id] {
										t.Errorf("%s shared, trusted %v, on %s: %s twice in %v", k.name, trusted, ev, id, got)
									}
									g[id] = true
								}
								for id, x := range w {
									if g[id] != x {
										t.Errorf("%s shared, trusted %v: pattern %s on %s: Explain %v, automaton %v", k.name, trusted, id, ev, x, g[id])
									}
								}
							}
						}
					}
				}
			}
		}
	}
	if matched == 0 || trustedChecks == 0 {
		t.Fatalf("degenerate: %d matched, %d trusted checks", matched, trustedChecks)
	}
	t.Logf("%d patterns (%d compiled), %d checks (%d trusted; %d events outside MatchTrusted's contract), %d alone checks expected to match", cases, compiled, checks, trustedChecks, untrusted, matched)
}

// wordEdgeMid returns ev in the middle of a buffer, at an odd offset,
// with capacity past its end holding what the closing quote and brace
// of a key would be followed by, and the key's letters again.
func wordEdgeMid(ev string) []byte {
	const before = 5
	after := `q"}]` + ev
	buf := make([]byte, 0, before+len(ev)+len(after))
	buf = append(buf, `{"v"x`[:before]...)
	buf = append(buf, ev...)
	buf = append(buf, after...)
	return buf[before : before+len(ev)]
}

// wordEdgeExact copies ev to a slice with no capacity past its end.
func wordEdgeExact(ev []byte) []byte {
	d := make([]byte, len(ev))
	copy(d, ev)
	return d[:len(ev):len(ev)]
}
