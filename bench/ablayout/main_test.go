package main

import (
	"archive/tar"
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"-a", "HEAD~1"}, ""},
		{[]string{"-a", "HEAD~1", "-b", "HEAD", "-layouts", "8", "-reps", "2", "-family", "exact,mixed-10000"}, ""},
		{[]string{}, "-a and -b"},
		{[]string{"-a", "x", "-layouts", "0"}, "-layouts 0"},
		{[]string{"-a", "x", "-reps", "101"}, "-reps 101"},
		{[]string{"-a", "x", "-family", " "}, "no family"},
		{[]string{"-a", "x", "extra"}, "unexpected arguments"},
		{[]string{"-nope"}, "not defined"},
		{[]string{"-a", "x", "-funcalign", "0"}, ""},
		{[]string{"-a", "x", "-funcalign", "48"}, "-funcalign 48"},
		{[]string{"-a", "x", "-funcalign", "-64"}, "-funcalign -64"},
	} {
		_, err := parseFlags(tc.args, io.Discard)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want one saying %q", tc.args, err, tc.err)
		}
	}
}

func TestLinkFlags(t *testing.T) {
	for _, tc := range []struct {
		layout, align int
		want          string
	}{
		{0, 0, ""},
		{3, 0, "-ldflags=-randlayout=3"},
		{0, 64, "-ldflags=-funcalign=64"},
		{5, 64, "-ldflags=-funcalign=64 -randlayout=5"},
	} {
		if got := strings.Join(linkFlags(tc.layout, tc.align), " "); got != tc.want {
			t.Errorf("linkFlags(%d, %d) = %q, want %q", tc.layout, tc.align, got, tc.want)
		}
	}
}

func TestParseReport(t *testing.T) {
	out := []byte(`{"results":[{"family":"exact","ratio_to_fastjson":3.1,"trusted_ratio_to_fastjson":10.5},{"family":"mixed-10000","ratio_to_fastjson":1.3,"trusted_ratio_to_fastjson":1.5}]}`)
	got, err := parseReport(out, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := []sample{
		{1, 4, "exact", "Match", 3.1}, {1, 4, "exact", "MatchTrusted", 10.5},
		{1, 4, "mixed-10000", "Match", 1.3}, {1, 4, "mixed-10000", "MatchTrusted", 1.5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sample %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{`not json`, `{"results":[]}`} {
		if _, err := parseReport([]byte(bad), 0, 0); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestSummarize: each layout's figure is the median of its runs; a side's
// figure is the mean of its layouts', with their range; the paired change
// is the median of the per-layout changes.
func TestSummarize(t *testing.T) {
	var s []sample
	add := func(side, layout int, ratios ...float64) {
		for _, r := range ratios {
			s = append(s, sample{side, layout, "mixed-10000", "MatchTrusted", r})
		}
	}
	add(0, 0, 1.40, 1.50, 1.45) // median 1.45
	add(0, 1, 1.60, 1.55)       // median 1.575
	add(0, 2, 1.50)
	add(1, 0, 1.50, 1.52, 1.48) // 1.50
	add(1, 1, 1.60)
	add(1, 2, 1.65)
	rows := summarize(s, 3)
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	r := rows[0]
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	near("mean a", r.mean[0], (1.45+1.575+1.50)/3)
	near("mean b", r.mean[1], (1.50+1.60+1.65)/3)
	near("lo a", r.lo[0], 1.45)
	near("hi a", r.hi[0], 1.575)
	near("change", r.change, r.mean[1]/r.mean[0]-1)
	// per layout: 1.50/1.45-1, 1.60/1.575-1, 1.65/1.50-1; the middle one
	near("paired", r.paired, 1.50/1.45-1)

	var buf bytes.Buffer
	writeTable(&buf, []string{"HEAD~1", "."}, rows)
	if out := buf.String(); !strings.Contains(out, "mixed-10000") || !strings.Contains(out, "MatchTrusted") || !strings.Contains(out, "%") {
		t.Errorf("table:\n%s", out)
	}
}

func tarOf(t *testing.T, entries ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range entries {
		body := "package x\n"
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(body))
		}
	}
	tw.Close()
	return buf.Bytes()
}

func TestUntar(t *testing.T) {
	dir := t.TempDir()
	ok := tarOf(t,
		&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: map[string]string{"comment": "abc"}},
		&tar.Header{Typeflag: tar.TypeDir, Name: "cmd/", Mode: 0o755},
		&tar.Header{Typeflag: tar.TypeReg, Name: "cmd/main.go", Mode: 0o644},
		&tar.Header{Typeflag: tar.TypeReg, Name: "deep/er/file.go", Mode: 0o644},
	)
	if err := untar(bytes.NewReader(ok), dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"cmd/main.go", "deep/er/file.go"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || string(b) != "package x\n" {
			t.Errorf("%s: %q, %v", f, b, err)
		}
	}
	for name, bad := range map[string][]byte{
		"escape":   tarOf(t, &tar.Header{Typeflag: tar.TypeReg, Name: "../out.go", Mode: 0o644}),
		"absolute": tarOf(t, &tar.Header{Typeflag: tar.TypeReg, Name: "/etc/x.go", Mode: 0o644}),
		"symlink":  tarOf(t, &tar.Header{Typeflag: tar.TypeSymlink, Name: "link", Linkname: "/etc/passwd"}),
		"garbage":  []byte(strings.Repeat("x", 1024)),
	} {
		if err := untar(bytes.NewReader(bad), t.TempDir()); err == nil {
			t.Errorf("%s: extracted without error", name)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "out.go")); err == nil {
		t.Error("an entry landed outside the tree")
	}
}
