package compiler

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler/source"
)

// envelope wraps members into an event TestEventPattern accepts.
func envelope(members string) string {
	e := `{"id":"1","account":"123456789012","source":"s","time":"2024-01-01T00:00:00Z","region":"r","detail-type":"d"`
	if members != "" {
		e += "," + members
	}
	return e + "}"
}

// TestOperators pins each operator's matching rule on the values that
// decide it (docs/semantics/patterns.md §3, §4, §6), one table row per edge.
func TestOperators(t *testing.T) {
	tests := []struct {
		name    string
		pattern string // condition list for the top-level field "f"
		event   string // members of the event besides the envelope
		match   bool
	}{
		// docs/semantics/patterns.md §3 null vs missing vs empty.
		{"null matches null", `[null]`, `"f": null`, true},
		{"null vs string null", `[null]`, `"f": "null"`, false},
		{"null vs absent", `[null]`, ``, false},
		{"null vs []", `[null]`, `"f": []`, false},
		{"null in array", `[null]`, `"f": [null]`, true},
		{"empty string", `[""]`, `"f": ""`, true},
		{"empty string vs null", `[""]`, `"f": null`, false},
		{"exists vs null", `[{"exists": true}]`, `"f": null`, true},
		{"exists vs empty string", `[{"exists": true}]`, `"f": ""`, true},
		{"exists vs object", `[{"exists": true}]`, `"f": {"g": 1}`, false},
		{"exists vs []", `[{"exists": true}]`, `"f": []`, false},
		{"exists vs 0", `[{"exists": true}]`, `"f": 0`, true},
		{"not exists vs absent", `[{"exists": false}]`, ``, true},
		{"not exists vs object", `[{"exists": false}]`, `"f": {}`, true},
		{"not exists vs []", `[{"exists": false}]`, `"f": []`, true},
		{"not exists vs false", `[{"exists": false}]`, `"f": false`, false},
		// Types never mix.
		{"number vs string", `[5]`, `"f": "5"`, false},
		{"string vs number", `["5"]`, `"f": 5`, false},
		{"true vs string", `[true]`, `"f": "true"`, false},
		{"true", `[true]`, `"f": true`, true},
		{"false", `[false]`, `"f": false`, true},
		// docs/semantics/patterns.md §6 numbers by value; inexact ones by text.
		{"300 = 3e2", `[300]`, `"f": 3e2`, true},
		{"300 = 300.0", `[300]`, `"f": 300.0`, true},
		{"-0 = 0", `[0]`, `"f": -0`, true},
		{"inexact by text", `[12345678901234567890]`, `"f": 12345678901234567890`, true},
		{"inexact not by value", `[12345678901234567890]`, `"f": 12345678901234567890.0`, false},
		{"1e400 by text", `[1e400]`, `"f": 1e400`, true},
		// Strings: bytes after unescaping.
		{"unicode escape", `["\u00e9"]`, `"f": "é"`, true},
		{"no case folding", `["abc"]`, `"f": "ABC"`, false},
		// prefix / suffix / equals-ignore-case.
		{"prefix", `[{"prefix": "ab"}]`, `"f": "abc"`, true},
		{"prefix empty", `[{"prefix": ""}]`, `"f": "x"`, true},
		{"prefix not number", `[{"prefix": "1"}]`, `"f": 12`, false},
		{"prefix ignore case", `[{"prefix": {"equals-ignore-case": "AB"}}]`, `"f": "abc"`, true},
		{"suffix", `[{"suffix": ".png"}]`, `"f": "a.png"`, true},
		{"suffix miss", `[{"suffix": ".png"}]`, `"f": "a.PNG"`, false},
		{"suffix ignore case", `[{"suffix": {"equals-ignore-case": ".png"}}]`, `"f": "a.PNG"`, true},
		{"equals-ignore-case", `[{"equals-ignore-case": "ÉTÉ"}]`, `"f": "été"`, true},
		{"equals-ignore-case empty", `[{"equals-ignore-case": ""}]`, `"f": "a"`, false},
		// wildcard.
		{"wildcard zero chars", `[{"wildcard": "a*b"}]`, `"f": "ab"`, true},
		{"wildcard", `[{"wildcard": "a*b*c"}]`, `"f": "aXbYc"`, true},
		{"wildcard miss", `[{"wildcard": "a*b*c"}]`, `"f": "aXcYb"`, false},
		{"wildcard escaped star", `[{"wildcard": "a\\*b"}]`, `"f": "a*b"`, true},
		{"wildcard escaped star literal", `[{"wildcard": "a\\*b"}]`, `"f": "aXb"`, false},
		{"wildcard backslash", `[{"wildcard": "C:\\\\*"}]`, `"f": "C:\\tmp"`, true},
		{"wildcard no star", `[{"wildcard": ""}]`, `"f": ""`, true},
		// anything-but.
		{"anything-but absent", `[{"anything-but": "x"}]`, ``, false},
		{"anything-but null", `[{"anything-but": "x"}]`, `"f": null`, true},
		{"anything-but same", `[{"anything-but": "x"}]`, `"f": "x"`, false},
		{"anything-but number by value", `[{"anything-but": 404}]`, `"f": 404.0`, false},
		{"anything-but any element", `[{"anything-but": ["a", "b"]}]`, `"f": ["a", "c"]`, true},
		{"anything-but prefix number", `[{"anything-but": {"prefix": "a"}}]`, `"f": 1`, true},
		{"anything-but suffix", `[{"anything-but": {"suffix": "z"}}]`, `"f": "az"`, false},
		{"anything-but ignore case", `[{"anything-but": {"equals-ignore-case": ["A"]}}]`, `"f": "a"`, false},
		{"anything-but wildcard", `[{"anything-but": {"wildcard": "*.tmp"}}]`, `"f": "x.log"`, true},
		{"anything-but or absent", `[{"anything-but": "x"}, {"exists": false}]`, ``, true},
		// numeric.
		{"numeric open", `[{"numeric": [">", 5]}]`, `"f": 5`, false},
		{"numeric closed", `[{"numeric": [">=", 5]}]`, `"f": 5`, true},
		{"numeric range", `[{"numeric": [">", 0, "<=", 5]}]`, `"f": 5e0`, true},
		{"numeric equals", `[{"numeric": ["=", 300]}]`, `"f": 3e2`, true},
		{"numeric vs string", `[{"numeric": [">", 0]}]`, `"f": "5"`, false},
		{"numeric vs inexact", `[{"numeric": [">", 0]}]`, `"f": 12345678901234567890`, false},
		{"numeric any element", `[{"numeric": ["<", 0]}]`, `"f": [1, -1]`, true},
		// cidr and IP literals.
		{"cidr v4", `[{"cidr": "10.0.0.0/24"}]`, `"f": "10.0.0.255"`, true},
		{"cidr v4 outside", `[{"cidr": "10.0.0.0/24"}]`, `"f": "10.0.1.0"`, false},
		{"cidr host bits", `[{"cidr": "10.0.0.5/24"}]`, `"f": "10.0.0.7"`, true},
		{"cidr leading zeros", `[{"cidr": "10.0.0.0/8"}]`, `"f": "010.0.0.1"`, true},
		{"cidr bad address", `[{"cidr": "10.0.0.0/8"}]`, `"f": "10.0.0.256"`, false},
		{"cidr port", `[{"cidr": "10.0.0.0/8"}]`, `"f": "10.0.0.1:80"`, false},
		{"cidr v6 full form", `[{"cidr": "2001:db8::/32"}]`, `"f": "2001:0DB8:0000:0000:0000:0000:0000:0001"`, true},
		{"cidr v4-mapped", `[{"cidr": "10.0.0.0/8"}]`, `"f": "::ffff:10.0.0.1"`, false},
		{"ip literal as block", `["2001:db8::1"]`, `"f": "2001:0db8:0000:0000:0000:0000:0000:0001"`, true},
		{"cidr vs number", `[{"cidr": "10.0.0.0/8"}]`, `"f": 10`, false},
		// Lists are OR-ed; arrays of arrays flatten.
		{"list or", `["a", {"prefix": "b"}]`, `"f": "bc"`, true},
		{"nested arrays", `["x"]`, `"f": [["y"], ["x"]]`, true},
		{"empty array no leaf", `["x"]`, `"f": []`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile([]byte(`{"f": `+tc.pattern+`}`), EventBridge, nil)
			if err != nil {
				t.Fatal(err)
			}
			ex, err := Explain(p, []byte(envelope(tc.event)))
			if err != nil {
				t.Fatal(err)
			}
			if ex.Matched != tc.match {
				t.Fatalf("%s vs {%s}: matched=%v, want %v\n%s", tc.pattern, tc.event, ex.Matched, tc.match, strings.Join(ex.Lines, "\n"))
			}
		})
	}
}

// TestKeys pins dotted paths and duplicate keys (docs/semantics/patterns.md §7).
func TestKeys(t *testing.T) {
	tests := []struct {
		pattern, event string
		match          bool
	}{
		{`{"a.b": [1]}`, `"a": {"b": 1}`, true},
		{`{"a": {"b": [1]}}`, `"a.b": 1`, true},
		{`{"a": ["x"], "a": ["y"]}`, `"a": "y"`, true},
		{`{"a": ["x"], "a": ["y"]}`, `"a": "x"`, false},
		{`{"d": {"a": ["x"]}, "d": {"b": ["y"]}}`, `"d": {"a": "x", "b": "y"}`, true},
		{`{"d": {"a": ["x"]}, "d": {"b": ["y"]}}`, `"d": {"b": "y"}`, false},
		{`{"A": ["x"]}`, `"a": "x"`, false},
		{`{"": ["x"]}`, `"": "x"`, true},
		// A sibling after an $or overrides the branch's condition on the
		// same path, like event-ruler's map put.
		{`{"$or": [{"a": ["1"]}, {"b": ["2"]}], "a": ["3"]}`, `"a": "3", "b": "2"`, true},
		{`{"$or": [{"a": ["1"]}, {"b": ["2"]}], "a": ["3"]}`, `"a": "1"`, false},
	}
	for _, tc := range tests {
		p, err := Compile([]byte(tc.pattern), EventBridge, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		ex, err := Explain(p, []byte(envelope(tc.event)))
		if err != nil {
			t.Fatal(err)
		}
		if ex.Matched != tc.match {
			t.Errorf("%s vs {%s}: matched=%v, want %v", tc.pattern, tc.event, ex.Matched, tc.match)
		}
	}
}

// TestExplainInputErrors: an input that cannot be matched is an
// *InputError that says so, never a verdict.
func TestExplainInputErrors(t *testing.T) {
	eb, _ := Compile([]byte(`{"source": ["s"]}`), EventBridge, nil)
	sns, _ := Compile([]byte(`{"a": ["x"]}`), SNSAttributes, nil)
	tests := []struct {
		p     *Pattern
		input string
		msg   string
	}{
		{eb, `not json`, "Parameter Event is not valid."},
		{eb, `[1]`, "Parameter Event is not valid."},
		{eb, `{"id": "1"}`, "missing account, source, time, region, detail-type"},
		{eb, envelope(`"x": "` + "\xff" + `"`), "invalid UTF-8"},
		{eb, envelope(`"x": ` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000)), "nesting deeper"},
		{sns, `{"Message": 5}`, "Message must be a string"},
		{sns, `{"MessageAttributes": {"a": {"DataType": "Number", "StringValue": "x"}}}`, "is not a number"},
		{sns, `{"MessageAttributes": {"a": {"DataType": "Blob", "StringValue": "x"}}}`, "is not String, Number, Binary or String.Array"},
		{sns, `{"MessageAttributes": {"a": {"StringValue": "x"}}}`, "has no DataType"},
		{sns, `{"MessageAttributes": {"a": {"DataType": "String"}}}`, "has no value"},
		// Not a Publish request at all: said so, never a silent no-match.
		{sns, `{"store": "eu-1"}`, `not an SNS Publish request: it has neither "Message" nor "MessageAttributes"`},
		{sns, `{"store": {"DataType": "String", "StringValue": "eu-1"}}`, "this is a bare MessageAttributes map"},
		{sns, `[1]`, "must be a JSON object"},
	}
	for _, tc := range tests {
		_, err := Explain(tc.p, []byte(tc.input))
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(ie.Msg, tc.msg) {
			t.Errorf("%.60q: got %v, want an InputError containing %q", tc.input, err, tc.msg)
		}
	}
}

// TestExplainClausesOnly: Explain needs only Dialect and Clauses, so the
// automaton's differential tests can feed it generated patterns.
func TestExplainClausesOnly(t *testing.T) {
	p := &Pattern{Dialect: EventBridge, Clauses: []Clause{{Fields: []Field{
		{Path: "detail.n", Conds: []Condition{{Op: OpNumeric, Range: Range{Lo: 1, HasLo: true}}}},
		{Path: "source", Conds: []Condition{{Op: OpEquals, Value: Literal{Kind: LitString, Text: "s"}}}},
	}}}}
	for event, want := range map[string]bool{
		envelope(`"detail": {"n": 2}`): true,
		envelope(`"detail": {"n": 1}`): false,
	} {
		ex, err := Explain(p, []byte(event))
		if err != nil || ex.Matched != want {
			t.Errorf("%s: %v %v, want %v", event, ex, err, want)
		}
	}
}

// TestExplainBounded: a clause whose fields only match in different
// elements of large arrays is decided within the search budget, and a
// hostile event gets an error rather than an endless search.
func TestExplainBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`"items": [`)
	for i := 0; i < 2000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if i%2 == 0 {
			b.WriteString(`{"a": "x", "b": "n"}`)
		} else {
			b.WriteString(`{"a": "n", "b": "y"}`)
		}
	}
	b.WriteString(`]`)
	p, err := Compile([]byte(`{"items": {"a": ["x"], "b": ["y"]}}`), EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := Explain(p, []byte(envelope(b.String())))
	if err != nil {
		t.Fatal(err)
	}
	if ex.Matched {
		t.Fatal("matched across elements")
	}
	if !strings.Contains(strings.Join(ex.Lines, "\n"), "array consistency") {
		t.Fatalf("explanation does not name array consistency: %v", ex.Lines)
	}
}

// TestExplainNumbersAsWritten: explanations print numeric bounds as the
// pattern wrote them, not in Go's %v float form (1.048576e+06).
func TestExplainNumbersAsWritten(t *testing.T) {
	p, err := Compile([]byte(`{"size": [{"numeric": [">=", 1048576, "<", 2e9]}], "n": [{"numeric": ["=", 3.0]}], "m": [{"numeric": ["<=", 0.1]}]}`), EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := ExplainMatch(p, []byte(`{"size": 2097152, "n": 3, "m": 0}`))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(ex.Lines, "\n")
	for _, want := range []string{`[">=", 1048576, "<", 2e9]`, `["=", 3.0]`, `["<=", 0.1]`} {
		if !strings.Contains(got, want) {
			t.Errorf("explanation lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "e+0") {
		t.Errorf("explanation prints a number in %%v form:\n%s", got)
	}
	// Ranges built in code have no text: plain notation where it is short.
	if s := DescribeCondition(&Condition{Op: OpNumeric, Range: Range{Lo: 1048576, HasLo: true}}); s != `{"numeric": [">", 1048576]}` {
		t.Errorf("DescribeCondition = %s", s)
	}
}

// TestFlattenPins pins which leaves carry an array's index (docs/semantics/patterns.md §5):
// leaves inside an object or array element do, scalar elements do not.
func TestFlattenPins(t *testing.T) {
	v, err := source.ParseJSON([]byte(`{"b": ["x", {"a": "f"}, ["y"]]}`), source.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range Flatten(v) {
		got[l.Path+"="+l.Text] = fmt.Sprint(l.Arrays)
	}
	want := map[string]string{"b=x": "[]", "b.a=f": "[{0 1}]", "b=y": "[{0 2}]"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: arrays %s, want %s", k, got[k], w)
		}
	}
}
