package reason

import (
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
)

func mustCompile(t *testing.T, src string, d compiler.Dialect) *compiler.Pattern {
	t.Helper()
	p, err := compiler.Compile([]byte(src), d, nil)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return p
}

// TestExamplesTable pins readable examples, the $or merge rule (a branch
// naming a sibling's path replaces its condition), both SNS scopes and
// paths that are both a value and an object.
func TestExamplesTable(t *testing.T) {
	for _, tc := range []struct {
		d       compiler.Dialect
		pattern string
		want    []string // substrings of each clause's example, in order
	}{
		{compiler.EventBridge, `{"source":["a"],"$or":[{"source":["b"]},{"detail-type":["c"]}]}`,
			[]string{`"source": "b"`, `"detail-type": "c"`}},
		{compiler.EventBridge, `{"detail":{"ip":[{"cidr":"10.0.1.128/25"}],"n":[{"numeric":[">=",5,"<",6]}],"s":[{"wildcard":"a*.log"}]}}`,
			[]string{`"ip": "10.0.1.128"`}},
		{compiler.EventBridge, `{"detail":{"n":[{"numeric":[">=",5,"<",6]}],"s":[{"wildcard":"a*.log"}],"k":[{"equals-ignore-case":"Ab"}]}}`,
			[]string{`"n": 5`}},
		{compiler.EventBridge, `{"a":["x"],"a.b":["y"]}`, []string{`"a": "x"`, `"a.b": "y"`}},
		{compiler.EventBridge, `{"resources":[{"prefix":"arn:aws:s3"}],"version":[{"exists":true}]}`, []string{`"resources": ["arn:aws:s3"]`, `"version": "0"`}},
		{compiler.SNSAttributes, `{"store":["x"],"n":[{"numeric":[">",1]}],"flag":[true]}`,
			[]string{`"flag": {"DataType": "String.Array", "StringValue": "[true]"}`, `"n": {"DataType": "Number", "StringValue": "2"}`}},
		{compiler.SNSAttributes, `{"gone":[{"exists":false}]}`, []string{`"other": {"DataType": "String"`}},
		{compiler.SNSBody, `{"order":{"total":[{"numeric":[">",100]}]}}`, []string{`"Message": "{\"order\":{\"total\":101}}"`}},
	} {
		p := mustCompile(t, tc.pattern, tc.d)
		exs, dead, err := Examples(p, true)
		if err != nil || len(dead) > 0 {
			t.Fatalf("%s: %v %v", tc.pattern, err, dead)
		}
		all := ""
		for _, ex := range exs {
			all += string(ex.Input)
		}
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("%v %s: examples lack %s:\n%s", tc.d, tc.pattern, w, all)
			}
		}
		if strings.Contains(tc.pattern, "$or") && !strings.Contains(string(exs[0].Input), tc.want[0]) {
			t.Errorf("%s: first clause's example lacks %s", tc.pattern, tc.want[0])
		}
	}
}

// TestCompareTable pins verdicts on pairs whose answer is known.
func TestCompareTable(t *testing.T) {
	for _, tc := range []struct {
		old, new string
		want     Verdict
	}{
		{`{"a":["x","y"]}`, `{"$or":[{"a":["y"]},{"a":["x"]}]}`, Same},
		{`{"a":[{"prefix":"ab"}]}`, `{"a":[{"wildcard":"ab*"}]}`, Same},
		{`{"a":[{"numeric":[">",1]}]}`, `{"a":[{"numeric":[">=",1]}]}`, Different},
		{`{"a":[{"anything-but":"x"}]}`, `{"a":[{"exists":true}]}`, Different},
		{`{"source":["s"]}`, `{"source":["s"],"version":["0"]}`, Same},             // every event has version "0"
		{`{"source":["s"]}`, `{"source":["s"],"detail":[{"exists":false}]}`, Same}, // detail is an object
		{`{"a":[{"equals-ignore-case":"ab"}]}`, `{"a":["ab","AB","aB","Ab"]}`, Same},
		{`{"a":[{"cidr":"10.0.0.0/24"}]}`, `{"a":[{"prefix":"10.0.0."}]}`, Different},
		{`{"a":[1]}`, `{"a":[1.0]}`, Same},
		{`{"a":[{"exists":false}]}`, `{"a":[{"anything-but":"q"}]}`, Different},
	} {
		old, new := mustCompile(t, tc.old, compiler.EventBridge), mustCompile(t, tc.new, compiler.EventBridge)
		d, err := Compare(old, new)
		if err != nil {
			t.Fatal(err)
		}
		if d.Verdict != tc.want {
			t.Errorf("%s vs %s: %v, want %v", tc.old, tc.new, d.Verdict, tc.want)
		}
	}
}
