package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/internal/conformance"
)

// TestReasoningWarnings pins each warning that needs reasoning (L101 for
// the envelope, L108, L109) at its exact position.
func TestReasoningWarnings(t *testing.T) {
	res, err := Run([]string{"testdata/reasoning/envelope.json", "testdata/reasoning/never.json", "testdata/reasoning/or-subsumed.json", "testdata/reasoning/template.yaml"},
		Options{Dialect: 0, NoConfig: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Code == CodeNeverMatches || f.Code == CodeOrSubsumed || f.Code == CodeRuleSubsumed {
			got = append(got, fmt.Sprintf("%s:%d:%d %s %s", f.File, f.Line, f.Col, f.Code, f.Message))
		}
	}
	want := []string{
		`testdata/reasoning/envelope.json:4:22 L101 this $or alternative can never match a real event: every EventBridge event carries detail-type: {"exists": false} never holds`,
		`testdata/reasoning/envelope.json:5:17 L101 this $or alternative can never match a real event: detail is always an object in an EventBridge event: a value condition or {"exists": true} on detail itself never matches (test its fields, such as detail.state)`,
		`testdata/reasoning/envelope.json:6:18 L101 this $or alternative can never match a real event: version is "0" in every EventBridge event`,
		`testdata/reasoning/envelope.json:7:18 L101 this $or alternative can never match a real event: account is a string in every EventBridge event (never an IP address): numeric never matches`,
		`testdata/reasoning/envelope.json:8:17 L101 this $or alternative can never match a real event: region is a string in every EventBridge event (never an IP address): cidr never matches`,
		`testdata/reasoning/never.json:2:14 L101 this pattern can never match a real event: every EventBridge event carries source: {"exists": false} never holds`,
		`testdata/reasoning/or-subsumed.json:5:5 L108 this $or branch matches no event that the branch at line 4, column 5 does not already match`,
		`testdata/reasoning/template.yaml:17:9 L109 every event rule BigOrders matches is also matched by rule AllOrders (line 8, column 9), which has the same event bus and targets: its targets get each such event twice`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestReasoningQuietOnSamples: none of the reasoning warnings fires on the
// project's sample rules, nor on a conformance pattern that matches some
// input.
func TestReasoningQuietOnSamples(t *testing.T) {
	res, err := Run([]string{"../corpus/samples", "testdata/repo", "../testdata/ordinary-repo"}, Options{NoConfig: true, Rules: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Code == CodeOrSubsumed || f.Code == CodeRuleSubsumed || f.Code == CodeNeverMatches {
			t.Errorf("%s:%d:%d: %s %s", f.File, f.Line, f.Col, f.Code, f.Message)
		}
	}
	cases, err := conformance.Load("../testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	matching := map[string]compiler.Dialect{}
	matchCases := 0
	for _, tc := range cases {
		if tc.Expect == "match" {
			d, _ := compiler.ParseDialect(tc.Dialect, "")
			matching[string(tc.Pattern)] = d
			matchCases++
		}
	}
	// One conformance case (the wildcard complexity measure) has a branch
	// that really is inside another: "*a*b*c*d*" with b = "x" only
	// narrows "*a*b*c*". The warning is right there, and pinned.
	expected := map[string]string{
		`{"$or": [{"b": ["x"], "z": [{"wildcard": "*a*b*c*d*"}]}, {"z": [{"wildcard": "*a*b*c*"}]}]}`: "L108 1:10",
	}
	for src, d := range matching {
		p, err := compiler.Compile([]byte(src), d, nil)
		if err != nil {
			t.Fatal(err)
		}
		fr := &fileResult{file: "conformance"}
		deadClauses(fr, p, "")
		redundantBranches(fr, p, "")
		var got []string
		for _, f := range fr.findings {
			got = append(got, fmt.Sprintf("%s %d:%d", f.Code, f.Line, f.Col))
		}
		if strings.Join(got, ";") != expected[src] {
			t.Errorf("conformance pattern %s: %v, want %q", src, got, expected[src])
		}
	}
	if matchCases < 100 {
		t.Fatalf("only %d conformance cases that match", matchCases)
	}
	t.Logf("quiet on %d sample rules and on the patterns of %d matching conformance cases (%d distinct)", len(res.Rules), matchCases, len(matching))
}
