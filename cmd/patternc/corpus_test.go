package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCorpusCommand(t *testing.T) {
	for _, kind := range []string{"citylots", "aws"} {
		code, out, stderr := runCLI(t, "", "corpus", "--kind", kind, "--events", "50", "--seed", "7")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", kind, code, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 50 {
			t.Fatalf("%s: %d lines, want 50", kind, len(lines))
		}
		for i, l := range lines {
			if !json.Valid([]byte(l)) {
				t.Fatalf("%s line %d is not JSON: %q", kind, i+1, l)
			}
		}
		_, again, _ := runCLI(t, "", "corpus", "--kind", kind, "--events", "50", "--seed", "7")
		if again != out {
			t.Fatalf("%s: same seed gave different output", kind)
		}
	}
	if code, _, stderr := runCLI(t, "", "corpus", "--kind", "nope"); code != 2 || !strings.Contains(stderr, "citylots or aws") {
		t.Fatalf("bad kind: exit %d, %q", code, stderr)
	}
}
