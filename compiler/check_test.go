package compiler

import (
	"strings"
	"testing"
)

// TestErrors pins one pattern per error reason and dialect, beyond the
// conformance examples: the AWS reason (as a substring, like the
// conformance files) and our stable code.
func TestErrors(t *testing.T) {
	tests := []struct {
		d       Dialect
		pattern string
		code    string
		reason  string
	}{
		{EventBridge, `{"a": [{"anything-but": {}}]}`, CodeAnythingBut, "Anything-But expression name not found"},
		{EventBridge, `{"a": [{"anything-but": []}]}`, CodeAnythingBut, "mixed type is not supported"},
		{EventBridge, `{"a": [{"anything-but": {"prefix": []}}]}`, CodeEmptyArray, "Empty arrays are not allowed"},
		{EventBridge, `{"a": [{"anything-but": {"prefix": "a", "suffix": "b"}}]}`, CodeAnythingBut, "Too many elements in numeric expression"},
		{EventBridge, `{"a": [{"anything-but": "x", "prefix": "b"}]}`, CodeOneKey, "Too many elements in numeric expression"},
		{EventBridge, `{"a": [{"anything-but": {"numeric": [">", 1]}}]}`, CodeAnythingBut, "Unsupported anything-but pattern: numeric"},
		{EventBridge, `{"a": [{"anything-but": {"wildcard": "a**"}}]}`, CodeWildcard, "Consecutive wildcard characters at pos 2"},
		{EventBridge, `{"a": [{"numeric": [">", 1, "<", 5], "exists": true}]}`, CodeOneKey, "Too many elements in numeric expression"},
		{EventBridge, `{"a": [{"numeric": [true]}]}`, CodeNumeric, "Invalid member in numeric match: true"},
		{EventBridge, `{"a": [{"numeric": ["<", 12345678901234567890]}]}`, CodeNumberPrecision, "Cannot compare number : 12345678901234567890"},
		{EventBridge, `{"a": [{"exists": true, "prefix": "x"}]}`, CodeOneKey, "Only one key allowed in match expression"},
		{EventBridge, `{"a": [{"prefix": {}}]}`, CodePrefix, "Prefix expression name not found"},
		{EventBridge, `{"a": [{"suffix": {}}]}`, CodeSuffix, "Suffix expression name not found"},
		{EventBridge, `{"a": [{"prefix": {"equals-ignore-case": "x", "b": 1}}]}`, CodeOneKey, "Only one key allowed in match expression"},
		{EventBridge, `{"a": [{"exactly": 5}]}`, CodeExactly, "exact match pattern must be a string"},
		{EventBridge, `{"a": [{"wildcard": "a\\"}]}`, CodeWildcard, "Invalid escape character at pos 2"},
		{EventBridge, `{"a": [{"wildcard": "é**"}]}`, CodeWildcard, "Consecutive wildcard characters at pos 3"},
		{EventBridge, `{"a": [{"cidr": "999.0.0.0/8"}]}`, CodeCIDR, "Invalid IP address: 999.0.0.0"},
		{EventBridge, `{"a": [{"cidr": "10.0.0.0/-1"}]}`, CodeCIDR, "Malformed CIDR, mask bits must not be negative"},
		{EventBridge, `{"a": [{"cidr": "10.0.0.0/32"}]}`, CodeCIDR, "IPv4 mask bits must be < 32"},
		{EventBridge, `{"a": [{"cidr": "2001:db8::/128"}]}`, CodeCIDR, "IPv6 mask bits must be < 128"},
		{EventBridge, `{"a": [{"cidr": "10.0.0.0/"}]}`, CodeCIDR, "Malformed CIDR, one '/' required"},
		{EventBridge, `{"a": [{"$or": [1, 2]}]}`, CodeUnknownOperator, "Unrecognized match type $or"},
		{EventBridge, `{"$or": "x"}`, CodeOr, "It must be an Array followed with $or."},
		{EventBridge, `{"$or": [{"prefix": ["a"]}, {"b": ["c"]}]}`, CodeOr, "prefix is Ruler reserved fieldName which cannot be used inside $or."},
		{EventBridge, `{"$or": [{"k": {"numeric": [1]}}, {"j": [2]}]}`, CodeOr, "numeric is Ruler reserved fieldName which cannot be used inside $or."},
		{EventBridge, `{"$or": [{"a": ["x"]}, {"$or": [{"b": ["y"]}, {"c": {"d": {"wildcard": ["z"]}}}]}]}`, CodeOr, "wildcard is Ruler reserved fieldName which cannot be used inside $or."},
		{EventBridge, `{"a": [{"anything-but": 12345678901234567890}]}`, CodeNumberPrecision, "Cannot compare number : 12345678901234567890"},
		{EventBridge, `{"a": [{"anything-but": [1, 0.30000000000000001]}]}`, CodeNumberPrecision, "Cannot compare number : 0.30000000000000001"},
		{EventBridge, `{"a": [{"anything-but": [1, "x", null]}]}`, CodeAnythingBut, "Inside anything but list, start|null|boolean is not supported."},
		{EventBridge, `{"a": [{"anything-but": [1, "x"]}]}`, CodeAnythingBut, "mixed type is not supported"},
		{SNSAttributes, `{"a": [{"anything-but": [1e400]}]}`, CodeNumberPrecision, "Cannot compare number : 1e400"},
		{EventBridge, `{"$or": [{"a": ["x"]}, 5]}`, CodeOr, "Only JSON object is allowed in array of $or relationship."},
		{EventBridge, `{"a": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}`, CodeComplexity, "Rule is too complex"},
		{EventBridge, `{"$or": [{"a": [{"wildcard": "*a*b*c*d*e*f"}]}, {"a": [{"wildcard": "*a*b*c*d*e*f"}]}]}`, CodeComplexity, "Rule is too complex"},
		{EventBridge, `{"a": [{"contains": "x"}]}`, CodeUnknownOperator, "Unrecognized match type contains"},
		{SNSAttributes, `{"a": [{"wildcard": "x*"}]}`, CodeUnknownOperator, "Unrecognized match type wildcard"},
		{SNSAttributes, `{"a": [{"anything-but": {"prefix": ""}}]}`, CodeAnythingBut, "Null prefix not allowed"},
		{SNSAttributes, `{"a": [{"anything-but": {"prefix": ["x"]}}]}`, CodeAnythingBut, "prefix match pattern must be a string"},
		{SNSAttributes, `{"a": [{"anything-but": {"equals-ignore-case": "x"}}]}`, CodeAnythingBut, "Unsupported anything-but pattern: equals-ignore-case"},
		{SNSAttributes, `{"a": [{"prefix": {"equals-ignore-case": "x"}}]}`, CodePrefix, "prefix match pattern must be a string"},
		{SNSBody, `{"a": [{"suffix": {"equals-ignore-case": "x"}}]}`, CodeSuffix, "suffix match pattern must be a string"},
		{EventBridge, `{"$or": [{"a": ["x"]}]}`, CodeOr, "There must have at least 2 Objects in $or relationship."},
		{EventBridge, `{"$or": [{"a": ["x"]}, {"b": ["y"]}], "c": {"$or": [{"d": [{"nope": 1}]}, {"e": ["z"]}]}}`, CodeUnknownOperator, "Unrecognized match type nope"},
		{EventBridge, `{"a": [{"anything-but": [1, "x"]}]}`, CodeAnythingBut, "Inside anything but list, either all values are number or string, mixed type is not supported"},
		{EventBridge, `{"a": [{"anything-but": ["x", null]}]}`, CodeAnythingBut, "Inside anything but list, start|null|boolean is not supported."},
		{EventBridge, `{"a": [{"anything-but": {"equals-ignore-case": [5]}}]}`, CodeAnythingBut, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."},
		{EventBridge, `{"a": [{"anything-but": {"prefix": {"equals-ignore-case": "x"}}}]}`, CodeAnythingBut, "Value of anything-but must be an array or single string/number value."},
		{EventBridge, `{"a": [{"anything-but": {"suffix": [""]}}]}`, CodeAnythingBut, "Null prefix/suffix not allowed"},
		{EventBridge, `{"a": [{"anything-but": {"wildcard": 5}}]}`, CodeWildcard, "wildcard match pattern must be a string"},
		{EventBridge, `{"a": [{"numeric": "5"}]}`, CodeNumeric, "Value of numeric must be an array."},
		{EventBridge, `{"a": [{"numeric": ["=", 5, 6]}]}`, CodeNumeric, "Too many elements in numeric expression"},
		{EventBridge, `{"a": [{"numeric": [">", 5, "<"]}]}`, CodeNumeric, "Value of < must be numeric"},
		{EventBridge, `{"a": [{"numeric": [">", 5, "<", 9, "<", 10]}]}`, CodeNumeric, "Too many terms in numeric range expression"},
		{EventBridge, `{"a": [{"prefix": {"suffix": "x"}}]}`, CodePrefix, "Unsupported prefix pattern: suffix"},
		{EventBridge, `{"a": [{"suffix": {"equals-ignore-case": 1}}]}`, CodeEqualsIgnore, "equals-ignore-case match pattern must be a string"},
		{EventBridge, `{"a": [{"equals-ignore-case": ["x"]}]}`, CodeEqualsIgnore, "equals-ignore-case match pattern must be a string"},
		{EventBridge, `{"a": [{"exists": "yes"}]}`, CodeExists, "exists match pattern must be either true or false."},
		{EventBridge, `{"a": [{"cidr": 10}]}`, CodeCIDR, "prefix match pattern must be a string"},
		{EventBridge, `{"a": [{"cidr": "10.0.0.0/x"}]}`, CodeCIDR, "Malformed CIDR, mask bits must be an integer"},
		{EventBridge, `{"a": [{"cidr": "10.0.0/8"}]}`, CodeCIDR, "Nonstandard IP address: 10.0.0"},
		{EventBridge, `{"a": [{}]}`, CodeNoMatchName, "Match expression name not found"},
		{EventBridge, `{"a": [["x"]]}`, CodeNestedValueList, "Match value must be String, number, true, false, or null"},
		{EventBridge, `{"a": {}}`, CodeEmptyObject, "Empty objects are not allowed"},
		{EventBridge, `{}`, CodeEmptyObject, "Empty objects are not allowed"},
		{EventBridge, `"x"`, CodeNotObject, "Filter is not an object"},
		{SNSAttributes, `{"a": [{"numeric": [1, "<="]}]}`, CodeNumeric, "Invalid member in numeric match: 1"},
		{SNSAttributes, `{"a": [{"numeric": ["operator"]}]}`, CodeNumeric, "Unrecognized numeric range operator: operator"},
		{SNSAttributes, `{"a": [{"numeric": [">=", 1, ">", 2]}]}`, CodeNumeric, "Bad numeric range operator: >"},
		{SNSAttributes, `{"a": [{"numeric": [">", 20, 30]}]}`, CodeNumeric, "Bad value in numeric range: 30"},
		{SNSAttributes, `{"a": [{"exists": null}]}`, CodeExists, "exists match pattern must be either true or false."},
		{SNSAttributes, `{"a": [{"cidr": "bad-filter"}]}`, CodeCIDR, "Malformed CIDR, one '/' required"},
		{SNSAttributes, `{"a": [{"anything-but": {"exists": true}}]}`, CodeAnythingBut, "Unsupported anything-but pattern: exists"},
		{SNSAttributes, `{"a": [{"exactly": "x"}]}`, CodeUnknownOperator, "Unrecognized match type exactly"},
		{SNSAttributes, `{"a": [{"suffix": null}]}`, CodeSuffix, "suffix match pattern must be a string"},
		{SNSAttributes, `{"$or": [{"a": ["x"]}, {"b": {"c": ["y"]}}]}`, CodeNestedScope, "Filter policy scope MessageAttributes does not support nested filter policy"},
		// SNS order: key count before structure; structure before operators.
		{SNSAttributes, `{"a": [1], "b": [1], "c": [1], "d": [1], "e": [1], "f": "x"}`, CodeSNSKeys, "Filter policy can not have more than 5 keys"},
		{SNSAttributes, `{"a": [{"contains": "x"}], "b": "x"}`, CodeMemberScalar, `"b" must be an object or an array`},
		{SNSBody, `{"a": {"b": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}, "c": {"d": [1, 2, 3, 4, 5, 6, 7, 8]}, "e": [{"nope": 1}]}`, CodeSNSCombos, "Filter policy is too complex"},
	}
	for _, tc := range tests {
		t.Run(tc.pattern, func(t *testing.T) {
			_, err := Compile([]byte(tc.pattern), tc.d, nil)
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 {
				t.Fatalf("got %v, want error %q", err, tc.reason)
			}
			if !strings.Contains(list[0].Reason, tc.reason) || list[0].Code != tc.code {
				t.Fatalf("got %s %q, want %s %q", list[0].Code, list[0].Reason, tc.code, tc.reason)
			}
			if !list[0].Pos.IsValid() {
				t.Fatalf("diagnostic has no position")
			}
		})
	}
}

// TestWildcardComplexity pins event-ruler's reference figures
// (docs/semantics/patterns.md §4.5, §4.5.1).
func TestWildcardComplexity(t *testing.T) {
	tests := []struct {
		pattern string
		want    int
	}{
		{`{"a": [{"wildcard": "*-*-*-*-*-*-*"}]}`, 13},
		{`{"a": [{"wildcard": "*/*/*/*/*/*.log"}]}`, 11},
		{`{"a": [{"wildcard": "a*b*c*d*e*f"}]}`, 6},
		{`{"a": [{"wildcard": "/home/*/src/*.go"}]}`, 4},
		{`{"a": [{"wildcard": "*"}]}`, 2},
		{`{"a": [{"wildcard": "/Users/*/dir/dir/dir/dir/dir/doc.txt"}]}`, 7},
		{`{"a": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}`, 11},
		{`{"a": [{"wildcard": "*o*"}, {"wildcard": "*p*"}, {"wildcard": "*q*"}, {"wildcard": "*r*"}]}`, 12},
		{`{"a": [{"wildcard": "*o*"}, {"wildcard": "*o*"}, {"wildcard": "*o*"}, {"wildcard": "*o*"}]}`, 9},
		{`{"a": [{"wildcard": "*-*"}, {"wildcard": "*-*"}, {"wildcard": "*-*"}, {"wildcard": "*-*"}]}`, 3},
		{`{"a": [{"wildcard": "*o*"}, {"wildcard": "*p*"}]}`, 6},
		{`{"a": [{"anything-but": {"wildcard": ["*o*", "*p*"]}}]}`, 4},
		{`{"a": [{"anything-but": {"wildcard": "*o*"}}, {"wildcard": "*o*"}]}`, 6},
		{`{"a": [{"wildcard": "*a*b*c*d*"}]}`, 6},
		{`{"a": [{"wildcard": "*a*b*c*d*"}], "$or": [{"b": ["x"]}, {"c": ["y"]}]}`, 11},
		{`{"$or": [{"b": ["x"], "z": [{"wildcard": "*a*b*c*d*"}]}, {"z": [{"wildcard": "*a*b*c*"}]}]}`, 6},
		{`{"a": [{"prefix": "x"}, {"numeric": [">", 1]}]}`, 0},
	}
	for _, tc := range tests {
		p, err := Compile([]byte(tc.pattern), EventBridge, &Options{WildcardComplexity: ComplexityCap})
		if err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		if got := WildcardComplexity(p, 0).Value; got != tc.want {
			t.Errorf("%s: complexity %d, want %d", tc.pattern, got, tc.want)
		}
	}
}

func TestLowering(t *testing.T) {
	p, err := Compile([]byte(`{"s":[1], "$or":[{"a":[1]}, {"b":[1], "$or":[{"c":[1]},{"d":[1]}]}]}`), EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cl := range p.Clauses {
		var paths []string
		for _, f := range cl.Fields {
			paths = append(paths, f.Path)
		}
		got = append(got, strings.Join(paths, "∧"))
	}
	if want := "a∧s | b∧c∧s | b∧d∧s"; strings.Join(got, " | ") != want {
		t.Fatalf("clauses %q, want %q", strings.Join(got, " | "), want)
	}
	// Duplicate keys: later leaf wins, objects merge.
	p, err = Compile([]byte(`{"d":{"a":["x"]},"d":{"b":["y"]},"e":["1"],"e":["2"]}`), EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	cl := p.Clauses[0]
	if len(cl.Fields) != 3 || cl.Fields[0].Path != "d.a" || cl.Fields[1].Path != "d.b" || cl.Fields[2].Conds[0].Value.Text != "2" {
		t.Fatalf("duplicate keys lowered wrong: %+v", cl.Fields)
	}
}

func TestOrFallbackWarns(t *testing.T) {
	p, err := Compile([]byte(`{"$or": {"a": ["x"]}}`), EventBridge, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Clauses[0].Fields[0].Path != "$or.a" {
		t.Fatalf("path %q, want $or.a", p.Clauses[0].Fields[0].Path)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Code != WarnOrFallback {
		t.Fatalf("warnings %v, want one %s", p.Warnings, WarnOrFallback)
	}
}

func TestNumberLiteral(t *testing.T) {
	tests := []struct {
		text  string
		exact bool
	}{
		{"0.1", true}, {"3e2", true}, {"300.0", true}, {"1e300", true}, {"-0", true},
		{"0.30000000000000001", false}, {"12345678901234567890", false}, {"1e400", false},
		{"9007199254740993", false}, {"9007199254740992", true}, {"1E-7", true},
	}
	for _, tc := range tests {
		if got := NumberLiteral(tc.text).Exact; got != tc.exact {
			t.Errorf("%s: exact=%v, want %v", tc.text, got, tc.exact)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		p, s string
		eq   bool
	}{
		{"ÉTÉ", "été", true}, {"abc", "ABC", true}, {"abc", "ABD", false}, {"", "", true}, {"", "a", false},
		{"ab", "a", false},
	}
	for _, tc := range tests {
		if got := EqualFold(tc.p, tc.s); got != tc.eq {
			t.Errorf("EqualFold(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
	if !HasPrefixFold("Hello World", "hELLO") || HasPrefixFold("He", "hello") {
		t.Error("HasPrefixFold")
	}
	if !HasSuffixFold("report.PDF", ".pdf") || HasSuffixFold("pdf", "x.pdf") {
		t.Error("HasSuffixFold")
	}
}

// TestArrayConsistency pins the exists:false-per-choice rule of
// docs/semantics/patterns.md §5 where event-ruler's answer depends on key order.
func TestArrayConsistency(t *testing.T) {
	event := `{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d",
	  "detail":{"items":[{"a":"x"},{"a":"y","b":"z"}]}}`
	tests := []struct {
		pattern string
		match   bool
	}{
		{`{"detail":{"items":{"a":["x"],"b":[{"exists":false}]}}}`, true},
		{`{"detail":{"items":{"a":["y"],"b":[{"exists":false}]}}}`, false},
		{`{"detail":{"items":{"a":["x"],"b":["z"]}}}`, false},
		{`{"detail":{"items":{"a":["y"],"b":["z"]}}}`, true},
		{`{"detail":{"items":{"a":[{"anything-but":"x"}],"b":["z"]}}}`, true},
	}
	for _, tc := range tests {
		p, err := Compile([]byte(tc.pattern), EventBridge, nil)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := Explain(p, []byte(event))
		if err != nil {
			t.Fatal(err)
		}
		if ex.Matched != tc.match {
			t.Errorf("%s: matched=%v, want %v (%v)", tc.pattern, ex.Matched, tc.match, ex.Lines)
		}
	}
}

func TestSNSAnythingButEveryValue(t *testing.T) {
	p, err := Compile([]byte(`{"sport": [{"anything-but": ["rugby", "tennis"]}]}`), SNSAttributes, nil)
	if err != nil {
		t.Fatal(err)
	}
	req := `{"Message":"m","MessageAttributes":{"sport":{"DataType":"String.Array","StringValue":"[\"rugby\",\"baseball\"]"}}}`
	ex, err := Explain(p, []byte(req))
	if err != nil {
		t.Fatal(err)
	}
	if ex.Matched {
		t.Fatal("String.Array with an excluded element matched; the current SNS docs say it must not")
	}
	p, _ = Compile([]byte(`{"sport": [{"anything-but": ["rugby", "tennis"]}]}`), SNSBody, nil)
	ex, err = Explain(p, []byte(`{"Message":"{\"sport\":[\"rugby\",\"baseball\"]}"}`))
	if err != nil || !ex.Matched {
		t.Fatalf("body arrays keep the any-element rule: %v %v", ex, err)
	}
}

// TestBudgets pins patternc's own safety budgets and their Options: each
// refusal carries a patternc code and never an AWS reason.
func TestBudgets(t *testing.T) {
	or := func(n int) string {
		s := `{"$or": [`
		for i := 0; i < n; i++ {
			if i > 0 {
				s += ","
			}
			s += `{"k": [` + string(rune('0'+i%10)) + `]}`
		}
		return s + `]}`
	}
	// Three $or of 20 branches each: 8000 clauses.
	three := `{"a": ` + or(20) + `, "b": ` + or(20) + `, "c": ` + or(20) + `}`
	long := `{"source": ["` + strings.Repeat("x", 2100) + `"]}`
	deep := strings.Repeat(`{"a": `, 30) + `["x"]` + strings.Repeat(`}`, 30)
	tests := []struct {
		name    string
		d       Dialect
		pattern string
		opts    *Options
		code    string // "" = valid
	}{
		{"clauses over budget", EventBridge, three, nil, CodeTooManyRules},
		{"clauses raised budget", EventBridge, three, &Options{MaxClauses: 10000}, ""},
		{"EventBridge 2048 characters", EventBridge, long, nil, CodeTooLarge},
		{"EventBridge raised quota", EventBridge, long, &Options{MaxSize: 4096}, ""},
		{"SNS 256 KB", SNSBody, long, nil, ""},
		{"depth", EventBridge, deep, &Options{MaxDepth: 20}, CodeTooDeep},
		{"depth default", EventBridge, deep, nil, ""},
		{"complexity budget", EventBridge, `{"a": [{"wildcard": "*/*/*/*"}]}`, &Options{WildcardComplexity: 5}, CodeComplexity},
		{"unknown dialect", Dialect(9), `{"a": ["x"]}`, nil, "E000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile([]byte(tc.pattern), tc.d, tc.opts)
			if tc.code == "" {
				if err != nil || len(p.Clauses) == 0 {
					t.Fatalf("got %v, want valid", err)
				}
				return
			}
			list, ok := err.(ErrorList)
			if !ok || list[0].Code != tc.code {
				t.Fatalf("got %v, want code %s", err, tc.code)
			}
		})
	}
}

// TestAllErrors: with Options.AllErrors every independent error is listed
// in document order, the first being the one AWS reports.
func TestAllErrors(t *testing.T) {
	tests := []struct {
		d       Dialect
		pattern string
		codes   []string
	}{
		{EventBridge, `{"a": "x", "b": [{"prefix": 1}, {"NUMERIC": []}], "c": {"d": [], "e": ["ok"]}, "f": ["ok"]}`,
			[]string{CodeMemberScalar, CodePrefix, CodeUnknownOperator, CodeEmptyArray}},
		{EventBridge, `{"$or": [{"a": [{"exists": 1}]}, {"b": [[1]]}], "c": ["ok"]}`,
			[]string{CodeExists, CodeNestedValueList}},
		// SNS phases: structure errors first and alone.
		{SNSBody, `{"a": [{"nope": 1}], "b": 5, "c": {"d": []}}`, []string{CodeMemberScalar, CodeEmptyArray}},
		{SNSBody, `{"a": [{"nope": 1}], "b": [{"exists": 2}]}`, []string{CodeUnknownOperator, CodeExists}},
		// A malformed $or that also fails as a field name reports the $or error once.
		{EventBridge, `{"$or": [{"a": ["x"]}], "b": [{"x": 1}]}`, []string{CodeOr, CodeUnknownOperator}},
	}
	for _, tc := range tests {
		t.Run(tc.pattern, func(t *testing.T) {
			_, first := Compile([]byte(tc.pattern), tc.d, nil)
			_, err := Compile([]byte(tc.pattern), tc.d, &Options{AllErrors: true})
			list, ok := err.(ErrorList)
			if !ok {
				t.Fatalf("got %v", err)
			}
			var codes []string
			for _, d := range list {
				codes = append(codes, d.Code)
			}
			if strings.Join(codes, " ") != strings.Join(tc.codes, " ") {
				t.Fatalf("codes %v, want %v (%v)", codes, tc.codes, list)
			}
			if f := first.(ErrorList)[0]; *f != *list[0] {
				t.Fatalf("first error %v, want AWS's %v", list[0], f)
			}
		})
	}
}
