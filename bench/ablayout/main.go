// Command ablayout compares two revisions of patternc by `patternc bench`'s
// ratios to fastjson, averaged over link layouts.
//
// The same code linked with its functions in another order
// (-ldflags=-randlayout=N) moves mixed-10000's trusted ratio from 1.47 to
// 1.59 on this project's 2-core test machine, and exact's from 9.2 to 11.5
// — more than most changes to the matcher do. A comparison of one binary
// against another is a comparison of two layouts as much as of two
// revisions. ablayout builds each revision in several layouts (seed 0 is
// the default one, seeds 1 to n-1 random ones), runs every binary's bench
// in alternation, rep after rep, and prints, per family and path, the mean
// over the layouts of each layout's median run, the layouts' range, and
// the change from -a to -b:
//
//	go run ./bench/ablayout -a HEAD~1 -b . -layouts 8 -reps 3 -family mixed-10000,exact
//
// Most of that spread is where each function starts within a 64-byte
// line: the linker aligns functions to 32 bytes, so a hot loop lies one
// way or the other across its lines, in fastjson's code as in ours (the
// layout that read 1.66 had fastjson 5 % slower than the others; with
// every function at a 64-byte boundary it read 1.47, as the default
// layout did). So ablayout links with -funcalign=64 unless told
// otherwise (-funcalign 0: the linker's own): what is left between
// layouts is where the code falls in the caches, and the change measured
// is the code's. The figures are then not the default build's, which is
// what patternc bench reports; compare those with bench itself.
//
// A revision is anything git names, or "." for the working tree as it is.
// Building needs the modules in the module cache (go mod download).
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ablayout:", err)
		os.Exit(2)
	}
}

// config is what the flags say.
type config struct {
	a, b     string
	layouts  int
	reps     int
	families string
	events   int
	rounds   int
	align    int
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("ablayout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.a, "a", "", "the revision to compare from (git rev, or . for the working tree)")
	fs.StringVar(&c.b, "b", ".", "the revision to compare to (git rev, or . for the working tree)")
	fs.IntVar(&c.layouts, "layouts", 6, "link layouts per revision: the default one and n-1 random ones")
	fs.IntVar(&c.reps, "reps", 3, "bench runs per binary (each layout's figure is their median)")
	fs.StringVar(&c.families, "family", "mixed-10000", "comma-separated bench families")
	fs.IntVar(&c.events, "events", 0, "bench --events (0: bench's default)")
	fs.IntVar(&c.rounds, "rounds", 0, "bench --rounds (0: bench's default)")
	fs.IntVar(&c.align, "funcalign", 64, "link every function at this alignment (0: the linker's default, 32 on amd64)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	case c.a == "" || c.b == "":
		return c, errors.New("-a and -b name the two revisions")
	case c.layouts < 1 || c.layouts > 100:
		return c, fmt.Errorf("-layouts %d: want 1 to 100", c.layouts)
	case c.reps < 1 || c.reps > 100:
		return c, fmt.Errorf("-reps %d: want 1 to 100", c.reps)
	case strings.TrimSpace(c.families) == "":
		return c, errors.New("-family names no family")
	case c.align != 0 && (c.align < 0 || c.align > 4096 || c.align&(c.align-1) != 0):
		return c, fmt.Errorf("-funcalign %d: want 0 or a power of two up to 4096", c.align)
	}
	return c, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	root, err := gitOutput(".", "rev-parse", "--show-toplevel")
	if err != nil {
		return fmt.Errorf("not in a git clone of patternc: %w", err)
	}
	root = strings.TrimSpace(root)
	tmp, err := os.MkdirTemp("", "ablayout-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	sides := []string{c.a, c.b}
	bins := make([][]string, 2) // [side][layout]
	for s, rev := range sides {
		src := root
		if rev != "." {
			src = filepath.Join(tmp, "src"+strconv.Itoa(s))
			if err := exportRev(root, rev, src); err != nil {
				return err
			}
		}
		for l := 0; l < c.layouts; l++ {
			bin := filepath.Join(tmp, fmt.Sprintf("patternc-%d-%d", s, l))
			fmt.Fprintf(stderr, "ablayout: building %s, layout %d\n", rev, l)
			if err := build(src, bin, l, c.align); err != nil {
				return fmt.Errorf("%s: %w", rev, err)
			}
			bins[s] = append(bins[s], bin)
		}
	}

	var samples []sample
	benchArgs := []string{"bench", "--format", "json", "--family", c.families}
	if c.events > 0 {
		benchArgs = append(benchArgs, "--events", strconv.Itoa(c.events))
	}
	if c.rounds > 0 {
		benchArgs = append(benchArgs, "--rounds", strconv.Itoa(c.rounds))
	}
	for rep := 0; rep < c.reps; rep++ {
		for l := 0; l < c.layouts; l++ {
			for k := 0; k < 2; k++ {
				s := (k + rep + l) % 2 // who goes first alternates
				fmt.Fprintf(stderr, "ablayout: rep %d/%d, layout %d, %s\n", rep+1, c.reps, l, sides[s])
				out, err := exec.Command(bins[s][l], benchArgs...).Output()
				if err != nil {
					return fmt.Errorf("bench (%s, layout %d): %w", sides[s], l, err)
				}
				got, err := parseReport(out, s, l)
				if err != nil {
					return err
				}
				samples = append(samples, got...)
			}
		}
	}
	writeTable(stdout, sides, summarize(samples, c.layouts))
	return nil
}

// build links patternc from src into bin; layout 0 is the default order,
// any other the linker's random order with that seed; align, where not 0,
// is every function's alignment.
func build(src, bin string, layout, align int) error {
	cmd := exec.Command("go", append([]string{"build", "-o", bin}, append(linkFlags(layout, align), "./cmd/patternc")...)...)
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	return nil
}

// linkFlags returns go build's -ldflags for a layout and an alignment
// (none for the default layout at the linker's alignment).
func linkFlags(layout, align int) []string {
	var ld []string
	if align > 0 {
		ld = append(ld, "-funcalign="+strconv.Itoa(align))
	}
	if layout > 0 {
		ld = append(ld, "-randlayout="+strconv.Itoa(layout))
	}
	if len(ld) == 0 {
		return nil
	}
	return []string{"-ldflags=" + strings.Join(ld, " ")}
}

func gitOutput(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// exportRev writes the tree of rev into dir (git archive, read here).
func exportRev(root, rev, dir string) error {
	out, err := gitOutput(root, "archive", "--format=tar", rev)
	if err != nil {
		return err
	}
	return untar(strings.NewReader(out), dir)
}

// untar extracts regular files and directories of a tar stream under dir.
// A name that would land outside dir, and any other kind of entry
// (links, devices), is an error: the stream is git's, but a tree that
// holds such a path is not one to build.
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the tree: %w", err)
		}
		if h.Typeflag == tar.TypeXGlobalHeader { // git archive's commit id
			continue
		}
		name := filepath.FromSlash(h.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("tree entry %q lies outside the tree", h.Name)
		}
		path := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(path, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o755|0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		default:
			return fmt.Errorf("tree entry %q: unsupported kind %q", h.Name, h.Typeflag)
		}
	}
}
