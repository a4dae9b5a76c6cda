package automaton

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestGlobGroups puts sets of globs alike but for one middle part at one
// path (the part before the key, after it, between shared parts, in
// globs indexed by head, tail or a middle part, one part a prefix of
// another, alternatives of under eight, eight to sixteen and over
// sixteen bytes), checks that they are grouped, and holds both paths to
// compiler.Explain on values that hold none, one or several of the
// alternatives, in and out of place. It then removes members one by one
// and checks again (the groups are made anew at every write).
func TestGlobGroups(t *testing.T) {
	cases := []struct {
		name  string
		globs []string
		vals  []string
	}{
		{"arn regions", []string{
			"arn:aws:*:us-east-1:*:instance/i-*", "arn:aws:*:us-west-2:*:instance/i-*", "arn:aws:*:eu-west-1:*:instance/i-*",
		}, []string{
			"arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", "arn:aws:ec2:eu-west-1:1:instance/i-",
			"arn:aws:ec2:us-west-2:us-east-1::instance/i-x", "arn:aws:ec2:ap-southeast-2:1:instance/i-0",
			"arn:aws:s3:::bucket", "arn:aws:ec2:instance/i-:us-east-1:", "arn:aws::us-east-1::instance/i-",
			"arn:aws:us-east-1:instance/i-", ":us-east-1::instance/i-", "arn:aws:ec2:us-east-2:1:instance/i-0",
		}},
		{"after the key", []string{"the-long-shared-key-*-alpha-*", "the-long-shared-key-*-beta-*", "the-long-shared-key-*-gamma-ray-burst-*"}, []string{
			"the-long-shared-key--alpha-", "the-long-shared-key-x-beta-y", "the-long-shared-key-x-gamma-ray-burst-y",
			"the-long-shared-key-beta-", "the-long-shared-key--beta--alpha-", "xthe-long-shared-key--alpha-", "the-long-shared-key-",
			"the-long-shared-key--gamma-ray-burst", "the-long-shared-key--gamma-ray-burs-",
		}},
		{"between shared parts", []string{
			"*the-shared-middle-part*:a:*two*", "*the-shared-middle-part*:bb:*two*", "*the-shared-middle-part*:ccc:*two*",
			"*the-shared-middle-part*:a-long-alternative:*two*",
		}, []string{
			"the-shared-middle-part:a:two", "the-shared-middle-parttwo:a:", ":a:the-shared-middle-parttwo",
			"the-shared-middle-part:bb:two:a:", "xxthe-shared-middle-part:ccc:xxtwoxx", "the-shared-middle-part:a-long-alternative:two",
			"the-shared-middle-part:a-long-alternativ:two", "the-shared-middle-part:a-long-alternative:tw", ":a:the-shared-middle-part:a:two",
			"the-shared-middle-part:a:", "the-shared-middle-parttwo", "the-shared-middle-part-the-shared-middle-part:bb:two",
		}},
		{"tail key", []string{"*/2021/*.jpeg-original", "*/2022/*.jpeg-original", "*/2023/*.jpeg-original"}, []string{
			"b/2021/x.jpeg-original", "b/2022/.jpeg-original", "/2023/.jpeg-original", "/2021.jpeg-original",
			"b/2024/x.jpeg-original", "/2022//2021/a.jpeg-original", "/2021/.jpeg-origina",
		}},
		{"prefixes of each other", []string{"head*ab*tailpart", "head*abc*tailpart", "head*a*tailpart"}, []string{
			"headabtailpart", "headabctailpart", "headatailpart", "headxtailpart", "headtailpart", "headabcabtailpart",
		}},
		{"short values", []string{"ab*c*de", "ab*d*de", "ab*e*de"}, []string{"abcde", "abde", "abdde", "abede", "abxde", "abcd", "ab"}},
	}
	// An alternative at every offset of the value's part it is looked
	// for in, up to a few words, and one that differs in its last byte.
	for pad := 0; pad < 24; pad++ {
		x := strings.Repeat("x", pad)
		cases[0].vals = append(cases[0].vals, "arn:aws:"+x+":eu-west-1::instance/i-", "arn:aws:"+x+":eu-west-1:"+x+":instance/i-",
			"arn:aws:"+x+":eu-west-2:"+x+":instance/i-")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := New(Config{})
			pats := make([]*compiler.Pattern, len(tc.globs))
			for i, g := range tc.globs {
				p, err := compiler.Compile([]byte(fmt.Sprintf(`{"k":[{"wildcard":%q}]}`, g)), compiler.EventBridge, nil)
				if err != nil {
					t.Fatal(err)
				}
				pats[i] = p
				if err := m.Add(ID(fmt.Sprint(i)), p); err != nil {
					t.Fatal(err)
				}
			}
			if n := groupedGlobs(m); n != len(tc.globs) {
				t.Fatalf("%d of %d globs grouped", n, len(tc.globs))
			}
			for del := 0; del < len(tc.globs); del++ {
				for _, v := range tc.vals {
					val, _ := json.Marshal(v)
					for _, k := range []string{`"k":` + string(val), `"k":["zz",` + string(val) + `]`} {
						ev := []byte(`{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d",` + k + `}`)
						got := matchSets(t, m, ev)
						for i := del; i < len(pats); i++ {
							ex, err := compiler.Explain(pats[i], ev)
							if err != nil {
								t.Fatal(err)
							}
							for path, set := range got {
								if set[ID(fmt.Sprint(i))] != ex.Matched {
									t.Errorf("%s, %d removed: %s on %s: Explain %v, automaton %v", path, del, tc.globs[i], ev, ex.Matched, !ex.Matched)
								}
							}
						}
					}
				}
				m.Delete(ID(fmt.Sprint(del)))
				if n := groupedGlobs(m); n != 0 && n != len(tc.globs)-del-1 {
					t.Fatalf("%d removed: %d grouped", del+1, n)
				}
			}
		})
	}
}

// groupedGlobs counts the glob marks in a group in the machine's tries.
func groupedGlobs(m *Machine) int {
	n := 0
	var walk func(x *node)
	walk = func(x *node) {
		if x == nil {
			return
		}
		for _, mk := range x.passMarks() {
			if mk.verify == verifyGlob && mk.check.glob.alts != nil {
				n++
			}
		}
		for _, k := range x.kids {
			walk(k)
		}
	}
	for _, e := range m.snap.Load().sub[0].index {
		if pm := e.pm; pm != nil {
			walk(pm.fwd)
			walk(pm.rev)
			walk(pm.infix)
		}
	}
	return n
}

// FuzzGlobGroup holds a group's verification (globAlts.found, after the
// ends fireAll compares) to compiler.Glob.Match for each member: a
// template glob whose middle part '#' takes each alternative in turn,
// indexed by its head, its tail or another middle part, with the key at
// every place the trie would find it.
func FuzzGlobGroup(f *testing.F) {
	f.Add("arn:aws:*#*:instance/i-*", ":us-east-1:,:us-west-2:,:eu-west-1:", "arn:aws:ec2:us-east-1:1:instance/i-0", uint8(2))
	f.Add("k*x*#*y", "ab,abc,b", "kxabcyabyxaby", uint8(1))
	f.Add("a-long-head*#*mid*tail", "0123456789abcdefXY,01234567", "a-long-head0123456789abcdefXYmidtail", uint8(0))
	f.Add("*#*b", "a,aa", "aab", uint8(3))
	f.Fuzz(func(t *testing.T, tmpl, alts, s string, which uint8) {
		if len(tmpl) > 40 || len(alts) > 60 || len(s) > 100 {
			return
		}
		parts := strings.Split(tmpl, "*")
		last := len(parts) - 1
		v := -1
		for i := 1; i < last; i++ {
			if parts[i] == "#" {
				v = i
				break
			}
		}
		if v < 0 {
			return
		}
		var list []mark
		globs := map[int32]compiler.Glob{}
		var kind trieKind
		var key string
		for k, alt := range strings.Split(alts, ",") {
			if alt == "" || k >= maxGlobAlts {
				continue
			}
			g := compiler.Glob{Parts: append([]string(nil), parts...)}
			g.Parts[v] = alt
			// The key: the head, the tail or another middle part,
			// as which says (the same for every member).
			switch w := int(which) % (last + 1); {
			case w == 0:
				kind, key = trieFwd, g.Parts[0]
			case w == last:
				kind, key = trieRev, g.Parts[last]
			case w == v:
				return // the key is not an alternative
			default:
				kind, key = trieInfix, g.Parts[w]
				if key == "" {
					return
				}
				// newGlobCheck takes the first middle part equal to
				// the key: no alternative may be it.
				if alt == key {
					return
				}
			}
			globs[int32(k)] = g
			list = append(list, mark{pred: int32(k), verify: verifyGlob, check: &markCheck{glob: newGlobCheck(g, kind, key)}})
		}
		if len(list) < 2 {
			return
		}
		list = groupGlobs(list)
		var lead *globCheck
		for i := range list {
			if g := list[i].check.glob; g.alts != nil && g.lead {
				lead = g
			}
		}
		if lead == nil {
			t.Fatalf("%q with %q: no group", tmpl, alts)
		}
		// The places the trie finds the key at.
		var places []int
		switch kind {
		case trieFwd:
			if strings.HasPrefix(s, key) {
				places = []int{0}
			}
		case trieRev:
			if strings.HasSuffix(s, key) {
				places = []int{len(s) - len(key)}
			}
		default:
			for at := 0; at+len(key) <= len(s); at++ {
				if s[at:at+len(key)] == key {
					places = append(places, at)
				}
			}
		}
		var got uint64
		for _, at := range places {
			if lead.ends([]byte(s)) {
				got |= lead.alts.found([]byte(s), at, lead)
			}
		}
		for k, p := range lead.alts.preds {
			want := globs[p].Match(s)
			if got&(1<<k) != 0 != want {
				t.Fatalf("%q on %q, key %q (kind %d): group says %v, Match %v", globs[p].Parts, s, key, kind, !want, want)
			}
		}
	})
}

// TestGlobGroupBound grows one trie position past maxGlobGroup marks (no
// group then: a write there looks at no list that long) and shrinks it
// back (groups of at most maxGlobAlts again), matching as Explain says
// at every size.
func TestGlobGroupBound(t *testing.T) {
	m := New(Config{})
	n := maxGlobGroup + 8
	pats := make([]*compiler.Pattern, n)
	for i := range pats {
		src := fmt.Sprintf(`{"k":[{"wildcard":"arn:aws:*:r%d:*:instance/i-*"}]}`, i)
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		pats[i] = p
	}
	check := func(live func(i int) bool, wantGrouped int) {
		t.Helper()
		if got := groupedGlobs(m); got != wantGrouped {
			t.Fatalf("%d grouped, want %d", got, wantGrouped)
		}
		for _, r := range []int{0, 7, maxGlobAlts, maxGlobGroup, n - 1} {
			ev := []byte(fmt.Sprintf(`{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","k":"arn:aws:ec2:r%d:1:instance/i-0"}`, r))
			got := matchSets(t, m, ev)
			for i := range pats {
				want := i == r && live(i)
				for path, set := range got {
					if set[ID(strconv.Itoa(i))] != want {
						t.Fatalf("%s: r%d on region r%d: %v, want %v", path, i, r, !want, want)
					}
				}
			}
		}
	}
	for i, p := range pats {
		if err := m.Add(ID(strconv.Itoa(i)), p); err != nil {
			t.Fatal(err)
		}
		switch i + 1 {
		case maxGlobAlts + 1: // a group of maxGlobAlts, one alone
			check(func(k int) bool { return k <= i }, maxGlobAlts)
		case maxGlobGroup:
			check(func(k int) bool { return k <= i }, maxGlobGroup)
		case maxGlobGroup + 1:
			check(func(k int) bool { return k <= i }, 0)
		}
	}
	check(func(int) bool { return true }, 0)
	for i := n - 1; i >= maxGlobGroup; i-- {
		m.Delete(ID(strconv.Itoa(i)))
	}
	check(func(k int) bool { return k < maxGlobGroup }, maxGlobGroup)
}

// TestGlobGroupBoundMarks holds the bound for marks that are not globs:
// a plain mark that takes a grouped list past maxGlobGroup ends its
// groups, so that no longer list has one (a write there would not look),
// and a removal that brings it back groups it again.
func TestGlobGroupBoundMarks(t *testing.T) {
	var root *node
	created, nkeys := 0, 0
	const lit = ":instance/i-"
	key := append([]byte{tagString}, lit...)
	at := func() []mark {
		n := root.child(tagString)
		for _, b := range []byte(lit) {
			if n.seg != "" {
				return n.passMarks()
			}
			n = n.child(b)
		}
		return n.passMarks()
	}
	grouped := func() int {
		c := 0
		for _, mk := range at() {
			if mk.verify == verifyGlob && mk.check.glob.alts != nil {
				c++
			}
		}
		return c
	}
	for i := 0; i < maxGlobGroup; i++ {
		g := compiler.Glob{Parts: strings.Split(fmt.Sprintf("arn:aws:*:r%d:*:instance/i-*", i), "*")}
		mk := mark{pred: int32(i), verify: verifyGlob, check: &markCheck{glob: newGlobCheck(g, trieInfix, lit)}}
		root = insert(root, key, placePass, 0, 0, mk, 1, &created, &nkeys)
	}
	if got := grouped(); got != maxGlobGroup {
		t.Fatalf("%d of %d grouped", got, maxGlobGroup)
	}
	for i := 0; i < 3; i++ {
		root = insert(root, key, placePass, 0, 0, mark{pred: int32(1000 + i)}, 1, &created, &nkeys)
		if got := grouped(); got != 0 {
			t.Fatalf("%d marks: %d grouped", len(at()), got)
		}
	}
	removed := 0
	for _, p := range []int32{5, 1000, 1001} {
		root = remove(root, key, func(mk *mark) bool { return mk.pred == p }, 1, &removed, &nkeys)
	}
	if got, want := grouped(), maxGlobGroup-1; len(at()) != maxGlobGroup || got != want {
		t.Fatalf("%d marks: %d grouped, want %d", len(at()), got, want)
	}
}
