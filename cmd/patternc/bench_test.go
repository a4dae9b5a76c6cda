package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchCommand runs a tiny bench and checks the JSON report's shape
// and that the families really matched events; figures are not asserted
// (performance lives in benchmarks, not unit tests).
func TestBenchCommand(t *testing.T) {
	code, out, stderr := runCLI(t, "", "bench", "--events", "300", "--patterns", "5", "--family", "exact,prefix,cidr", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Results []struct {
			Family  string  `json:"family"`
			Events  int     `json:"events"`
			Matches int     `json:"matches"`
			Ratio   float64 `json:"ratio_to_fastjson"`
			Rounds  int     `json:"rounds"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bad JSON %v:\n%s", err, out)
	}
	if len(rep.Results) != 3 {
		t.Fatalf("%d results, want 3:\n%s", len(rep.Results), out)
	}
	for i, want := range []string{"exact", "prefix", "cidr"} {
		r := rep.Results[i]
		if r.Family != want || r.Events != 300 || r.Matches == 0 || r.Ratio <= 0 {
			t.Errorf("result %d = %+v, want family %s over 300 events with matches and a ratio", i, r, want)
		}
		// 300 events parse in far less than --min-time's second / 7.
		if r.Rounds <= 7 {
			t.Errorf("result %d: %d rounds, want more than --rounds' 7 (--min-time 1s)", i, r.Rounds)
		}
	}

	code, out, _ = runCLI(t, "", "bench", "--events", "200", "--patterns", "2", "--family", "exact")
	if code != 0 || !strings.Contains(out, "exact") {
		t.Fatalf("text table: exit %d\n%s", code, out)
	}
	code, _, stderr = runCLI(t, "", "bench", "--family", "exact", "--min-time", "-1s")
	if code != 2 || !strings.Contains(stderr, "--min-time") {
		t.Fatalf("negative --min-time: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "bench", "--family", "nope")
	if code != 2 || !strings.Contains(stderr, "unknown family") {
		t.Fatalf("unknown family: exit %d, %q", code, stderr)
	}
}

// TestBenchCPUProfile: --cpuprofile writes a gzip-compressed profile (the
// pprof format) of the run, and a path that cannot be created is exit 2
// before anything runs.
func TestBenchCPUProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.prof")
	code, _, stderr := runCLI(t, "", "bench", "--events", "200", "--patterns", "2", "--family", "exact", "--rounds", "1", "--cpuprofile", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("profile is not gzip: %v", err)
	}
	if body, err := io.ReadAll(zr); err != nil || len(body) == 0 {
		t.Fatalf("profile body: %d bytes, %v", len(body), err)
	}
	code, _, stderr = runCLI(t, "", "bench", "--family", "exact", "--cpuprofile", filepath.Join(t.TempDir(), "no", "such", "dir", "p"))
	if code != 2 || !strings.Contains(stderr, "no such file") {
		t.Fatalf("unwritable profile: exit %d, %q", code, stderr)
	}
}
