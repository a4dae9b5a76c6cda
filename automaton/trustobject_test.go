package automaton

import (
	"slices"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// passPatterns name paths of every kind passMembers and object tell
// apart: exact values (a leafTab), a prefix (a plain string value reads),
// a number, a path through an array of objects, a nested object, a long
// name and a dotted one.
var passPatterns = []string{
	`{"source":["aws.ec2"],"detail":{"state":["running"]}}`,
	`{"detail":{"key":[{"prefix":"photos/"}],"size":[{"numeric":[">",10]}]}}`,
	`{"items":{"sku":["A-100"]}}`,
	`{"detail":{"bucket":{"name":["logs"]}}}`,
	`{"aVeryLongMemberNameIndeed":["x"],"detail":{"state":["stopped"]}}`,
	`{"detail.kind":["dotted"]}`,
	`{"resources":["arn:aws:ec2:r"]}`,
}

// TestTrustedPassMembers: MatchTrusted answers as Match on events that
// take each of passMembers' ways out (a plain string at a path with a
// table or without one, in an array or not; the arrays it passes over;
// a name it leaves to slowName; a stop that is not the closing quote;
// space around the ':'; numbers and literals it passes over; an object
// ending on a skipped member) and the ways through object (a member
// object, a number, the early stop). Each event is also tried with space
// after every ':' and ',', and names read
// byte by byte.
func TestTrustedPassMembers(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, passPatterns...)
	mt := m.NewMatcher()
	events := []string{
		`{"version":"0","source":"aws.ec2","detail":{"state":"running"}}`,
		`{"source":"aws.ec2","resources":[],"detail":{"state":"running","x":"y"}}`,
		`{"resources":["arn:aws:ec2:r"],"source":"aws.ec2"}`,
		`{"resources":["arn:aws:ec2:r","other"],"x":1}`,
		`{"resources":["other"],"resources2":["arn:aws:ec2:r"]}`,
		`{"tags":[],"source":"aws.ec2","more":["a"],"last":[]}`,
		`{"tags":["a","b"],"more":["\u0041"],"source":"aws.ec2","end":["z"]}`,
		`{"id":"0123456789abcdef0123456789","detail":{"key":"photos/2024/a.jpg","size":12}}`,
		`{"detail":{"key":"photos/x","size":3,"tail":"t"}}`,
		`{"items":[{"sku":"A-100","qty":1},{"sku":"B-200"}]}`,
		`{"items":[{"qty":1,"sku":"A-100"}],"source":"aws.ec2"}`,
		`{"detail":{"bucket":{"name":"logs"},"state":"stopped"},"aVeryLongMemberNameIndeed":"x"}`,
		`{"aVeryLongMemberNameIndeed":"y","aVeryLongMemberNameIndeeX":"x"}`,
		`{"detail.kind":"dotted","source":"aws.ec2"}`,
		`{"detail":{"kind":"dotted"}}`,
		`{"source":"aws.ec2","detail":{"state":"run\u006eing"}}`,
		`{"source":"aws.\u0065c2","detail":{"st\u0061te":"running"}}`,
		`{"source":"São Paulo","detail":{"state":"running","name":"Zoë"}}`,
		`{"sourc":"x","sources":"y","source":"aws.ec2"}`,
		`{"source" : "aws.ec2" , "detail" : { "state" : "running" } }`,
		`{"x":{"a":[1,{"b":"}"}]},"source":"aws.ec2","y":null,"z":true}`,
		`{"source":"aws.ec2","detail":{"state":"running"},"rest":"not read"}`,
		`{"q":"\"quoted\"","source":"aws.ec2"}`,
		`{"source":"aws.ec2","detail":{}}`,
		`{"n":-12.5e+3,"t":true,"f":false,"z":null,"source":"aws.ec2","m":7}`,
		`{"n":1 ,"source":"aws.ec2","detail":{"size":12,"x":0,"state":"running"}}`,
		`{"detail":{"x":1e5,"size":11},"n":0}`,
		`{}`,
	}
	for _, ev := range events {
		for _, spaced := range []bool{false, true} {
			data := ev
			if spaced {
				data = strings.NewReplacer(`":`, `": `, `,"`, `, "`).Replace(ev)
			}
			if err := mt.CheckTrusted([]byte(data)); err != nil {
				t.Fatalf("%s: CheckTrusted: %v", data, err)
			}
			want, err := mt.Match(nil, []byte(data))
			if err != nil {
				t.Fatalf("%s: Match: %v", data, err)
			}
			slices.Sort(want)
			for _, bytewise := range []bool{false, true} {
				mt.byteNames = bytewise
				got, err := mt.MatchTrusted(nil, []byte(data))
				mt.byteNames = false
				slices.Sort(got)
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("%s (byte-wise names %v): MatchTrusted %v, %v; Match %v", data, bytewise, got, err, want)
				}
			}
		}
	}
}

// TestTrustedPassMembersEnds: MatchTrusted on every prefix of events cut
// short never panics or reads past the end, and answers as Match on the
// whole event.
func TestTrustedPassMembersEnds(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, passPatterns...)
	mt := m.NewMatcher()
	ev := `{"version":"0","resources":["arn:aws:ec2:r"],"source":"aws.ec2","detail":{"key":"photos/a","size":12,"state":"running","bucket":{"name":"logs"}},"items":[{"sku":"A-100"}]}`
	for n := 0; n <= len(ev); n++ {
		mt.MatchTrusted(nil, []byte(ev[:n])) // must return
	}
	want, err := mt.Match(nil, []byte(ev))
	if err != nil {
		t.Fatal(err)
	}
	got, err := mt.MatchTrusted(nil, []byte(ev))
	slices.Sort(want)
	slices.Sort(got)
	if err != nil || !slices.Equal(got, want) || len(want) == 0 {
		t.Fatalf("MatchTrusted %v, %v; Match %v (want some)", got, err, want)
	}
}

// FuzzTrustedMembers: over passPatterns, on input that meets the
// trusted contract MatchTrusted answers as Match, on any input it
// returns, and names read by words and byte by byte give the same
// answers and errors on both paths.
func FuzzTrustedMembers(f *testing.F) {
	mt := compileAll(f, compiler.EventBridge, passPatterns...).NewMatcher()
	f.Add([]byte(`{"version":"0","resources":["arn:aws:ec2:r"],"source":"aws.ec2","detail":{"key":"photos/a","size":12,"state":"running"}}`))
	f.Add([]byte(`{"tags":[],"items":[{"sku":"A-100"}],"detail.kind":"dotted","aVeryLongMemberNameIndeed":"x"}`))
	f.Add([]byte(`{"source" : "aws.ec2" , "detail" : { "state" : "run\u006eing" } }`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkTrustedAnswer(t, mt, data)
		matchBothWays(t, mt, data)
	})
}

// TestTrustedShortListDepth: an array of one string one level deeper
// than Config.MaxDepth allows is an error on both paths, as array says
// (shortList leaves it to array).
func TestTrustedShortListDepth(t *testing.T) {
	m := New(Config{MaxDepth: 2})
	p, err := compiler.Compile([]byte(`{"a":{"b":["some value"]}}`), compiler.EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Add("p", p); err != nil {
		t.Fatal(err)
	}
	mt := m.NewMatcher()
	// (Padded, so that the words passMembers reads fit.)
	for _, ev := range []string{
		`{"a":{"b":["some value"],"pad":"0123456789abcdef"},"pad":"0123456789abcdef"}`,
		`{"a":{"b":[],"pad":"0123456789abcdef"},"pad":"0123456789abcdef"}`,
	} {
		_, werr := mt.Match(nil, []byte(ev))
		_, gerr := mt.MatchTrusted(nil, []byte(ev))
		if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
			t.Errorf("%s: Match %v, MatchTrusted %v: want the same depth error", ev, werr, gerr)
		}
	}
	if ids, err := mt.MatchTrusted(nil, []byte(`{"a":{"b":"some value","pad":"0123456789abcdef"}}`)); err != nil || len(ids) != 1 {
		t.Errorf("a string one level up: MatchTrusted %v, %v; want the match", ids, err)
	}
}

// TestTrustedElementStops: an object element of an array on the way to
// pattern paths stops at the last name it needs, and array finds the end
// of its rest; MatchTrusted answers as Match whatever follows (nested
// containers, strings holding brackets, further elements, nested arrays,
// a dotted name, a pattern that pins two names to one element).
func TestTrustedElementStops(t *testing.T) {
	m := compileAll(t, compiler.EventBridge,
		`{"items":{"type":["t3"]}}`,
		`{"items":{"type":["m5"],"size":[{"numeric":[">",10]}]}}`,
		`{"items":{"ebs":{"kind":["gp3"]}}}`,
		`{"items":{"tag.name":["dotted"]}}`,
		`{"source":["aws.ec2"],"items":{"type":["c6g"]}}`,
	)
	mt := m.NewMatcher()
	for _, ev := range []string{
		`{"items":[{"id":"a","type":"t3","ebs":{"items":[{"kind":"x"}]}},{"type":"m5","size":12}]}`,
		`{"items":[{"type":"m5","x":"]}","size":12},{"type":"t3"}],"source":"aws.ec2"}`,
		`{"items":[{"type":"m5"},{"size":12}]}`,
		`{"items":[{"size":12,"type":"m5","ebs":{"kind":"gp3"},"more":[1,{"a":"}"}]}]}`,
		`{"items":[[{"type":"t3","rest":{"k":[1,2]}}],{"ebs":{"kind":"gp3"}}]}`,
		`{"items":[{"type":"c6g","size":1},{"tag.name":"dotted"}],"source":"aws.ec2"}`,
		`{"items":[{"type":"x","size":1,"ebs":{},"tag":{"name":"dotted"}}]}`,
		`{"items":[{},{"type":"t3"},"t3",5,null]}`,
		`{"source":"aws.ec2","items":[{"q":"\"}","type":"c6g"} , { "type" : "t3" , "z" : [ ] } ]}`,
	} {
		checkTrustedAnswer(t, mt, []byte(ev))
		if mt.CheckTrusted([]byte(ev)) != nil {
			t.Fatalf("%s: outside the contract", ev)
		}
	}
}
