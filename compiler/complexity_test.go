package compiler

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// complexityCase is one line of testdata/wildcard-complexity.jsonl: a
// pattern and the complexity event-ruler 2.0.1 gives it.
type complexityCase struct {
	Pattern    string `json:"pattern"`
	Complexity int    `json:"complexity"`
}

func loadComplexityCases(t testing.TB) []complexityCase {
	t.Helper()
	f, err := os.Open("../testdata/wildcard-complexity.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []complexityCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var c complexityCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("line %d: %v", len(cases)+1, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestWildcardComplexityEngineValues asserts the exact complexity of every
// pattern event-ruler measured (docs/semantics/patterns.md §4.5.1).
func TestWildcardComplexityEngineValues(t *testing.T) {
	cases := loadComplexityCases(t)
	if len(cases) < 1700 {
		t.Fatalf("loaded %d cases, want the whole file", len(cases))
	}
	bad := 0
	for i, c := range cases {
		p, err := Compile([]byte(c.Pattern), EventBridge, &Options{WildcardComplexity: ComplexityCap})
		if err != nil {
			t.Errorf("line %d: %s: %v", i+1, c.Pattern, err)
			continue
		}
		if got := WildcardComplexity(p, ComplexityCap); got.Value != c.Complexity || got.AtLeast {
			bad++
			t.Errorf("line %d: %s: complexity %d (at least: %v), want %d", i+1, c.Pattern, got.Value, got.AtLeast, c.Complexity)
		}
	}
	if bad > 0 {
		t.Logf("%d of %d wrong", bad, len(cases))
	}
}

// TestComplexitySuffixMachine pins the layout rule a suffix-type pattern
// switches on in its value machine (event-ruler's hasSuffix): later values
// treat the second byte of a multi-byte character as the start of a
// character read backwards, so a second copy of a glob forks inside `日`
// when the "character" read that way has two cases (`日a` reads as `a`).
// Line 471 of the engine's file (15) is the case that shows it; the others
// vary it. Where event-ruler's own check would throw (it reads the star after
// `日` as a byte), the model forks.
func TestComplexitySuffixMachine(t *testing.T) {
	const g = `{"wildcard": "*日a日*"}`
	line471 := `{"b":[{"wildcard":"ab-*-*"},{"wildcard":"*.*.*.*.go"}],"detail-type":[{"wildcard":"*日a日*日aaa*a日日*"},{"exists":true},%s{"prefix":"ba"},{"wildcard":"*日a日*日aaa*a日日*"}],"name":[{"wildcard":"ba"}],"z":[{"exists":false}]}`
	cases := []struct {
		name, pattern string
		want          int
	}{
		{"line 471", fmt.Sprintf(line471, `{"suffix":{"equals-ignore-case":"BaB"}},`), 15},
		{"line 471 without its suffix", fmt.Sprintf(line471, ""), 14},
		{"no suffix: copies share 日", `{"a": [` + g + `, ` + g + `]}`, 6},
		{"suffix first: the copy forks in 日", `{"a": [{"suffix": "x"}, ` + g + `, ` + g + `]}`, 7},
		{"suffix equals-ignore-case", `{"a": [{"suffix": {"equals-ignore-case": "x"}}, ` + g + `, ` + g + `]}`, 7},
		{"anything-but suffix", `{"a": [{"anything-but": {"suffix": "x"}}, ` + g + `, ` + g + `]}`, 7},
		{"a prefix is no suffix", `{"a": [{"prefix": "x"}, ` + g + `, ` + g + `]}`, 6},
		{"suffix after the globs", `{"a": [` + g + `, ` + g + `, {"suffix": "x"}]}`, 6},
		{"suffix under another field", `{"a": [` + g + `, ` + g + `], "b": [{"suffix": "x"}]}`, 6},
		{"engine would throw: star after 日", `{"a": [{"suffix": "x"}, {"wildcard": "*日*"}, {"wildcard": "*日*"}]}`, 5},
		{"no suffix, same globs", `{"a": [{"wildcard": "*日*"}, {"wildcard": "*日*"}]}`, 3},
		{"engine would throw: case set before 日", `{"a": [{"suffix": {"equals-ignore-case": "日é"}}, {"suffix": {"equals-ignore-case": "日é"}}, {"wildcard": "*x*"}]}`, 3},
	}
	for _, c := range cases {
		p, err := Compile([]byte(c.pattern), EventBridge, &Options{WildcardComplexity: ComplexityCap})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := WildcardComplexity(p, ComplexityCap); got.Value != c.want {
			t.Errorf("%s: complexity %d, want %d", c.name, got.Value, c.want)
		}
	}
}

// TestComplexityBounded measures hostile patterns: many stars, letters
// after stars that fork on every copy, $or branches that each re-add the
// field's globs, many distinct globs. Each must be rejected, also with size
// and clause budgets far above AWS's, where the measure's effort budget
// (complexity_effort.go) is what keeps it bounded. The bound is asserted
// on the steps and states counted, not on a clock, so a loaded machine
// cannot fail it and a slow one cannot hide a runaway.
func TestComplexityBounded(t *testing.T) {
	glob := func(n int, sep string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString("*")
			b.WriteString(string(rune('a'+i%26)) + sep)
		}
		return b.String() + "*"
	}
	var branches []string
	for i := 0; i < 40; i++ {
		branches = append(branches, fmt.Sprintf(`{"k%d": ["v"], "z": [{"wildcard": %q}, {"wildcard": %q}]}`, i, glob(30, ""), glob(30, "/")))
	}
	var list, distinct []string
	for i := 0; i < 200; i++ {
		list = append(list, fmt.Sprintf(`{"wildcard": %q}`, glob(20, "")))
	}
	for i := 0; i < 4000; i++ {
		distinct = append(distinct, fmt.Sprintf(`{"wildcard": "%04d-abcdefghijklmnopqrstu*"}`, i))
	}
	patterns := []struct {
		name, src string
		outOf     bool // the verdict's measure must run out of effort
	}{
		{"one glob of 500 stars", `{"a": [{"wildcard": "` + strings.Repeat("*a", 500) + `*"}]}`, false},
		{"one glob of 400 000 bytes", `{"a": [{"wildcard": "*` + strings.Repeat("ab", 200000) + `"}]}`, true},
		{"200 copies forking at every letter", `{"a": [` + strings.Join(list, ",") + `]}`, false},
		{"40 $or branches re-adding globs", `{"$or": [` + strings.Join(branches, ",") + `]}`, false},
		{"4000 distinct globs, over the states budget", `{"a": [` + strings.Join(distinct, ",") + `]}`, true},
	}
	opts := &Options{MaxSize: 1 << 20, MaxClauses: 1 << 12}
	// One check measures at most three times (the verdict, the figure for
	// the message, the exists:false quirk); each stops once its budget is
	// gone, overshooting by at most what one set or one value costs.
	maxSteps := 2*complexitySteps + complexityMessageSteps + complexityOvershoot
	for _, c := range patterns {
		var efforts []*effort
		onEffort = func(e *effort) { efforts = append(efforts, e) }
		_, err := Compile([]byte(c.src), EventBridge, opts)
		onEffort = nil
		var el ErrorList
		if !errors.As(err, &el) || el[0].Code != CodeComplexity {
			t.Errorf("%s: %v, want E301", c.name, err)
		}
		if len(efforts) == 0 {
			t.Fatalf("%s: no effort counted", c.name)
		}
		steps, states, out := 0, 0, efforts[0].out()
		for _, e := range efforts {
			steps += e.spent
			states += complexityStates - e.states
			t.Logf("%s: measure spent %d steps, %d states, out: %v", c.name, e.spent, complexityStates-e.states, e.out())
		}
		if steps > maxSteps || states > 3*complexityStates+complexityOvershoot {
			t.Errorf("%s: %d steps and %d states, want at most %d and %d", c.name, steps, states, maxSteps, 3*complexityStates+complexityOvershoot)
		}
		if out != c.outOf {
			t.Errorf("%s: ran out of effort: %v, want %v", c.name, out, c.outOf)
		}
		t.Logf("%s: %d bytes judged in %d steps, %d states, %d measures", c.name, len(c.src), steps, states, len(efforts))
	}
	// The uncapped measure of the worst of them stops at the cap.
	p, err := Compile([]byte(patterns[1].src), EventBridge, &Options{MaxSize: 1 << 20, WildcardComplexity: ComplexityCap})
	if err == nil || p != nil {
		t.Fatalf("want the pattern rejected even at the cap")
	}
}
