package compiler

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestPrefixSuffixHintIsExact: for [{"prefix": P, "suffix": S}] the E107
// hint proposes a rewrite; compiled, it must match exactly the values that
// start with P and end with S, never the OR that a list of two objects
// means. Checked over every string up to length 6 on a small alphabet that
// includes the wildcard's own metacharacters.
func TestPrefixSuffixHintIsExact(t *testing.T) {
	alphabet := []string{"a", "b", "*", `\`}
	words := []string{""}
	for n, frontier := 0, []string{""}; n < 6; n++ {
		var next []string
		for _, w := range frontier {
			for _, c := range alphabet {
				next = append(next, w+c)
			}
		}
		words, frontier = append(words, next...), next
	}
	for _, ps := range [][2]string{{"uploads/", ".jpg"}, {"ab", "bc"}, {"ab", "b"}, {"aa", "aa"}, {"a*", "*b"}, {`a\`, "b"}, {"a", "a"}} {
		p, s := ps[0], ps[1]
		src := fmt.Sprintf(`{"k": [{"prefix": %s, "suffix": %s}]}`, jsonQuote(p), jsonQuote(s))
		_, err := Compile([]byte(src), EventBridge, nil)
		var list ErrorList
		if !errors.As(err, &list) || list[0].Code != CodeOneKey {
			t.Fatalf("%s: %v, want E107", src, err)
		}
		hint := list[0].Hint
		i := strings.LastIndex(hint, "write ")
		if i < 0 || !strings.Contains(hint, "either, not both") {
			t.Fatalf("%s: hint %q proposes no rewrite or does not warn about OR", src, hint)
		}
		rewrite := hint[i+len("write "):]
		if j := strings.Index(rewrite, " (a list"); j >= 0 {
			rewrite = rewrite[:j]
		}
		if !strings.HasPrefix(rewrite, "[") {
			rewrite = "[" + rewrite + "]"
		}
		pat, err := Compile([]byte(`{"k": `+rewrite+`}`), EventBridge, nil)
		if err != nil {
			t.Fatalf("%s: the hint's rewrite %s does not compile: %v", src, rewrite, err)
		}
		for _, w := range append(words, p+s, p, s) {
			ex, err := ExplainMatch(pat, []byte(`{"k": `+jsonQuote(w)+`}`))
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.HasPrefix(w, p) && strings.HasSuffix(w, s); ex.Matched != want {
				t.Fatalf("prefix %q + suffix %q rewritten as %s: %q matched=%v, want %v", p, s, rewrite, w, ex.Matched, want)
			}
		}
	}
}

// TestOperatorDidYouMean: a near-miss operator name gets the right one.
func TestOperatorDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		d        Dialect
		op, want string
	}{
		{EventBridge, "equals_ignore_case", `did you mean "equals-ignore-case"?`},
		{EventBridge, "anything_but", `did you mean "anything-but"?`},
		{EventBridge, "prefx", `did you mean "prefix"?`},
		{EventBridge, "wildcrd", `did you mean "wildcard"?`},
		{SNSAttributes, "anythingbut", `did you mean "anything-but"?`},
		{EventBridge, "between", "operators are prefix, suffix"},
	} {
		_, err := Compile([]byte(`{"k": [{"`+tc.op+`": "x"}]}`), tc.d, nil)
		var list ErrorList
		if !errors.As(err, &list) || list[0].Code != CodeUnknownOperator || !strings.Contains(list[0].Hint, tc.want) {
			t.Errorf("%s %q: %v hint %q, want E108 with %q", tc.d, tc.op, err, hintOf(list), tc.want)
		}
	}
}

func hintOf(l ErrorList) string {
	if len(l) == 0 {
		return ""
	}
	return l[0].Hint
}
