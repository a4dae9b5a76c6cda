package automaton

import (
	"fmt"
	"slices"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestValidObjectMemo: Match guessing member names (nameMemo, in
// validObject) answers as Match reading every name byte by byte
// (byteNames: no guess, no words), with the same errors, on a warm
// Matcher that also reads the events with MatchTrusted (the two share
// the memo): names laid out in turns, names that differ by a byte or
// their length, long names (their tails), names too near the end to
// guess, strings, numbers and containers passed after a guessed name
// (last in their objects too), and copies of each event with one byte
// changed (a quote, a backslash, a dot, a control character, a byte
// over 0x7F, a space) — before and after writes.
func TestValidObjectMemo(t *testing.T) {
	pats := append(slices.Clone(memoPatterns),
		`{"recipientAccountIdX":["1"],"responseElementsA":["a"]}`,
		`{"detail":{"requestParametersABCDEFGHIJKLMN":["31"]}}`,
		`{"abcdefghijklmnopq":{"r":["dot"]}}`,
	)
	m := compileAll(t, compiler.EventBridge, pats...)
	evs := append(slices.Clone(memoEvents),
		`{"recipientAccountIdX":"1","responseElementsA":"a","detail":{"requestParametersABCDEFGHIJKLMN":"31"}}`,
		`{"recipientAccountIdX":"1","responseElementsB":"a","detail":{"requestParametersABCDEFGHIJKLMX":"31"}}`,
		`{"responseElementsA":"a","recipientAccountIdX":"1","source":"aws.ec2"}`,
		`{"abcdefghijklmnopq.r":"dot","recipientAccountIdX":"1","source":"aws.ec2"}`,
		`{"abcdefghijklmnopq":{"r":"dot"},"recipientAccountIdX":"1","source":"aws.ec2"}`,
		`{"source":"aws.ec2","detail":{"state":"running","version":"2"},"account":"1"}`,
		`{"version":0,"id":-12.5,"source":"aws.ec2","time":1e5,"detail":{"n":123456789012,"m":01,"state":"running","k":7}}`,
		`{"version":10,"id":-1,"source":"aws.ec2","time":2.25,"detail":{"n":1234567890123456789,"state":"running","k":-0}}`,
		`{"version":[],"id":{"a":[1,{"b":"c"}]},"source":"aws.ec2","time":{},"detail":{"n":[true,null],"state":"running","k":{"x":"y"}},"r":[]}`,
		`{"version":[1],"id":{},"source":"aws.ec2","time":[ ],"detail":{"n":{"m":[]},"state":"running","k":"z"},"r":"s"}`,
	)
	var all []string
	for _, ev := range evs {
		all = append(all, ev)
		for p := 1; p < len(ev); p += 3 {
			b := []byte(ev)
			b[p] = "\"\\.\x01\xc3 "[p%6]
			all = append(all, string(b))
		}
	}
	warm := m.NewMatcher() // kept across the writes: its nodes name old scopes
	check := func() {
		t.Helper()
		ref := m.NewMatcher()
		ref.byteNames = true
		want := map[string]string{}
		for _, ev := range all {
			ids, err := ref.Match(nil, []byte(ev))
			slices.Sort(ids)
			want[ev] = fmt.Sprint(ids, err)
		}
		for first := range 4 {
			mt := warm
			if first > 0 {
				mt = m.NewMatcher()
			}
			for round := range 3 {
				for k := range evs {
					ev := evs[(first+k*(round+1)+round)%len(evs)]
					mt.MatchTrusted(nil, []byte(ev)) // learns as passMembers does
					for _, ev := range []string{ev, all[(k*31+round*7+first)%len(all)]} {
						ids, err := mt.Match(nil, []byte(ev))
						slices.Sort(ids)
						if got := fmt.Sprint(ids, err); got != want[ev] {
							t.Fatalf("first %d, round %d: %q: Match %s; byte-wise %s", first, round, ev, got, want[ev])
						}
					}
				}
			}
			for _, ev := range all {
				ids, err := mt.Match(nil, []byte(ev))
				slices.Sort(ids)
				if got := fmt.Sprint(ids, err); got != want[ev] {
					t.Fatalf("first %d: %q: Match %s; byte-wise %s", first, ev, got, want[ev])
				}
			}
		}
	}
	check()
	addPattern(t, m, "a", `{"responseElementsB":["a"],"sourc":["aws.ec2"]}`)
	check()
	if !m.Delete("a") {
		t.Fatal("Delete a: not there")
	}
	check()
}
