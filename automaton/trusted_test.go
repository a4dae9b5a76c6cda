package automaton

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/patternc/patternc/compiler"
)

// hasDuplicateNames tells whether any object of data (valid JSON) has two
// members of the same name after unescaping: input MatchTrusted's
// contract leaves out.
func hasDuplicateNames(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		names map[string]bool
		obj   bool
		key   bool // the next string token is a member name
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return !errors.Is(err, io.EOF) // unreadable: say duplicates, skip it
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if s, isKey := tok.(string); isKey && top != nil && top.obj && top.key {
			if top.names[s] {
				return true
			}
			top.names[s] = true
			top.key = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{names: map[string]bool{}, obj: true, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].key = true // a value ended: a name comes next
		}
	}
}

func TestHasDuplicateNames(t *testing.T) {
	for in, want := range map[string]bool{
		`{"a":1,"b":{"a":2}}`:           false,
		`{"a":1,"a":2}`:                 true,
		`{"a":1,"\u0061":2}`:            true,
		`{"x":[{"a":1},{"a":2}]}`:       false,
		`{"x":[{"a":1,"b":[1],"a":2}]}`: true,
		`{"x":{"y":{}},"y":1}`:          false,
	} {
		if got := hasDuplicateNames([]byte(in)); got != want {
			t.Errorf("%s: %v, want %v", in, got, want)
		}
	}
}

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

// TestTrustedAgrees: on valid events without duplicate names MatchTrusted
// answers exactly as Match, whatever the order of members, dotted names
// or escapes after the last pattern path.
func TestTrustedAgrees(t *testing.T) {
	m := compileAll(t, compiler.EventBridge, trustedPatterns...)
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
		`{}`,
	}
	mt := m.NewMatcher()
	for _, ev := range events {
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
// Match accepts, in valid UTF-8 and without duplicate names, it answers
// exactly as Match.
func FuzzTrusted(f *testing.F) {
	m := compileAll(f, compiler.EventBridge, trustedPatterns...)
	f.Add([]byte(`{"a":"x","b":{"c":"v1","d":{"e":1}},"l":[{"k":"q","n":2}]}`))
	f.Add([]byte(`{"b":{"d":{"e":2}},"b.d":{"e":3},"a":["x"]}`))
	f.Add([]byte(`{"z":[{"q":"\ud83d\ude00"}],"a":[null], "n": -0.5e+3}`))
	f.Add([]byte(`{"b":{"c":"v"`))
	mt := m.NewMatcher()
	f.Fuzz(func(t *testing.T, data []byte) {
		got, _ := mt.MatchTrusted(nil, data)
		want, err := mt.Match(nil, data)
		if err != nil || !utf8.Valid(data) || hasDuplicateNames(data) {
			return
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("%q: MatchTrusted %v, Match %v", data, got, want)
		}
	})
}
