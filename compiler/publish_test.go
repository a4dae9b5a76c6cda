package compiler

import (
	"testing"
)

// TestAttributesEvent pins the flat event built from message attributes
// (docs/semantics/filter-policies.md §3.1).
func TestAttributesEvent(t *testing.T) {
	tests := []struct {
		name  string
		attrs string
		event string
		has   bool
	}{
		{"string", `"s": {"DataType": "String", "StringValue": "a\"b"}`, `{"s":"a\"b"}`, true},
		{"number keeps text", `"n": {"DataType": "Number", "StringValue": "3.015e2"}`, `{"n":3.015e2}`, true},
		{"custom number label", `"n": {"DataType": "Number.float", "StringValue": "-0.25"}`, `{"n":-0.25}`, true},
		{"custom string label", `"s": {"DataType": "String.x", "StringValue": "5"}`, `{"s":"5"}`, true},
		{"array scalars", `"a": {"DataType": "String.Array", "StringValue": "[\"x\", 1, true, null, [2], {\"o\": 1}]"}`, `{"a":["x",1,true,null]}`, true},
		{"array not an array", `"a": {"DataType": "String.Array", "StringValue": "x"}`, `{"a":[]}`, true},
		{"binary omitted", `"b": {"DataType": "Binary", "BinaryValue": "AAA="}`, `{}`, false},
		{"binary label omitted", `"b": {"DataType": "Binary.png", "BinaryValue": "AAA="}`, `{}`, false},
		{"sorted by name", `"z": {"DataType": "String", "StringValue": "1"}, "a.b": {"DataType": "String", "StringValue": "2"}`, `{"a.b":"2","z":"1"}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePublish([]byte(`{"Message": "m", "MessageAttributes": {` + tc.attrs + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(p.AttributesEvent()); got != tc.event {
				t.Errorf("event %s, want %s", got, tc.event)
			}
			if p.HasAttributes() != tc.has {
				t.Errorf("HasAttributes() = %v, want %v", p.HasAttributes(), tc.has)
			}
			if p.Message != "m" {
				t.Errorf("Message %q", p.Message)
			}
		})
	}
}

// TestSNSMatching pins the SNS differences from EventBridge matching
// (docs/semantics/filter-policies.md §2, §3, §4).
func TestSNSMatching(t *testing.T) {
	str := func(name, v string) string {
		return `{"Message": "m", "MessageAttributes": {"` + name + `": {"DataType": "String", "StringValue": "` + v + `"}}}`
	}
	num := func(name, v string) string {
		return `{"Message": "m", "MessageAttributes": {"` + name + `": {"DataType": "Number", "StringValue": "` + v + `"}}}`
	}
	body := func(msg string) string { return `{"Message": ` + msg + `}` }
	tests := []struct {
		name   string
		d      Dialect
		policy string
		input  string
		match  bool
	}{
		{"string attr", SNSAttributes, `{"a": ["x"]}`, str("a", "x"), true},
		{"number attr by value", SNSAttributes, `{"a": [300]}`, num("a", "3e2"), true},
		{"number attr never textually", SNSAttributes, `{"a": ["99"]}`, num("a", "99"), false},
		{"string attr never numerically", SNSAttributes, `{"a": [{"numeric": [">", 1]}]}`, str("a", "99"), false},
		{"names are case-sensitive", SNSAttributes, `{"A": ["x"]}`, str("a", "x"), false},
		{"dots are plain characters", SNSAttributes, `{"a.b": ["x"]}`, str("a.b", "x"), true},
		{"exists false with another attribute", SNSAttributes, `{"b": [{"exists": false}]}`, str("a", "x"), true},
		{"exists false without attributes", SNSAttributes, `{"b": [{"exists": false}]}`, `{"Message": "m"}`, false},
		{"exists false with only binary", SNSAttributes, `{"b": [{"exists": false}]}`, `{"Message": "m", "MessageAttributes": {"x": {"DataType": "Binary", "BinaryValue": "AA=="}}}`, false},
		{"binary invisible to exists", SNSAttributes, `{"x": [{"exists": true}]}`, `{"Message": "m", "MessageAttributes": {"x": {"DataType": "Binary", "BinaryValue": "AA=="}, "y": {"DataType": "String", "StringValue": "1"}}}`, false},
		{"null needs the attribute", SNSAttributes, `{"a": [null]}`, str("b", "x"), false},
		{"exists true on empty string", SNSAttributes, `{"a": [{"exists": true}]}`, str("a", ""), false},
		{"array any element", SNSAttributes, `{"a": ["y"]}`, `{"Message": "m", "MessageAttributes": {"a": {"DataType": "String.Array", "StringValue": "[\"x\",\"y\"]"}}}`, true},
		{"array anything-but all elements", SNSAttributes, `{"a": [{"anything-but": "x"}]}`, `{"Message": "m", "MessageAttributes": {"a": {"DataType": "String.Array", "StringValue": "[\"x\",\"y\"]"}}}`, false},
		{"body object", SNSBody, `{"a": {"b": ["x"]}}`, body(`"{\"a\": {\"b\": \"x\"}}"`), true},
		{"body dotted", SNSBody, `{"a.b": ["x"]}`, body(`"{\"a\": {\"b\": \"x\"}}"`), true},
		{"body not JSON", SNSBody, `{"a": [{"exists": false}]}`, body(`"hello"`), false},
		{"body JSON string", SNSBody, `{"a": [{"exists": false}]}`, body(`"\"text\""`), false},
		{"body array", SNSBody, `{"a": [{"exists": false}]}`, body(`"[1]"`), false},
		{"body exists true on null", SNSBody, `{"a": [{"exists": true}]}`, body(`"{\"a\": null}"`), false},
		{"body exists true on value", SNSBody, `{"a": [{"exists": true}]}`, body(`"{\"a\": 0}"`), true},
		{"body anything-but any element", SNSBody, `{"a": [{"anything-but": "x"}]}`, body(`"{\"a\": [\"x\", \"y\"]}"`), true},
		{"body ignores attributes", SNSBody, `{"a": ["x"]}`, `{"Message": "{}", "MessageAttributes": {"a": {"DataType": "String", "StringValue": "x"}}}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile([]byte(tc.policy), tc.d, nil)
			if err != nil {
				t.Fatal(err)
			}
			ex, err := Explain(p, []byte(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			if ex.Matched != tc.match {
				t.Fatalf("matched=%v, want %v: %v", ex.Matched, tc.match, ex.Lines)
			}
		})
	}
}

// TestSNSLimits pins the key count and the weighted combination count
// (docs/semantics/filter-policies.md §5.1, §5.2) on the spec's own examples.
func TestSNSLimits(t *testing.T) {
	vals := func(n int) string {
		s := "["
		for i := 0; i < n; i++ {
			if i > 0 {
				s += ","
			}
			s += `"v` + string(rune('a'+i%26)) + `"`
		}
		return s + "]"
	}
	tests := []struct {
		d      Dialect
		policy string
		reason string // "" = valid
	}{
		{SNSAttributes, `{"a":` + vals(150) + `}`, ""},
		{SNSAttributes, `{"a":` + vals(151) + `}`, "Filter policy is too complex"},
		{SNSAttributes, `{"a":` + vals(100) + `,"b":` + vals(51) + `}`, "Filter policy is too complex"},
		{SNSAttributes, `{"src":` + vals(4) + `,"$or":[{"mn":` + vals(6) + `},{"mt":` + vals(4) + `,"$or":[{"id":` + vals(4) + `},{"sp":` + vals(4) + `}]}]}`, "Filter policy is too complex"},
		{SNSAttributes, `{"src":` + vals(3) + `,"$or":[{"mn":` + vals(6) + `},{"mt":` + vals(4) + `,"$or":[{"id":` + vals(4) + `},{"sp":` + vals(7) + `}]}]}`, ""},
		{SNSBody, `{"a":{"b":{"c":` + vals(4) + `}},"d":{"e":` + vals(3) + `},"f":` + vals(3) + `}`, "Filter policy is too complex"},
		{SNSBody, `{"$or":[{"m":` + vals(3) + `},{"n":` + vals(2) + `}],"detail":{"s":` + vals(2) + `,"$or":[{"src":` + vals(1) + `},{"type":` + vals(3) + `}]}}`, "Filter policy is too complex"},
		{SNSAttributes, `{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1]}`, ""},
		{SNSAttributes, `{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]}`, "Filter policy can not have more than 5 keys"},
		{SNSBody, `{"a":[1],"b":[1],"c":[1],"d":[1],"e":{"x":[1],"y":[1],"z":[1]}}`, ""},
		{SNSBody, `{"a":[1],"b":[1],"c":[1],"$or":[{"d":[1]},{"e":[1],"f":[1]}]}`, "Filter policy can not have more than 5 keys"},
	}
	for _, tc := range tests {
		_, err := Compile([]byte(tc.policy), tc.d, nil)
		switch {
		case tc.reason == "" && err != nil:
			t.Errorf("%.80s: %v, want valid", tc.policy, err)
		case tc.reason != "" && (err == nil || err.(ErrorList)[0].Reason != tc.reason):
			t.Errorf("%.80s: %v, want %q", tc.policy, err, tc.reason)
		}
	}
}

func TestParsePublishDuplicateAttribute(t *testing.T) {
	p, err := ParsePublish([]byte(`{"Message":"m","MessageAttributes":{"a":{"DataType":"String","StringValue":"1"},"b":{"DataType":"String","StringValue":"x"},"a":{"DataType":"String","StringValue":"2"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(p.AttributesEvent()); got != `{"a":"2","b":"x"}` {
		t.Fatalf("event %s: the later duplicate must win", got)
	}
}
