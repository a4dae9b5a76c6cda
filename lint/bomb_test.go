package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// aliasBomb is a YAML template of nested aliases: nine levels of nine
// references, 9^9 (387 million) values once expanded, in under 600 bytes.
func aliasBomb(jsonStyle bool) string {
	var b strings.Builder
	if jsonStyle {
		// billion laughs written as JSON-in-YAML (flow style)
		b.WriteString(`{"AWSTemplateFormatVersion": "2010-09-09", "l0": &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`)
		for i := 1; i < 9; i++ {
			fmt.Fprintf(&b, `, "l%d": &l%d [*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d]`, i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
		}
		b.WriteString(`, "Resources": {"R": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": *l8}}}}}` + "\n")
		return b.String()
	}
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nl0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern:\n        source: *l8\n")
	return b.String()
}

// plainBomb is the same aliases in a file that is not a template.
func plainBomb() string {
	s := aliasBomb(false)
	return strings.Replace(s[:strings.Index(s, "Resources:")], "AWSTemplateFormatVersion: '2010-09-09'\n", "", 1)
}

// lintAllocs lints one file and returns the bytes allocated meanwhile.
func lintAllocs(t testing.TB, path string) (*Result, uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := Run([]string{path}, Options{Workers: 1})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	return res, after.TotalAlloc - before.TotalAlloc
}

// TestAliasBombs: a YAML alias bomb and a billion-laughs JSON-in-YAML
// template end with an L002 error naming the file, allocating under 50 MB
// in all (a memory check, not a timing); the same aliases in a file that
// is not a template are passed over without being expanded at all.
func TestAliasBombs(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"bomb.yaml": aliasBomb(false), "laughs.yaml": aliasBomb(true), "plain.yaml": plainBomb()} {
		if len(text) > 1200 {
			t.Fatalf("%s is %d bytes", name, len(text))
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		res, alloc := lintAllocs(t, path)
		if alloc > 50<<20 {
			t.Errorf("%s: allocated %d MB", name, alloc>>20)
		}
		t.Logf("%s (%d bytes): allocated %.1f MB", name, len(text), float64(alloc)/(1<<20))
		if name == "plain.yaml" {
			if len(res.Findings) != 0 || len(res.Skipped) != 1 {
				t.Errorf("plain: %+v %v", res.Findings, res.Skipped)
			}
			continue
		}
		if len(res.Findings) != 1 || res.Findings[0].Code != CodeReadError || !strings.Contains(res.Findings[0].Message, path) ||
			!strings.Contains(res.Findings[0].Message, "aliases") {
			t.Errorf("%s: %+v", name, res.Findings)
		}
	}
}

func BenchmarkAliasBomb(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bomb.yaml")
	os.WriteFile(path, []byte(aliasBomb(false)), 0o644)
	b.ReportAllocs()
	var alloc uint64
	for i := 0; i < b.N; i++ {
		_, a := lintAllocs(b, path)
		alloc += a
	}
	b.ReportMetric(float64(alloc)/float64(b.N)/(1<<20), "MB/op")
}

// TestFileBudget: a file that takes longer than its time budget ends with
// an L002 error naming it, and the run goes on to the next file.
func TestFileBudget(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Resources:\n")
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, "  R%d:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: {source: [a, b, c], detail: {n: [{numeric: [\">\", %d]}]}}\n", i, i)
	}
	slow := filepath.Join(dir, "big.yaml")
	os.WriteFile(slow, []byte(b.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "ok.eventpattern.json"), []byte(`{"source": "x"}`), 0o644)
	res, err := Run([]string{dir}, Options{FileBudget: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	var timedOut, other bool
	for _, f := range res.Findings {
		if f.File == slow && f.Code == CodeReadError && strings.Contains(f.Message, slow) && strings.Contains(f.Message, "took longer than") {
			timedOut = true
		}
		if strings.HasSuffix(f.File, "ok.eventpattern.json") {
			other = true
		}
	}
	if !timedOut || !other {
		t.Fatalf("budget: %+v", res.Findings)
	}
}

// TestNamedAndWalked: a file named on the command line and also found by
// walking its directory is linted once.
func TestNamedAndWalked(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.eventpattern.json"), []byte(`{"source": "x"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "main.tf"), []byte("resource \"aws_cloudwatch_event_rule\" \"r\" {\n  event_pattern = jsonencode({ source = \"x\" })\n}\n"), 0o644)
	res, err := Run([]string{dir, filepath.Join(dir, "p.eventpattern.json"), filepath.Join(dir, "main.tf")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 2 || res.Patterns != 2 {
		t.Fatalf("%d findings, %d patterns: %+v", len(res.Findings), res.Patterns, res.Findings)
	}
}
