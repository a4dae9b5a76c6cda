package functions

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExtract(t *testing.T) {
	cases := []struct {
		name  string
		files []zipFile
		err   string // "" = accepted
	}{
		{"plain", []zipFile{{name: "handler.py", body: "x"}, {name: "lib/", mode: os.ModeDir | 0o755}, {name: "lib/a.py", body: "y"}}, ""},
		{"slip", []zipFile{{name: "../evil.py", body: "x"}}, "leaves the code directory"},
		{"slip deep", []zipFile{{name: "a/../../evil.py", body: "x"}}, "leaves the code directory"},
		{"absolute", []zipFile{{name: "/etc/evil", body: "x"}}, "absolute path"},
		{"windows slip", []zipFile{{name: `..\evil`, body: "x"}}, "leaves the code directory"},
		{"symlink out", []zipFile{{name: "l", body: "../../..", mode: os.ModeSymlink | 0o777}}, "points out of the code directory"},
		{"symlink absolute", []zipFile{{name: "l", body: "/etc/passwd", mode: os.ModeSymlink | 0o777}}, "absolute path"},
		{"symlink in", []zipFile{{name: "sub/f", body: "x"}, {name: "l", body: "sub", mode: os.ModeSymlink | 0o777}, {name: "l/g", body: "y"}}, ""},
		{"write through link", []zipFile{{name: "sub/", mode: os.ModeDir | 0o755}, {name: "l", body: "sub", mode: os.ModeSymlink | 0o777}, {name: "l", body: "overwrite"}}, "entry \"l\""},
		{"nul", []zipFile{{name: "a\x00b", body: "x"}}, "NUL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "code")
			_, err := Extract(makeZip(t, c.files...), dir)
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("err = %v, want one containing %q", err, c.err)
			}
			if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
				t.Errorf("a rejected archive left %s behind", dir)
			}
			if _, statErr := os.Stat(filepath.Join(filepath.Dir(dir), "evil.py")); !os.IsNotExist(statErr) {
				t.Errorf("zip-slip wrote outside the tree")
			}
		})
	}
}

func TestExtractSymlinkInTree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "code")
	_, err := Extract(makeZip(t, zipFile{name: "sub/f", body: "x"}, zipFile{name: "l", body: "sub", mode: os.ModeSymlink | 0o777}, zipFile{name: "l/g", body: "y"}), dir)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "sub", "g")); err != nil || string(b) != "y" {
		t.Fatalf("l/g should land in sub/g: %q, %v", b, err)
	}
}

// TestExtractBomb: a small archive that unpacks past 250 MB is rejected
// from its declared sizes before anything is written.
func TestExtractBomb(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("zeros")
	block := make([]byte, 1<<20)
	for i := 0; i < 251; i++ {
		w.Write(block)
	}
	zw.Close()
	if buf.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes zipped; expected well under 1 MB", buf.Len())
	}
	dir := filepath.Join(t.TempDir(), "code")
	_, err := Extract(buf.Bytes(), dir)
	var ce *CodeError
	if !errors.As(err, &ce) || !strings.Contains(ce.Message, "Unzipped size must be smaller than 262144000 bytes") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Error("the bomb left files behind")
	}
}

// TestExtractLyingSize: an entry whose header claims a small size but whose
// data is larger is caught by archive/zip's check while reading.
func TestExtractLyingSize(t *testing.T) {
	data := makeZip(t, zipFile{name: "a", body: strings.Repeat("z", 10000)})
	// Patch the central directory's uncompressed size (offset 24 of the
	// central header) to claim 10 bytes.
	i := bytes.LastIndex(data, []byte("PK\x01\x02"))
	data[i+24], data[i+25], data[i+26], data[i+27] = 10, 0, 0, 0
	_, err := Extract(data, filepath.Join(t.TempDir(), "code"))
	if err == nil {
		t.Fatal("an entry larger than it claims was accepted")
	}
}

func TestExtractTooLarge(t *testing.T) {
	_, err := Extract(make([]byte, MaxZippedSize+1), filepath.Join(t.TempDir(), "code"))
	var ce *CodeError
	if !errors.As(err, &ce) || !ce.TooLarge {
		t.Fatalf("err = %v, want a TooLarge CodeError", err)
	}
	_, err = Extract([]byte("not a zip"), filepath.Join(t.TempDir(), "code"))
	if err == nil || !strings.Contains(err.Error(), "Could not unzip uploaded file") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzExtract(f *testing.F) {
	f.Add(makeZip(f, zipFile{name: "a/b", body: "x"}, zipFile{name: "l", body: "a", mode: os.ModeSymlink | 0o777}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "code")
		if _, err := Extract(data, dir); err != nil {
			return
		}
		// Whatever was accepted stays inside dir.
		filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err == nil && p != root && !strings.HasPrefix(p, dir) {
				t.Fatalf("extracted %s outside %s", p, dir)
			}
			if err == nil && info.Mode()&os.ModeSymlink != 0 {
				real, err := filepath.EvalSymlinks(p)
				if err == nil && !strings.HasPrefix(real, dir) {
					t.Fatalf("symlink %s leads to %s", p, real)
				}
			}
			return nil
		})
	})
}
