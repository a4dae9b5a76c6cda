package source

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseJSONPositions(t *testing.T) {
	src := "{\n  \"a\": [1, 3e2, \"x\\u00e9\"],\n  \"a\": {\"b\": null}\n}"
	v, err := ParseJSON([]byte(src), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Members) != 2 || v.Members[0].Key != "a" || v.Members[1].Key != "a" {
		t.Fatalf("duplicate keys not kept: %+v", v.Members)
	}
	arr := v.Members[0].Value
	if arr.Pos != (Pos{Offset: 9, Line: 2, Col: 8}) {
		t.Errorf("array pos %+v", arr.Pos)
	}
	if arr.Elems[1].Text != "3e2" || arr.Elems[2].Text != "xé" {
		t.Errorf("literal text lost: %q %q", arr.Elems[1].Text, arr.Elems[2].Text)
	}
	if kp := v.Members[1].KeyPos; kp.Line != 3 || kp.Col != 3 {
		t.Errorf("key pos %+v", kp)
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct {
		src  string
		msg  string
		line int
		col  int
	}{
		{`{"a": [1,]}`, "trailing comma", 1, 10},
		{`{"a" 1}`, "expected ':'", 1, 6},
		{`{"a": tru}`, `unrecognized token "tru"`, 1, 7},
		{"{\"a\": \"\xff\"}", "invalid UTF-8", 1, 8},
		{"{\"a\":\n 01}", "after number", 2, 3},
		{`{"a": "\x"}`, `invalid escape '\x'`, 1, 9},
		{`{"a": 1} x`, "after the end", 1, 10},
		{``, "unexpected end of input", 1, 1},
		{`"abc`, "end of input inside a string", 1, 5},
		{strings.Repeat("[", 2000), "nesting deeper than the limit of 1000", 1, 1001},
		{`{"a": 1` + strings.Repeat("0", 2000) + `}`, "longer than the limit", 1, 7},
	}
	for _, tc := range tests {
		_, err := ParseJSON([]byte(tc.src), Limits{})
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("%q: got %v, want a syntax error", tc.src, err)
			continue
		}
		if !strings.Contains(e.Msg, tc.msg) || e.Pos.Line != tc.line || e.Pos.Col != tc.col {
			t.Errorf("%q: got %d:%d %q, want %d:%d %q", tc.src, e.Pos.Line, e.Pos.Col, e.Msg, tc.line, tc.col, tc.msg)
		}
	}
	if _, err := ParseJSON(make([]byte, 100), Limits{MaxSize: 10}); err == nil {
		t.Error("oversized document accepted")
	}
}

// FuzzParseJSON checks that the reader never panics and agrees with
// encoding/json on what is valid JSON.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,2.5e3,"x",true,false,null]}`, `[{"a":{"b":"\ud83d\ude00"}}]`, `"\u00e9"`, `-0.0e+1`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseJSON(data, Limits{MaxDepth: 64})
		valid := json.Valid(data)
		if err == nil && !valid {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if err != nil && valid && !strings.Contains(err.Error(), "nesting") && !strings.Contains(err.Error(), "number is") && !strings.Contains(err.Error(), "UTF-8") {
			t.Fatalf("rejected valid JSON %q: %v", data, err)
		}
		_ = v
	})
}

// TestJacksonMessages pins the AWS (Jackson) wording kept beside our own
// for the syntax faults whose AWS text is recorded (docs/semantics/patterns.md §8).
func TestJacksonMessages(t *testing.T) {
	tests := []struct{ src, jackson string }{
		{`this is not json`, "Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
		{`{"a": [nope]}`, "Unrecognized token 'nope': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
		{`{'source': ['x']}`, "Unexpected character (''' (code 39)): was expecting double-quote to start field name"},
		{`{"a": [1],}`, "Unexpected character ('}' (code 125)): was expecting double-quote to start field name"},
		{`{"a": [1,]}`, ""},
	}
	for _, tc := range tests {
		_, err := ParseJSON([]byte(tc.src), Limits{})
		e, ok := err.(*Error)
		if !ok || e.Jackson != tc.jackson {
			t.Errorf("%s: got %#v, want Jackson %q", tc.src, err, tc.jackson)
		}
	}
}
