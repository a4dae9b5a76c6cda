package compiler

import (
	"bufio"
	"encoding/json"
	"os"
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
// pattern event-ruler measured (patterns.md §4.5.1).
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
		if got := WildcardComplexity(p, ComplexityCap); got.Value != c.Complexity {
			bad++
			t.Errorf("line %d: %s: complexity %d, want %d", i+1, c.Pattern, got.Value, c.Complexity)
		}
	}
	if bad > 0 {
		t.Logf("%d of %d wrong", bad, len(cases))
	}
}
