package functions

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Code size limits [AWS]: a deployment package is at most 50 MB zipped
// and 250 MB unzipped.
const (
	MaxZippedSize   = 50 << 20
	MaxUnzippedSize = 250 << 20
	// maxEntries bounds the entries of one archive [P]: a zip of a million
	// empty files is as much a bomb as one of a huge file.
	maxEntries = 100_000
)

// CodeError is why a deployment package was rejected; the Lambda API
// answers it as InvalidParameterValueException (RequestTooLargeException
// for TooLarge).
type CodeError struct {
	Message  string
	TooLarge bool // the zipped package is over MaxZippedSize
}

func (e *CodeError) Error() string { return e.Message }

func badZip(format string, args ...any) *CodeError {
	return &CodeError{Message: "Could not unzip uploaded file. Please check your file, then try to upload again. " + fmt.Sprintf(format, args...)}
}

// Extract unpacks the zip archive data into dir (created; it must not
// exist yet) and returns the unzipped size. It rejects, before writing
// anything past the limit: archives over MaxZippedSize, a sum of entry
// sizes over MaxUnzippedSize (declared or actually read — archive/zip
// fails an entry whose data outgrows its declared size), entry names that
// are absolute or climb out with "..", symlinks whose target leaves the
// tree, and files that would be written through a symlink. On error dir
// is removed.
func Extract(data []byte, dir string) (size int64, err error) {
	if len(data) > MaxZippedSize {
		return 0, &CodeError{TooLarge: true, Message: fmt.Sprintf("Zipped size must be smaller than %d bytes", MaxZippedSize)}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, badZip("(%v)", err)
	}
	if len(zr.File) > maxEntries {
		return 0, badZip("(%d entries; at most %d)", len(zr.File), maxEntries)
	}
	var declared uint64
	for _, f := range zr.File {
		declared += f.UncompressedSize64
		if declared > MaxUnzippedSize {
			return 0, &CodeError{Message: fmt.Sprintf("Unzipped size must be smaller than %d bytes", MaxUnzippedSize)}
		}
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return 0, err
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return 0, err
	}
	budget := int64(MaxUnzippedSize)
	for _, f := range zr.File {
		n, err := extractEntry(root, f, budget)
		if err != nil {
			return 0, err
		}
		budget -= n
		size += n
	}
	return size, nil
}

// entryPath checks a zip entry name and returns it as a clean relative
// slash path ("" for the root itself).
func entryPath(name string) (string, error) {
	name = strings.ReplaceAll(name, `\`, "/") // zips made on Windows
	if strings.ContainsRune(name, 0) {
		return "", badZip("(entry name %q holds a NUL byte)", name)
	}
	if strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':') {
		return "", badZip("(entry %q has an absolute path)", name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", badZip("(entry %q leaves the code directory)", name)
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", nil
	}
	return clean, nil
}

// inside reports whether p (absolute, symlinks resolved) is root or below.
func inside(root, p string) bool {
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator))
}

func extractEntry(root string, f *zip.File, budget int64) (int64, error) {
	rel, err := entryPath(f.Name)
	if err != nil || rel == "" {
		return 0, err
	}
	target := filepath.Join(root, filepath.FromSlash(rel))
	mode := f.Mode()
	// The parent must resolve inside the tree: an earlier in-tree symlink
	// may be a path component, but never one that leads out.
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return 0, badZip("(entry %q: %v)", f.Name, err)
	}
	real, err := filepath.EvalSymlinks(parent)
	if err != nil || !inside(root, real) {
		return 0, badZip("(entry %q is written through a link out of the code directory)", f.Name)
	}
	target = filepath.Join(real, filepath.Base(target))
	switch {
	case mode.IsDir():
		if err := os.MkdirAll(target, 0o755); err != nil {
			return 0, badZip("(entry %q: %v)", f.Name, err)
		}
		return 0, nil
	case mode&os.ModeSymlink != 0:
		link, err := readAll(f, 4096)
		if err != nil {
			return 0, badZip("(symlink %q: %v)", f.Name, err)
		}
		dest := string(link)
		if filepath.IsAbs(dest) {
			return 0, badZip("(symlink %q points to an absolute path %q)", f.Name, dest)
		}
		if !inside(root, filepath.Clean(filepath.Join(real, dest))) {
			return 0, badZip("(symlink %q points out of the code directory to %q)", f.Name, dest)
		}
		if err := os.Symlink(dest, target); err != nil {
			return 0, badZip("(symlink %q: %v)", f.Name, err)
		}
		return 0, nil
	case !mode.IsRegular():
		return 0, badZip("(entry %q is not a file, directory or symlink)", f.Name)
	}
	perm := os.FileMode(0o644)
	if mode&0o111 != 0 || rel == "bootstrap" {
		// Lambda needs bootstrap executable; zips made without Unix modes
		// lose the bit, so it is set here rather than failing at start.
		perm = 0o755
	}
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscallNoFollow, perm)
	if err != nil {
		return 0, badZip("(entry %q: %v)", f.Name, err)
	}
	rc, err := f.Open()
	if err != nil {
		out.Close()
		return 0, badZip("(entry %q: %v)", f.Name, err)
	}
	n, err := io.Copy(out, io.LimitReader(rc, budget+1))
	rc.Close()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if n > budget {
		return 0, &CodeError{Message: fmt.Sprintf("Unzipped size must be smaller than %d bytes", MaxUnzippedSize)}
	}
	if err != nil {
		return 0, badZip("(entry %q: %v)", f.Name, err)
	}
	return n, nil
}

func readAll(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = errors.New("link target too long")
	}
	return b, err
}
