package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/patternc/patternc/internal/buildinfo"
)

// TestVersion: `patternc version` and `patternc --version` print the same
// line, naming the module version and the Go toolchain.
func TestVersion(t *testing.T) {
	code, out, stderr := runCLI(t, "", "version")
	if code != 0 {
		t.Fatalf("version: exit %d: %s", code, stderr)
	}
	code2, out2, _ := runCLI(t, "", "--version")
	if code2 != 0 || out2 != out {
		t.Fatalf("--version: exit %d %q, want the same as version: %q", code2, out2, out)
	}
	want := regexp.MustCompile(`^patternc \S+ \(revision [^)]+\) ` + regexp.QuoteMeta(runtime.Version()) + ` \S+/\S+\n$`)
	if !want.MatchString(out) {
		t.Fatalf("version printed %q, want it to match %s", out, want)
	}
}

// TestSARIFVersionIsTheBuild: SARIF's tool.driver.version is the build's
// version, not a hard-coded string.
func TestSARIFVersionIsTheBuild(t *testing.T) {
	_, out, _ := runCLI(t, "", "lint", "--format", "sarif", "../../corpus/samples/eventbridge")
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Version string } `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF: %v\n%s", err, out)
	}
	if got, want := log.Runs[0].Tool.Driver.Version, buildinfo.Read().Short(); got != want {
		t.Fatalf("tool.driver.version = %q, want %q", got, want)
	}
}

// TestBuiltBinaryVersion builds patternc the way a user does from a clone
// (go build with VCS stamping on) and checks that `patternc version` names
// the revision Go stamped into the binary.
func TestBuiltBinaryVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "patternc")
	build := exec.Command("go", "build", "-buildvcs=auto", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	meta, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	line := string(out)
	if !strings.HasPrefix(line, "patternc ") || !strings.Contains(line, runtime.Version()) {
		t.Fatalf("version printed %q", line)
	}
	if m := regexp.MustCompile(`vcs\.revision=([0-9a-f]+)`).FindStringSubmatch(string(meta)); m != nil {
		if !strings.Contains(line, m[1][:12]) {
			t.Fatalf("version printed %q, want revision %s", line, m[1][:12])
		}
	} else if !strings.Contains(line, "revision unknown") {
		t.Fatalf("no VCS stamp in the binary, yet version printed %q", line)
	}
}
