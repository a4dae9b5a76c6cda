package automaton

import (
	"errors"
	"testing"

	"github.com/patternc/patternc/compiler"
)

// TestEventNotAnObject: valid JSON that is not an object is said to be
// "not a JSON object", naming what it is; malformed input stays a syntax
// error with its offset.
func TestEventNotAnObject(t *testing.T) {
	p, err := compiler.Compile([]byte(`{"source":["a"]}`), compiler.EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := New(Config{})
	if err := m.Add("r", p); err != nil {
		t.Fatal(err)
	}
	mt := m.NewMatcher()
	for _, tc := range []struct{ event, want string }{
		{`[1,2]`, "automaton: the event is an array, not a JSON object"},
		{` "x"`, "automaton: the event is a string, not a JSON object"},
		{`42`, "automaton: the event is a number, not a JSON object"},
		{`true`, "automaton: the event is a boolean, not a JSON object"},
		{`null`, "automaton: the event is null, not a JSON object"},
		{`[1,`, "automaton: event is not valid JSON at byte 0: an event must be a JSON object"},
		{``, "automaton: event is not valid JSON at byte 0: the event is empty; an event must be a JSON object"},
	} {
		_, err := mt.Match(nil, []byte(tc.event))
		if err == nil || err.Error() != tc.want {
			t.Errorf("Match(%q) = %v, want %q", tc.event, err, tc.want)
		}
		var no *NotObjectError
		var se *SyntaxError
		if !errors.As(err, &no) && !errors.As(err, &se) {
			t.Errorf("Match(%q): error %T is neither NotObjectError nor SyntaxError", tc.event, err)
		}
	}
}
