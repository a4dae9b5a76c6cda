package automaton

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/patternc/patternc/compiler"
)

// TestCheckTrusted: which events meet MatchTrusted's contract.
func TestCheckTrusted(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, `{"a":["x"]}`)
	tests := []struct {
		event string
		want  string // "" ok, "twice" or "top-empty" a *TrustError, "syntax"" a *SyntaxError, "object" a *NotObjectError
	}{
		{`{}`, ""},
		{`{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}`, ""}, // one name in different objects
		{`{"a.b":1,"a.c":2}`, ""},                         // dotted names sharing a first part
		{`{"a.b":1,"a.b":2}`, ""},                         // even the same dotted name: both are read
		{`{"a":{"b":1},"ab":2,"a-b":3,"b.a":4}`, ""},
		{`{"a":1,"a":2}`, "twice"},
		{`{"a":1,"\u0061":2}`, "twice"}, // the same after unescaping
		{`{"a":{"b":1},"a.b":2}`, "twice"},
		{`{"a.b":2,"a":{"b":1}}`, "twice"},
		{`{"a":{"c":1},"a.b":2}`, "twice"}, // different paths, but "a" is named twice
		{`{"x":{"a":[1],"a\u002eb":2}}`, "twice"},
		{`{"x":[{"a":1,"b":{"c":1,"c":2}}]}`, "twice"}, // inside arrays too
		{`{"":1,".a":2}`, "twice"},
		{`{"":{"a":1}}`, "top-empty"}, // its members are top-level members
		{`{"a":1,"":[{"b":2}]}`, "top-empty"},
		{`{"":1,"b":{"":{"a":1}}}`, ""},      // a scalar, or below the top: an ordinary member
		{`{"\ud800":1,"\udc00":2}`, "twice"}, // lone surrogates both decode to U+FFFD, as Match reads them
		{`{"a":1,}`, "syntax"},
		{`{"a":"` + "\xff" + `"}`, "syntax"},
		{`{"a":01}`, "syntax"},
		{`{"a":1} x`, "syntax"},
		{`{"a":"\x"}`, "syntax"},
		{`[1]`, "object"},
	}
	mt := m.NewMatcher()
	for _, tc := range tests {
		err := mt.CheckTrusted([]byte(tc.event))
		var te *TrustError
		var se *SyntaxError
		var ne *NotObjectError
		got := ""
		switch {
		case err == nil:
		case errors.As(err, &te) && te.TopEmpty:
			got = "top-empty"
		case errors.As(err, &te):
			got = "twice"
		case errors.As(err, &se):
			got = "syntax"
		case errors.As(err, &ne):
			got = "object"
		default:
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: CheckTrusted %v, want %q", tc.event, err, tc.want)
		}
	}
}

// TestCheckTrustedLimits: the machine's depth and size limits are part of
// the contract; CheckTrusted counts every container toward the depth,
// which may be stricter than Match where a path goes through arrays, and
// is never laxer.
func TestCheckTrustedLimits(t *testing.T) {
	m := New(Config{MaxDepth: 3, MaxEventSize: 64})
	for _, tc := range []struct {
		ev string
		ok bool
	}{
		{`{"a":{"b":{"c":1}}}`, true},
		{`{"a":[[1]]}`, true},
		{`{"a":{"b":{"c":{"d":1}}}}`, false},
		{`{"a":"` + strings.Repeat("x", 60) + `"}`, false},
		{`{"a":{"b":[{"c":1}]}}`, false},
	} {
		want := m.NewMatcher().validate([]byte(tc.ev))
		got := m.CheckTrusted([]byte(tc.ev))
		if (got == nil) != tc.ok || got == nil && want != nil {
			t.Errorf("%s: CheckTrusted %v, Match %v", tc.ev, got, want)
		}
	}
}

// validate is Match's verdict on an event: its error.
func (mt *Matcher) validate(event []byte) error {
	_, err := mt.Match(nil, event)
	return err
}

// TestTrustedOutsideContract: an event naming a member twice may be
// answered differently by MatchTrusted (it stops before the twin); the
// checker says so.
func TestTrustedOutsideContract(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, `{"a":{"b":["x"]}}`)
	mt := m.NewMatcher()
	ev := []byte(`{"a":{"c":1},"a.b":"x"}`)
	want, _ := mt.Match(nil, ev)
	got, _ := mt.MatchTrusted(nil, ev)
	if len(want) != 1 || len(got) != 0 {
		t.Fatalf("Match %v, MatchTrusted %v: want the stop before the twin to show", want, got)
	}
	var te *TrustError
	if err := mt.CheckTrusted(ev); !errors.As(err, &te) || te.Name != "a" {
		t.Fatalf("CheckTrusted %v, want a TrustError for \"a\"", err)
	}
}

// trustedRef is CheckTrusted by definition, on encoding/json: valid JSON
// in UTF-8 whose top value is an object, nested at most maxDepth, in
// which no object has two members whose decoded names, cut at the first
// dot, are equal while one of them has no dot, and no top-level member
// named "" holds an object or an array.
func trustedRef(data []byte, maxDepth int) (valid, ok bool) {
	if !utf8.Valid(data) || !json.Valid(data) {
		return false, false
	}
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return false, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type obj struct {
		undotted, dotted map[string]bool
		isObj            bool
		wantKey          bool
	}
	var stack []*obj
	ok = true
	topEmpty := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return false, false
		}
		if n, isNum := tok.(json.Number); isNum && len(n) > maxNumberLen {
			return false, false // the scanner's limit (scanNumberShape)
		}
		var top *obj
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if topEmpty {
			// A top-level "" holding an object or an array: its members
			// are top-level members.
			if d, isDelim := tok.(json.Delim); isDelim && (d == '{' || d == '[') {
				ok = false
			}
			topEmpty = false
		}
		if key, isKey := tok.(string); isKey && top != nil && top.isObj && top.wantKey {
			topEmpty = key == "" && len(stack) == 1
			first, _, dotted := strings.Cut(key, ".")
			if top.undotted[first] || (!dotted && top.dotted[first]) {
				ok = false
			}
			if dotted {
				top.dotted[first] = true
			} else {
				top.undotted[first] = true
			}
			top.wantKey = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &obj{undotted: map[string]bool{}, dotted: map[string]bool{}, isObj: true, wantKey: true})
			if len(stack) > maxDepth {
				return true, false
			}
			continue
		case json.Delim('['):
			stack = append(stack, &obj{})
			if len(stack) > maxDepth {
				return true, false
			}
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].isObj {
			stack[len(stack)-1].wantKey = true
		}
	}
	return true, ok
}

// FuzzCheckTrusted compares CheckTrusted with trustedRef, and checks
// that on every event it accepts Match accepts too and MatchTrusted
// answers as Match.
func FuzzCheckTrusted(f *testing.F) {
	const maxDepth = 6
	m := New(Config{MaxDepth: maxDepth})
	for k, src := range trustedPatterns {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			f.Fatal(err)
		}
		if err := m.Add(ID(fmt.Sprint(k)), p); err != nil {
			f.Fatal(err)
		}
	}
	for _, s := range []string{
		`{"a":"x","b":{"c":"v1","d":{"e":1}},"l":[{"k":"q","n":2}]}`,
		`{"a":{"c":1},"a.b":2}`,
		`{"a.b":1,"a.c":2,"a":3}`,
		`{"\u0061":1,"a":[{"x":1,"x\u002ey":2}]}`,
		`{"b":{"d":{"e":[1,{"f":[[2]]}]}}}`,
		`{"\ud800":1,"\udc00":2}`,
		`{"a":"x","":{"a":"y"}}`,
		`{"":[{"b":{"c":"v1"}}],".a":1}`,
	} {
		f.Add([]byte(s))
	}
	mt := m.NewMatcher()
	f.Fuzz(func(t *testing.T, data []byte) {
		err := mt.CheckTrusted(data)
		valid, ok := trustedRef(data, maxDepth)
		if (err == nil) != (valid && ok) {
			t.Fatalf("%q: CheckTrusted %v, reference valid=%v ok=%v", data, err, valid, ok)
		}
		var te *TrustError
		if errors.As(err, &te) && mt.validate(data) != nil {
			t.Fatalf("%q: TrustError %v on input Match rejects", data, err)
		}
		if err != nil {
			return
		}
		want, merr := mt.Match(nil, data)
		if merr != nil {
			t.Fatalf("%q: CheckTrusted accepts it, Match says %v", data, merr)
		}
		got, _ := mt.MatchTrusted(nil, data)
		if sortedIDs(got) != sortedIDs(want) {
			t.Fatalf("%q: MatchTrusted %v, Match %v", data, got, want)
		}
	})
}
