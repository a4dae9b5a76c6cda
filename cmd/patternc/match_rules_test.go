package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/lint"
)

// TestMatchSamplesAgainstTest runs `patternc match --rules corpus/samples`
// over the sample events — the rules found as lint finds them (rule file,
// templates, Terraform, standalone files; the events files themselves
// passed over) — and checks every output line against `patternc test` of
// every EventBridge rule on that event.
func TestMatchSamplesAgainstTest(t *testing.T) {
	root := filepath.Join("..", "..", "corpus", "samples")
	events, err := os.ReadFile(filepath.Join(root, "events", "aws.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, string(events), "match", "--rules", root, "--workers", "2")
	if code != 0 {
		t.Fatalf("match --rules %s: exit %d: %s", root, code, stderr)
	}
	l, err := lint.Load([]string{root}, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rules []lint.Rule
	for _, r := range l.Rules {
		if r.Dialect == compiler.EventBridge {
			rules = append(rules, r)
		}
	}
	if len(rules) < 8 {
		t.Fatalf("only %d EventBridge rules found in the samples", len(rules))
	}
	lines := strings.Split(strings.TrimSpace(string(events)), "\n")
	outLines := strings.Split(strings.TrimSpace(out), "\n")
	if len(outLines) != len(lines) {
		t.Fatalf("%d output lines for %d events", len(outLines), len(lines))
	}
	matched := 0
	for i, line := range lines {
		var r struct {
			Line    int      `json:"line"`
			Matches []string `json:"matches"`
			Error   string   `json:"error"`
		}
		if err := json.Unmarshal([]byte(outLines[i]), &r); err != nil || r.Line != i+1 || r.Error != "" {
			t.Fatalf("output line %d: %q (%v)", i+1, outLines[i], err)
		}
		var want []string
		for _, rule := range rules {
			code, _, errOut := runCLI(t, "", "test", "--pattern", string(rule.JSON()), "--input", line)
			switch code {
			case 0:
				want = append(want, rule.Name)
			case 1:
			default:
				t.Fatalf("test of rule %s on line %d: exit %d: %s", rule.Name, i+1, code, errOut)
			}
		}
		sort.Strings(want)
		got := append([]string(nil), r.Matches...)
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("line %d: match says %v, patternc test says %v", i+1, got, want)
		}
		matched += len(want)
	}
	if matched == 0 {
		t.Fatal("no sample event matched any sample rule: the comparison proves nothing")
	}
}
