package automaton

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// nextRef is infixFilter.next byte by byte: the first offset from i on
// where a pair's first byte is, and its second byte dist further (or any
// byte, or none, for a pair that takes any).
func nextRef(f *infixFilter, val []byte, i int) int {
	for ; i < len(val); i++ {
		for k := 0; k < f.pairs; k++ {
			if val[i] != byte(f.b0[k]) {
				continue
			}
			if f.any[k] != 0 || i+f.dist < len(val) && val[i+f.dist] == byte(f.b1[k]) {
				return i
			}
		}
	}
	return -1
}

// TestInfixFilterNext holds the word-wise search for pairs (one, two and
// more pairs, any second byte, distances up to a long literal's) to the
// byte-wise definition, from every offset of values of every length up
// to a few words, over an alphabet small enough for pairs to occur.
func TestInfixFilterNext(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	const alphabet = "ab:/\x00\x80\xff"
	for iter := 0; iter < 3000; iter++ {
		f := &infixFilter{pairs: 1 + r.Intn(maxInfixPairs), dist: 1 + r.Intn(12)}
		for k := 0; k < f.pairs; k++ {
			f.b0[k] = ones * uint64(alphabet[r.Intn(len(alphabet))])
			f.b1[k] = ones * uint64(alphabet[r.Intn(len(alphabet))])
			if f.dist == 1 && r.Intn(4) == 0 {
				f.any[k], f.hasAny = ^uint64(0), true
			}
		}
		val := make([]byte, r.Intn(40))
		for i := range val {
			val[i] = alphabet[r.Intn(len(alphabet))]
		}
		for i := 0; i <= len(val); i++ {
			if got, want := f.next(val, i), nextRef(f, val, i); got != want {
				t.Fatalf("pairs %d dist %d any %v, %q from %d: next %d, want %d", f.pairs, f.dist, f.any[:f.pairs], val, i, got, want)
			}
		}
	}
}

// TestInfixStart checks the filters commit derives: one literal (its
// first and last byte), literals paired with the byte at the farthest
// distance all of them span with few pairs (at most maxInfixDist), or
// else with their second byte, literals of one byte (any second byte),
// and more pairs than a filter holds (the set of first bytes).
func TestInfixStart(t *testing.T) {
	cases := []struct {
		lits  []string
		pairs int
		dist  int
		lit   string
		any   bool
	}{
		{[]string{"State"}, 1, 4, "State", false},
		{[]string{":instance/i-", ":ap-southeast-2:"}, 2, 8, "", false},
		{[]string{"/2021/", "/2022/", "file-1", "file-12"}, 2, 5, "", false},
		{[]string{"file-1", "file-2", "file-3", "file-4", "file-5"}, 1, 4, "", false},
		{[]string{"abc", "abd", "ab"}, 1, 1, "", false},
		{[]string{"a"}, 1, 1, "", true},
		{[]string{"a", "ab"}, 1, 1, "", true},
		{[]string{"ab", "cd", "ef", "gh", "ij"}, 0, 0, "", false},
		{[]string{"xa", "xb", "xc", "xd", "xe"}, 1, 1, "", true},
	}
	for _, c := range cases {
		var root *node
		created, nkeys := 0, 0
		for i, l := range c.lits {
			root = insert(root, append([]byte{tagString}, l...), placePass, 0, 0, mark{pred: int32(i)}, 1, &created, &nkeys)
		}
		n, f := infixStart(root)
		if n == nil || f.pairs != c.pairs || f.pairs > 0 && f.dist != c.dist || f.lit != c.lit || f.hasAny != c.any {
			t.Errorf("%q: pairs %d dist %d lit %q any %v, want %d %d %q %v", c.lits, f.pairs, f.dist, f.lit, f.hasAny, c.pairs, c.dist, c.lit, c.any)
		}
		for _, l := range c.lits {
			if f.first[l[0]>>6]&(1<<(l[0]&63)) == 0 {
				t.Errorf("%q: %q's first byte is not in the set", c.lits, l)
			}
		}
	}
}

// TestInfixEnds checks the ends an infix filter compares a value with
// before its search: every mark a glob with a head or a tail, few
// distinct, or none (a glob without ends, too many ends), and that a
// value is searched exactly where its ends fit one of them.
func TestInfixEnds(t *testing.T) {
	cases := []struct {
		globs []string
		nends int
		from  int
		vals  map[string]bool // value: searched
	}{
		{[]string{"*State*n", "*State*tion", "*State*n"}, 2, 0, map[string]bool{
			"EC2 Instance State-change Notification": true, "Object Created": false, "AWS API Call via CloudTrail": false,
			"a short n": true, "x State-of-the-art station": true,
		}},
		{[]string{"arn:aws:*:us-east-1:*:instance/i-*", "arn:aws:*:eu-west-1:*:instance/i-*"}, 1, 8, map[string]bool{
			"arn:aws:ec2:us-east-1:1:instance/i-0": true, "arn:aws-cn:ec2:x:instance/i-0": false, "xarn:aws:": false,
		}},
		{[]string{"a-very-long-head-part*State-of-the-art-middle-part*and-a-long-tail", "arn:aws:*:us-east-1:*:the-long-instance/i-*"}, 2, 8, map[string]bool{
			"a-very-long-head-part State and-a-long-tail": true, "a-very-lxng-head-part State and-a-long-tail": true,
			"a-very-long State -long-tail": true, "b-very-long State -long-tail": false,
		}},
		{[]string{"*State*n", "*State*"}, 0, 0, nil},
		{[]string{"ab*State*n", "abc*State*"}, 2, 2, nil},
		{[]string{"ab*State*n", "*State*"}, 0, 0, nil},
		{[]string{"a*State*1", "b*State*2", "c*State*3", "d*State*4", "e*State*5"}, 0, 1, nil},
		{[]string{"a*State*1", "b*State*2", "c*State*3", "d*State*4"}, 4, 1, map[string]bool{"a State 1": true, "a State 2": false, "d-State-4": true}},
	}
	for _, c := range cases {
		var root *node
		created, nkeys := 0, 0
		for i, src := range c.globs {
			g := compiler.Glob{Parts: strings.Split(src, "*")}
			kind, lit := globKey(g)
			if kind != trieInfix {
				t.Fatalf("%s: not indexed by a middle part", src)
			}
			mk := mark{pred: int32(i), verify: verifyGlob, check: &markCheck{glob: newGlobCheck(g, kind, lit)}}
			if globExact(g, kind) {
				mk.verify, mk.check = verifyNone, nil
			}
			root = insert(root, append([]byte{tagString}, lit...), placePass, 0, 0, mk, 1, &created, &nkeys)
		}
		_, f := infixStart(root)
		if f.nends != c.nends || f.from != c.from {
			t.Errorf("%q: %d ends, from %d, want %d, %d", c.globs, f.nends, f.from, c.nends, c.from)
			continue
		}
		for v, want := range c.vals {
			if got := f.endsFit([]byte(v)); got != want {
				t.Errorf("%q on %q: searched %v, want %v", c.globs, v, got, want)
			}
		}
	}
}

// TestInfixWalkSegs holds infixWalk's seg compares (byte by byte under
// four bytes, two words up to sixteen, memequal beyond) to Explain:
// two infixes sharing their first byte leave a seg of every length below
// it, and the values hold each infix whole, with any one byte changed,
// and cut short, at the start, middle and end of a value.
func TestInfixWalkSegs(t *testing.T) {
	const body = "0123456789abcdefghijklmnopqrstuvwxyz"
	for n := 1; n <= 22; n++ {
		lits := []string{"qA" + body[:n], "qB" + body[:n]}
		m := New(Config{})
		var pats []*compiler.Pattern
		for i, l := range lits {
			p, err := compiler.Compile([]byte(`{"k":[{"wildcard":"*`+l+`*"}]}`), compiler.EventBridge, nil)
			if err != nil {
				t.Fatal(err)
			}
			pats = append(pats, p)
			if err := m.Add(ID(strconv.Itoa(i)), p); err != nil {
				t.Fatal(err)
			}
		}
		var vals []string
		for _, l := range lits {
			vals = append(vals, l, l[:len(l)-1])
			for k := 1; k < len(l); k++ {
				vals = append(vals, l[:k]+"!"+l[k+1:])
			}
		}
		for _, v := range vals {
			for _, s := range []string{v, "xx" + v, v + "yy", "pad-" + v + "-pad"} {
				ev := []byte(`{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","k":"` + s + `"}`)
				got := matchSets(t, m, ev)
				for i, p := range pats {
					ex, err := compiler.Explain(p, ev)
					if err != nil {
						t.Fatal(err)
					}
					for path, set := range got {
						if set[ID(strconv.Itoa(i))] != ex.Matched {
							t.Errorf("%s: *%s* on %q: Explain %v", path, lits[i], s, ex.Matched)
						}
					}
				}
			}
		}
	}
}
