package automaton

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestGlobIndex matches wildcards indexed by head, tail and middle part
// (see putGlob) — alone and sharing keys in one machine, as a positive
// condition and as an anything-but exclusion — against Explain, on both
// paths. The values include empty ones, ones shorter than the literals,
// ones holding a literal twice and ones where parts overlap.
func TestGlobIndex(t *testing.T) {
	globs := []string{
		`*`, `a*`, `*a`, `*a*`, `*ab*`, `*abc*`, `*b*c*`, `ab*c`, `*ab*ab`, `ab*ab*`,
		`*/2021/*.jpg`, `*/2022/*.jpg`, `*/2021/*.png`, `*.jpg`, `*file-3*`, `*file-37*`, `*file-37*.gz`,
		`arn:aws:*:us-east-1:*:instance/i-*`, `arn:aws:*:eu-west-1:*:instance/i-*`,
		`*State*Notification`, `*State*tion`, `*State*n`, `*St*ate*`, `x*State*y`,
		`a\\*b*`, `*\\**`, `*a\\*`, `\\\\*x`, `*\\\\*`, `a**`, `*aa*aa*`, `*aaa*`, `ab*cdefgh*`, `abc*cdefgh*x`,
	}
	values := []string{
		"", "a", "b", "ab", "ba", "abc", "abab", "ababab", "aab", "abcab", "bc", "xbyc",
		"bucket/2021/03/file-37.jpg", "bucket/2022/03/file-3.jpg", "b/2021/file-370.png", "/2021/.jpg", "/2021.jpg",
		"file-37.gz", "file-3", "ile-37", "file-file-37x.gz",
		"arn:aws:ec2:us-east-1:123:instance/i-0abc", "arn:aws:s3:::bucket", "arn:aws:ec2:eu-west-1:1:instance/i-", "arn:aws:",
		"EC2 Instance State-change Notification", "State", "Staten", "StateNotification", "xStatey", "xStatStatey",
		"a*b", "a*bc", `a\b`, "*", "x*", "**", `\x`, `\`, "aaaa", "aaa", "aa", "aaaaa",
		"abcdefgh", "abccdefghx", "abcdefghx", "abxcdefgh",
	}
	var pats []*compiler.Pattern
	var srcs []string
	for _, g := range globs {
		for _, tmpl := range []string{`{"k":[{"wildcard":"%s"}]}`, `{"k":[{"anything-but":{"wildcard":"%s"}}]}`} {
			src := fmt.Sprintf(tmpl, g)
			p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
			if err != nil {
				continue // a glob the compiler rejects (consecutive stars)
			}
			pats, srcs = append(pats, p), append(srcs, src)
		}
	}
	if len(pats) < 2*len(globs)-4 {
		t.Fatalf("only %d of %d patterns compiled", len(pats), 2*len(globs))
	}
	shared := New(Config{})
	for i, p := range pats {
		if err := shared.Add(ID(fmt.Sprint(i)), p); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range values {
		val, _ := json.Marshal(v)
		for _, k := range []string{`"k":` + string(val), `"k":["zz",` + string(val) + `]`} {
			ev := []byte(`{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d",` + k + `}`)
			got := matchSets(t, shared, ev)
			for i, p := range pats {
				ex, err := compiler.Explain(p, ev)
				if err != nil {
					t.Fatal(err)
				}
				id := ID(fmt.Sprint(i))
				for path, set := range got {
					if set[id] != ex.Matched {
						t.Errorf("shared machine, %s: %s on %s: Explain %v, automaton %v", path, srcs[i], ev, ex.Matched, set[id])
					}
				}
				alone := New(Config{})
				if err := alone.Add(id, p); err != nil {
					t.Fatal(err)
				}
				for path, set := range matchSets(t, alone, ev) {
					if set[id] != ex.Matched {
						t.Errorf("alone, %s: %s on %s: Explain %v, automaton %v", path, srcs[i], ev, ex.Matched, set[id])
					}
				}
			}
		}
	}
	for i := range pats {
		shared.Delete(ID(fmt.Sprint(i)))
	}
	if shared.states != 0 {
		t.Fatalf("%d states left after deleting every glob", shared.states)
	}
}

// matchSets matches ev on the validating and the trusted path.
func matchSets(t *testing.T, m *Machine, ev []byte) map[string]map[ID]bool {
	out := map[string]map[ID]bool{}
	for _, path := range []string{"match", "trusted"} {
		var ids []ID
		var err error
		if path == "match" {
			ids, err = m.Match(ev)
		} else {
			ids, err = m.MatchTrusted(ev)
		}
		if err != nil {
			t.Fatalf("%s %s: %v", path, ev, err)
		}
		set := map[ID]bool{}
		for _, id := range ids {
			set[id] = true
		}
		out[path] = set
	}
	return out
}
