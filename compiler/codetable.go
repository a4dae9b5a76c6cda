package compiler

import (
	"fmt"
	"strings"
)

// CodeInfo describes one diagnostic code: what it means and a pattern that
// draws it. The table is the single source of docs/codes.md (generated
// and checked by a test, so the page cannot drift from the code) and of
// the known codes that --disable accepts.
type CodeInfo struct {
	Code     string
	Severity Severity
	Summary  string
	Dialect  Dialect // the example's dialect
	Example  string  // a pattern that draws this code
	Shown    string  // the example as the docs show it, when it is too long to print
}

// Codes lists every compiler diagnostic code in order.
var Codes = []CodeInfo{
	{CodeSyntax, SeverityError, "the document is not JSON", EventBridge, `{'source': ['aws.ec2']}`, ""},
	{CodeTooLarge, SeverityError, "the pattern is larger than the dialect allows (EventBridge: 2048 characters by default; SNS: 256 KB)", EventBridge,
		`{"source": ["` + strings.Repeat("a", 2100) + `"]}`, `{"source": ["aaaa…(2 100 characters)"]}`},
	{CodeTooDeep, SeverityError, "nesting deeper than patternc's safety budget (100 levels)", EventBridge,
		strings.Repeat(`{"a": `, 101) + `["x"]` + strings.Repeat("}", 101), `{"a": {"a": … 101 levels … ["x"]}}`},
	{CodeInvalidText, SeverityError, "invalid UTF-8 or a similar encoding fault", EventBridge, "{\"source\": [\"caf\xe9\"]}", `{"source": ["caf\xe9"]} (a Latin-1 byte, not UTF-8)`},

	{CodeNotObject, SeverityError, "the pattern is not a JSON object", EventBridge, `["aws.ec2"]`, ""},
	{CodeMemberScalar, SeverityError, "a field's value must be a list of values or a nested object", EventBridge, `{"source": "aws.ec2"}`, ""},
	{CodeEmptyObject, SeverityError, "an empty object", EventBridge, `{"detail": {}}`, ""},
	{CodeEmptyArray, SeverityError, "an empty list of values", EventBridge, `{"source": []}`, ""},
	{CodeNestedValueList, SeverityError, "a value that is itself a list or an object without an operator", EventBridge, `{"source": [["aws.ec2"]]}`, ""},
	{CodeNoMatchName, SeverityError, "an operator object without an operator", EventBridge, `{"source": [{}]}`, ""},
	{CodeOneKey, SeverityError, "two operators in one operator object", EventBridge, `{"key": [{"prefix": "uploads/", "suffix": ".jpg"}]}`, ""},
	{CodeUnknownOperator, SeverityError, "an operator the dialect does not have", EventBridge, `{"source": [{"prefx": "aws."}]}`, ""},
	{CodeOr, SeverityError, "a malformed $or", EventBridge, `{"$or": [{"source": ["aws.ec2"]}]}`, ""},
	{CodeNestedScope, SeverityError, "a nested object in an SNS MessageAttributes policy", SNSAttributes, `{"store": {"region": ["eu"]}}`, ""},

	{CodePrefix, SeverityError, "a prefix operand that is not a string", EventBridge, `{"source": [{"prefix": 5}]}`, ""},
	{CodeSuffix, SeverityError, "a suffix operand that is not a string", EventBridge, `{"source": [{"suffix": ["a", "b"]}]}`, ""},
	{CodeEqualsIgnore, SeverityError, "an equals-ignore-case operand that is not a string", EventBridge, `{"source": [{"equals-ignore-case": 5}]}`, ""},
	{CodeWildcard, SeverityError, "a wildcard operand that is not a string, or bad wildcard syntax", EventBridge, `{"source": [{"wildcard": 5}]}`, ""},
	{CodeAnythingBut, SeverityError, "a malformed anything-but", EventBridge, `{"state": [{"anything-but": ["running", 5]}]}`, ""},
	{CodeNumeric, SeverityError, "a malformed numeric range", EventBridge, `{"count": [{"numeric": [">", 9, "<", 2]}]}`, ""},
	{CodeExists, SeverityError, "an exists operand that is not true or false", EventBridge, `{"source": [{"exists": "yes"}]}`, ""},
	{CodeCIDR, SeverityError, "a malformed CIDR block", EventBridge, `{"ip": [{"cidr": "10.0.0.0/33"}]}`, ""},
	{CodeExactly, SeverityError, "an exactly operand that is not a string", EventBridge, `{"source": [{"exactly": 5}]}`, ""},
	{CodeNumberPrecision, SeverityError, "a number AWS cannot compare", EventBridge, `{"bytes": [{"numeric": ["<", 1e400]}]}`, ""},

	{CodeComplexity, SeverityError, "a wildcard pattern above EventBridge's complexity limit", EventBridge, `{"resources": [{"wildcard": "arn:*:*:*:*:*:event-bus/*"}]}`, ""},
	{CodeSNSKeys, SeverityError, "an SNS filter policy with more than 5 keys", SNSAttributes, `{"a": ["1"], "b": ["2"], "c": ["3"], "d": ["4"], "e": ["5"], "f": ["6"]}`, ""},
	{CodeSNSCombos, SeverityError, "an SNS filter policy with more than 150 combinations", SNSBody, `{"a": {"b": {"c": [1, 2, 3, 4]}}, "d": {"e": [1, 2, 3]}, "f": [1, 2, 3]}`, ""},
	{CodeTooManyRules, SeverityError, "more clauses after $or expansion than patternc's budget (4096)", EventBridge, manyOrs(13),
		`{"k1": {"$or": [{"x": ["1"]}, {"y": ["1"]}]}, … 13 such fields}`},

	{WarnExactly, SeverityWarning, "the exactly operator, accepted by EventBridge but not documented", EventBridge, `{"source": [{"exactly": "aws.ec2"}]}`, ""},
	{WarnOrFallback, SeverityWarning, "$or read as an ordinary field name", EventBridge, `{"$or": {"literal": ["field"]}}`, ""},
	{WarnNumberRange, SeverityWarning, "a number outside AWS's documented range (±1e9)", EventBridge, `{"size": [{"numeric": [">", 5e9]}]}`, ""},
	{WarnInexact, SeverityWarning, "a number literal that binary64 cannot hold exactly", EventBridge, `{"id": [12345678901234567890.5]}`, ""},
	{WarnComplexityQuirk, SeverityWarning, "wildcard complexity over the limit that AWS may accept: an exists:false field sorting before the wildcard field hides it from AWS's measure", EventBridge,
		`{"a": [{"exists": false}], "b": [{"wildcard": "*o*"}, {"wildcard": "*p*"}, {"wildcard": "*q*"}, {"wildcard": "*r*"}]}`, ""},
}

// manyOrs builds a pattern whose $or fields multiply to 2^n clauses.
func manyOrs(n int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `"k%d": {"$or": [{"x": ["1"]}, {"y": ["1"]}]}`, i)
	}
	b.WriteByte('}')
	return b.String()
}

// LookupCode returns the table entry for code.
func LookupCode(code string) (CodeInfo, bool) {
	for _, c := range Codes {
		if c.Code == code {
			return c, true
		}
	}
	return CodeInfo{}, false
}

// Drawn compiles ci.Example and returns the diagnostic with ci.Code, the
// one the docs show for it.
func Drawn(ci CodeInfo) (*Diagnostic, bool) {
	p, err := Compile([]byte(ci.Example), ci.Dialect, &Options{AllErrors: true})
	var list ErrorList
	if err != nil {
		l, ok := err.(ErrorList)
		if !ok {
			return nil, false
		}
		list = l
	}
	if p != nil {
		list = append(list, p.Warnings...)
	}
	for _, d := range list {
		if d.Code == ci.Code {
			return d, true
		}
	}
	return nil, false
}
