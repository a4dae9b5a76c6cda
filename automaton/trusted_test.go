package automaton

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"github.com/patternc/patternc/compiler"
)

// trustedPatterns name paths at several depths, through arrays, with
// absence and dotted names: the cases where stopping early could go wrong.
var trustedPatterns = []string{
	`{"a":["x"]}`,
	`{"b":{"c":[{"prefix":"v"}]}}`,
	`{"b":{"d":{"e":[1,2]}}}`,
	`{"a":["x"],"b":{"c":[{"exists":false}]}}`,
	`{"l":{"k":["q"],"n":[{"numeric":[">",0]}]}}`,
	`{"b.c":[{"anything-but":"v1"}]}`,
}

// fewSegments and fiveSegments are smaller and larger sets of paths.
// (trustedPatterns need "l" at the top, which most events lack: they test
// reading to the end.)
var (
	fewSegments = []string{
		`{"a":["x"]}`,
		`{"b":{"c":[{"prefix":"v"}]}}`,
		`{"b.c":[{"anything-but":"v1"}]}`,
	}
	fiveSegments = []string{
		`{"a":["x"]}`,
		`{"b":{"c":[{"prefix":"v"}]}}`,
		`{"b":{"d":{"e":[1,2]}}}`,
		`{"a":["x"],"b":{"d":{"e":[{"exists":false}]}}}`,
	}
)

// TestTrustedAgrees: on events that meet the contract MatchTrusted
// answers exactly as Match, whatever the order of members, with dotted
// names and escapes after the last pattern path. (The events that name a
// member twice are left out: TestTrustedOutsideContract.)
func TestTrustedAgrees(t *testing.T) {
	for _, set := range [][]string{trustedPatterns, fewSegments, fiveSegments} {
		testTrustedAgrees(t, compileAll(t, compiler.EventBridge, set...))
	}
}

func testTrustedAgrees(t *testing.T, m *Machine) {
	events := []string{
		`{"a":"x"}`,
		`{"a":"x","b":{"c":"v1"}}`,
		`{"b":{"c":"v1"},"a":"x","z":[1,2,{"q":"r"}]}`,
		`{"a":"x","b":{"c":"w"},"b.c":"v2"}`,    // a dotted alias after the path
		`{"b":{"d":{"e":2}},"b.d":{"e":3}}`,     // alias of a prefix
		`{"b":{"d":{"e":3},"d.e":1}}`,           // alias one level down
		`{"a":"x","b":{"d":{}},"b\u002ec":"w"}`, // an escaped alias
		`{"b":{"c":"v9","x":1},"a":"x"}`,
		`{"l":[{"k":"q","n":0},{"n":1,"k":"q","z":"tail"}]}`,
		`{"l":[{"k":"q"},{"n":1}]}`,
		`{"a":["y","x"],"q":{"a":"x"}}`,
		`{"geometry":{"c":[[1.5,2,[3]],"]}\"["]},"a":"x"}`,
		`{"a":"x","tail":"\u00e9\\\"}"}`,
		`{"a":"y","b":{"c":"w"},"a":"x"}`,                // a duplicate name after the path
		`{"b":{"d":{"e":3},"d":{"e":1}},"a":"x"}`,        // one level down
		`{"l":{"k":"q"},"l":{"n":1},"b":{"c":"v1"}}`,     // duplicate objects merge
		`{"a":"x","b":{"c":"v9"},"b":{"c":"v1","x":[]}}`, // and on the last member
		`{"":1,"a":"x","b":{"":{"c":2},"c":"v"}}`,
		`{"a":"x","b":{"c":"w","d":{"e":1}},"b.c":"v2"}`,     // stops, then an alias
		`{"a":"x","b":{"c":"w","d":{"e":1}},"b.d":{"e":2}}`,  // of a prefix
		`{"a":"x","b":{"c":"w","d":{"e":7}},"b":{"c":"v1"}}`, // a duplicate
		`{"b":{"d":{"e":1},"c":"w"},"a":"y","z":[{"a":1}],"a":"x"}`,
		`{"a":"x","b":{"d":{"e":5},"c":"w","d.e":2}}`,         // alias one level down
		`{"a":"x","b":{"c":"w","d":{"e":1}},"t":"\u0062"}`,    // an escape in a value
		`{"a":"x","b":{"c":"w","d":{"e":1}},"z":{"q":"b.c"}}`, // a dotted value, not a name
		`{"a":"x","b":{"c":"v","d":{"e":1}},"g":[[1.5,2],[3,4]]}`,
		`{"a":"y","b":{"c":"w","d":{"e":1}},"\u0061":"x"}`, // an escaped duplicate
		`{}`,
	}
	mt := m.NewMatcher()
	for _, ev := range events {
		var te *TrustError
		if err := mt.CheckTrusted([]byte(ev)); errors.As(err, &te) {
			continue // names a member twice: outside the contract
		} else if err != nil {
			t.Fatalf("%s: CheckTrusted: %v", ev, err)
		}
		want, err := mt.Match(nil, []byte(ev))
		if err != nil {
			t.Fatalf("%s: %v", ev, err)
		}
		got, err := mt.MatchTrusted(nil, []byte(ev))
		if err != nil {
			t.Fatalf("%s: MatchTrusted: %v", ev, err)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: MatchTrusted %v, Match %v", ev, got, want)
		}
	}
}

// trustedAsMatch fails unless MatchTrusted answers ev as Match does, both
// without an error, and returns that answer, sorted.
func trustedAsMatch(t testing.TB, mt *Matcher, what string, ev []byte) []ID {
	t.Helper()
	want, err := mt.Match(nil, ev)
	if err != nil {
		t.Fatalf("%s: %s: Match: %v", what, ev, err)
	}
	got, err := mt.MatchTrusted(nil, ev)
	slices.Sort(want)
	slices.Sort(got)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("%s: %s: MatchTrusted %v, %v; Match %v", what, ev, got, err, want)
	}
	return got
}

// TestTrustedTopEmptyLeaf: a pattern on the top-level "" gives it a
// string table; its leaf, taken by tabString, must not count towards the
// early stop (countNeeds leaves "" out), or MatchTrusted stops before
// the names it still needs.
func TestTrustedTopEmptyLeaf(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, `{"":["x"]}`, `{"a":["y"]}`)
	mt := m.NewMatcher()
	for _, ev := range []string{`{"":"x","a":"y"}`, `{"a":"y","":"x"}`, `{"":"x","b":1,"a":"y"}`} {
		if err := mt.CheckTrusted([]byte(ev)); err != nil {
			t.Fatalf("%s: CheckTrusted: %v", ev, err)
		}
		want, err := mt.Match(nil, []byte(ev))
		if err != nil || len(want) != 2 {
			t.Fatalf("%s: Match %v, %v: want both patterns", ev, want, err)
		}
		got, err := mt.MatchTrusted(nil, []byte(ev))
		slices.Sort(got)
		slices.Sort(want)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: MatchTrusted %v, %v; Match %v", ev, got, err, want)
		}
	}
}

// TestTrustedStopsEarly shows the early stop: what follows the last
// member on a pattern path is not read, so garbage there goes unseen,
// while Match rejects it.
func TestTrustedStopsEarly(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, `{"p":{"s":["x"]}}`)
	mt := m.NewMatcher()
	for _, ev := range []string{
		`{"t":"F","p":{"a":"1","s":"x","o":"E"},"g":{"c":[[1,2],[3,4` + "\xff",
		`{"p":{"s":"x"} this is not JSON`,
	} {
		if _, err := mt.Match(nil, []byte(ev)); err == nil {
			t.Fatalf("%q: Match accepted it", ev)
		}
		got, err := mt.MatchTrusted(nil, []byte(ev))
		if err != nil || len(got) != 1 {
			t.Errorf("%q: MatchTrusted %v, %v: want the match, the rest unread", ev, got, err)
		}
	}
}

// FuzzTrusted: on any input MatchTrusted ends without panicking; on input
// that meets the contract (CheckTrusted) it answers exactly as Match, and
// Match accepts every such input.
func FuzzTrusted(f *testing.F) {
	m := compileAll(f, compiler.EventBridge, trustedPatterns...)
	few := compileAll(f, compiler.EventBridge, fewSegments...).NewMatcher()
	five := compileAll(f, compiler.EventBridge, fiveSegments...).NewMatcher()
	// A pattern on the top-level "" itself (TestTrustedTopEmptyLeaf).
	top := compileAll(f, compiler.EventBridge, `{"":["x"]}`, `{"a":["y"]}`, `{".b":["z"]}`).NewMatcher()
	f.Add([]byte(`{"a":"y","":"x",".b":"z"}`))
	f.Add([]byte(`{"a":"x","b":{"c":"v1","d":{"e":1}},"l":[{"k":"q","n":2}]}`))
	f.Add([]byte(`{"b":{"d":{"e":2}},"b.d":{"e":3},"a":["x"]}`))
	f.Add([]byte(`{"z":[{"q":"\ud83d\ude00"}],"a":[null], "n": -0.5e+3}`))
	f.Add([]byte(`{"b":{"c":"v"`))
	f.Add([]byte(`{"a":"x","b":{"c":"w","d":{"e":1}},"b.c":"v2"}`))
	f.Add([]byte(`{"a":"x","b":{"c":"v","d":{"e":1}},"g":[[1.5,2],{"b":"c"}]}`))
	// Exact values looked up in their escaped forms (escforms.go).
	forms := compileAll(f, compiler.EventBridge, `{"a":["Zürich","say \"hi\"/"]}`, `{"b":{"c":["東京😀","x"]}}`).NewMatcher()
	f.Add([]byte(`{"a":"Z\u00fcrich","b":{"c":"\u6771\u4eac\ud83d\ude00"}}`))
	f.Add([]byte(`{"a":"say \"hi\"\/","b":{"c":"\u6771\u4eac\ud83d\ude00\u"}}`))
	mt := m.NewMatcher()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mt := range []*Matcher{mt, few, five, top, forms} {
			checkTrustedAnswer(t, mt, data)
		}
	})
}

// checkTrustedAnswer: on data that meets the trusted contract (as
// CheckTrusted tells), Match accepts it and MatchTrusted answers exactly as
// Match; on other data MatchTrusted may answer anything, but returns.
func checkTrustedAnswer(t *testing.T, mt *Matcher, data []byte) {
	t.Helper()
	got, _ := mt.MatchTrusted(nil, data)
	want, err := mt.Match(nil, data)
	if mt.CheckTrusted(data) != nil {
		return
	}
	if err != nil {
		t.Fatalf("%q: CheckTrusted accepts it, Match says %v", data, err)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("%q: MatchTrusted %v, Match %v", data, got, want)
	}
}

// FuzzSkippers checks the word-at-a-time skippers against plain
// definitions: numberShape against the byte-wise number scanner,
// skipContainer against its byte-wise definition and fastjson,
// stringStopASCII against a byte loop, the trusted skipper against its
// byte-wise definitions (trustskip_ref_test.go), and finishTrusted against
// fastjson (on a valid container it ends exactly at the container's end).
func FuzzSkippers(f *testing.F) {
	f.Add([]byte(`-122.420866806231434`))
	f.Add([]byte(`[-122.0001,37.0e5,0.0,1234567.05,100,-0,0.01e-2,true,false,null,"x\\u00e9",{"a":{}},[]]`))
	f.Add([]byte(`{"a" : [ 1 , 2.5 ] , "b" :{"c":"d"}}  `))
	f.Add([]byte(`[[[-122.422003528252475,37.808480096967251,0.0],[-122.4220035282524750,37.8,0.0]],[[1234567.5,-0.25e3]],{"x":[1,2]}]`))
	f.Add([]byte(`[[[-122.422003528252475,37.80848009696725.1,0.0],[-122.422003528252475,037.8]]]`))
	f.Add([]byte(`{"a":[1,2,{"b":"]}\"["}],"c":null}`))
	f.Add([]byte(`[[[-1e+5,0.0],[3,4]],"Y_y{"]`))
	f.Add([]byte("S\xc3\xa3o Paulo, Jo\xc3\xa3o\"\\\x01 \xff\xfe plain ascii run"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		for i := range min(len(data), 12) {
			end, sh, err := scanNumberShape(data, i)
			got, gotSh := numberShape(data, i)
			if (err == nil) != (got >= 0) || (err == nil && (got != end || gotSh != sh)) {
				t.Fatalf("%q from %d: numberShape %d %+v, scanNumberShape %d %+v %v", data, i, got, gotSh, end, sh, err)
			}
		}
		if c := data[0]; c == '{' || c == '[' {
			end, err := skipContainer(data, 0, 0)
			refEnd, refErr := skipContainerRef(data, 0, 0)
			if end != refEnd || fmt.Sprint(err) != fmt.Sprint(refErr) {
				t.Fatalf("%q: skipContainer %d %v, byte-wise %d %v", data, end, err, refEnd, refErr)
			}
			if err == nil && fastjson.ValidateBytes(data[:end]) != nil {
				t.Fatalf("%q: skipContainer accepts %q, fastjson does not", data, data[:end])
			}
			if err != nil && validForScanner(data) && fastjson.ValidateBytes(data) == nil {
				t.Fatalf("%q: skipContainer %v, fastjson accepts it", data, err)
			}
			checkSkipCompact(t, data)
		}
		checkTrustedSkipper(t, data, 12)
		for i := 0; i <= len(data); i++ {
			want, ascii := i, true
			for want < len(data) && data[want] != '"' && data[want] != '\\' && data[want] >= 0x20 {
				ascii = ascii && data[want] < 0x80
				want++
			}
			if got, gotASCII := stringStopASCII(data, i); got != want || gotASCII != ascii {
				t.Fatalf("%q from %d: stringStopASCII %d %v, want %d %v", data, i, got, gotASCII, want, ascii)
			}
		}
		if (data[0] == '{' || data[0] == '[') && fastjson.ValidateBytes(data) == nil {
			if got := finishTrusted(data, 1, 1); got != len(bytes.TrimRight(data, " \t\r\n")) {
				t.Fatalf("%q: finishTrusted ends at %d", data, got)
			}
		}
	})
}

// validForScanner tells whether fastjson's verdict on data is the
// scanner's: fastjson lets control characters and invalid UTF-8 into
// strings, checks escapes only when it decodes, and it nests at most 300
// levels.
func validForScanner(data []byte) bool {
	if !utf8.Valid(data) {
		return false
	}
	for _, c := range data {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == '\\' {
			return false
		}
	}
	return bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) < 250
}

// TestMessageAttributesTwin: attributes named "a" and "a.b" make an
// attributes event outside the trusted contract; MatchMessage reads it
// to the end and still finds "a.b".
func TestMessageAttributesTwin(t *testing.T) {
	m := compileAll(t, compiler.SNSAttributes, `{"a":["x"]}`, `{"a.b":["y"]}`)
	req := []byte(`{"Message":"m","MessageAttributes":{"a":{"DataType":"String","StringValue":"x"},"a.b":{"DataType":"String","StringValue":"y"}}}`)
	got, err := m.NewMatcher().MatchPublish(nil, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("matched %v, want both policies", got)
	}
}
