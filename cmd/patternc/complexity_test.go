package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestCheckWildcardComplexityFile runs every pattern of
// testdata/wildcard-complexity.jsonl (event-ruler's own measures) through
// `patternc check`: those at complexity 10 or less are valid, the others
// are rejected with AWS's reason and the measure in the hint.
func TestCheckWildcardComplexityFile(t *testing.T) {
	f, err := os.Open("../../testdata/wildcard-complexity.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	accepted, rejected := 0, 0
	for line := 1; sc.Scan(); line++ {
		var c struct {
			Pattern    string `json:"pattern"`
			Complexity int    `json:"complexity"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		code, _, stderr := runCLI(t, c.Pattern, "check", "-q", "-")
		if c.Complexity <= 10 {
			if code != 0 {
				t.Errorf("line %d (complexity %d): exit %d, want 0\n%s", line, c.Complexity, code, stderr)
			}
			accepted++
			continue
		}
		want := fmt.Sprintf("complexity %d, limit 10", c.Complexity)
		if code != 2 || !strings.Contains(stderr, "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character") || !strings.Contains(stderr, want) {
			t.Errorf("line %d: exit %d, want 2 with AWS's reason and %q\n%s", line, code, want, stderr)
		}
		rejected++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if accepted < 500 || rejected < 500 {
		t.Fatalf("accepted %d, rejected %d: the file is not the engine's", accepted, rejected)
	}
	t.Logf("patternc check: %d accepted, %d rejected", accepted, rejected)
}
