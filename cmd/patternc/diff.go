package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/reason"
	"github.com/patternc/patternc/lint"
)

func init() { subcommands = append(subcommands, newDiffCmd) }

func newDiffCmd() *cobra.Command {
	var df dialectFlags
	var format, rev string
	cmd := &cobra.Command{
		Use:   "diff OLD NEW | diff --git REV [-- PATH...]",
		Short: "Say whether two patterns match the same events, with a witness each way when not",
		Long: `diff compares two patterns by what they match, not by their text. When they
match exactly the same real inputs (EventBridge events with a valid envelope,
SNS Publish requests) it says so; otherwise it prints an input matched by NEW
and not by OLD, and one matched by OLD and not by NEW, each with the reference
interpreter's reasons under both patterns.

OLD and NEW are inline JSON, files, -, or a rule inside a template or rule file
named after '#': template.yaml#Resources.OrderRule (or just #OrderRule), as
lint finds it.

With --git REV it compares every rule under the PATHs (default: the whole
repository) as it stands at REV with the working tree, rules paired by file
and name: a pull-request review of what each edited rule now matches.

Exit status: 0 the patterns (every rule) match the same events; 1 some differ,
a rule was added or removed, or a difference could not be ruled out
("undecided"); 2 an invalid pattern, a usage error, or a pattern too complex
to compare within the budget.`,
		Example: `  patternc diff old.json new.json
  patternc diff '{"source":["a"]}' '{"source":[{"prefix":"a"}]}'
  patternc diff template.yaml#Resources.OrderRule new-template.yaml#Resources.OrderRule
  patternc diff --git HEAD~1 -- infra/
  patternc diff --format json old.json new.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return &exitError{code: 2, err: fmt.Errorf("--format is text or json, not %q", format)}
			}
			out := cmd.OutOrStdout()
			if rev != "" {
				paths := args
				if n := cmd.ArgsLenAtDash(); n > 0 {
					return &exitError{code: 2, err: errors.New("with --git, name paths after --")}
				}
				changes, err := gitChanges(rev, paths)
				if err != nil {
					return &exitError{code: 2, err: err}
				}
				differ := printChanges(out, changes, format)
				if differ {
					return &exitError{code: 1}
				}
				return nil
			}
			if len(args) != 2 {
				return &exitError{code: 2, err: errors.New("diff needs OLD and NEW, or --git REV (see patternc diff --help)")}
			}
			d, err := df.get()
			if err != nil {
				return err
			}
			old, err := loadSide(cmd, args[0], d, cmd.Flags().Changed("dialect") || cmd.Flags().Changed("scope"))
			if err != nil {
				return err
			}
			new, err := loadSide(cmd, args[1], d, cmd.Flags().Changed("dialect") || cmd.Flags().Changed("scope"))
			if err != nil {
				return err
			}
			res, err := reason.Compare(old, new)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if format == "json" {
				_ = writeJSON(out, diffJSON(res))
			} else {
				printDiff(out, res, "")
			}
			if res.Verdict != reason.Same {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	df.register(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	cmd.Flags().StringVar(&rev, "git", "", "compare the rules at this git revision with the working tree")
	return cmd
}

// loadSide reads one side of a diff: a pattern (inline, file, -) or a rule
// of a file named after '#'.
func loadSide(cmd *cobra.Command, arg string, d compiler.Dialect, forced bool) (*compiler.Pattern, error) {
	if file, frag, ok := strings.Cut(arg, "#"); ok && !strings.HasPrefix(strings.TrimSpace(arg), "{") {
		res, err := lint.Run([]string{file}, lint.Options{Rules: true})
		if err != nil {
			return nil, &exitError{code: 2, err: err}
		}
		var names []string
		for _, r := range res.Rules {
			if r.Name == frag || r.Where == frag || strings.HasPrefix(r.Where, frag+".") {
				if r.Pattern == nil {
					return nil, &exitError{code: 2, err: fmt.Errorf("%s: rule %s is invalid or computed (run patternc lint %s)", file, r.Name, file)}
				}
				return r.Pattern, nil
			}
			names = append(names, r.Name)
		}
		return nil, &exitError{code: 2, err: fmt.Errorf("%s: no rule %q (rules: %s)", file, frag, strings.Join(names, ", "))}
	}
	name, src, err := readArg(cmd, arg, "pattern")
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	p, err := compiler.Compile(src, d, nil)
	if err != nil {
		printDiagnostics(cmd.ErrOrStderr(), name, src, err)
		return nil, &exitError{code: 2}
	}
	return p, nil
}

// printDiff writes a comparison as text, every line after the first
// prefixed by pad.
func printDiff(w io.Writer, res *reason.Diff, pad string) {
	switch res.Verdict {
	case reason.Same:
		fmt.Fprintln(w, "same: the patterns match exactly the same events")
		if res.Caveat != "" {
			fmt.Fprintf(w, "%s(%s)\n", pad, res.Caveat)
		}
		return
	case reason.Undecided:
		fmt.Fprintln(w, "undecided: a difference could not be ruled out or shown (an approximated value set)")
		return
	}
	fmt.Fprintln(w, "different")
	for _, side := range []struct {
		short, title string
		w            *reason.Witness
	}{{"newly matches", "newly matches (matched by NEW, not by OLD):", res.Added}, {"no longer matches", "no longer matches (matched by OLD, not by NEW):", res.Removed}} {
		if side.w == nil {
			fmt.Fprintf(w, "%s%s: nothing\n", pad, side.short)
			continue
		}
		fmt.Fprintf(w, "%s%s\n", pad, side.title)
		fmt.Fprint(w, indent(string(side.w.Input), pad+"  "))
		for _, l := range side.w.New.Lines {
			fmt.Fprintf(w, "%s  NEW %s\n", pad, l)
		}
		for _, l := range side.w.Old.Lines {
			fmt.Fprintf(w, "%s  OLD %s\n", pad, l)
		}
	}
}

type witnessJSON struct {
	Input json.RawMessage `json:"input"`
	Old   explainJSON     `json:"old"`
	New   explainJSON     `json:"new"`
}

type explainJSON struct {
	Matched bool     `json:"matched"`
	Lines   []string `json:"lines"`
}

type diffOut struct {
	Verdict string       `json:"verdict"`
	Added   *witnessJSON `json:"newly_matches,omitempty"`
	Removed *witnessJSON `json:"no_longer_matches,omitempty"`
	Caveat  string       `json:"caveat,omitempty"`
}

func diffJSON(res *reason.Diff) diffOut {
	conv := func(w *reason.Witness) *witnessJSON {
		if w == nil {
			return nil
		}
		return &witnessJSON{Input: json.RawMessage(w.Input), Old: explainJSON{w.Old.Matched, w.Old.Lines}, New: explainJSON{w.New.Matched, w.New.Lines}}
	}
	return diffOut{Verdict: res.Verdict.String(), Added: conv(res.Added), Removed: conv(res.Removed), Caveat: res.Caveat}
}

// ruleChange is one rule compared across a git revision and the working
// tree.
type ruleChange struct {
	File, Name string
	Path       string // the working tree's file as lint names it
	Status     string // changed, unchanged, added, removed, skipped
	Note       string
	Diff       *reason.Diff
	Line, Col  int // in the working tree's file
}

// gitChanges pairs the rules under paths at rev with those of the working
// tree, by file (from the repository root) and name, and compares each
// pair.
func gitChanges(rev string, paths []string) ([]ruleChange, error) {
	rootOut, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return nil, errors.New("--git needs to run inside a git repository")
	}
	root := strings.TrimSpace(string(rootOut))
	if len(paths) == 0 {
		paths = []string{root}
	}
	lsArgs := append([]string{"ls-tree", "-r", "--full-name", "--name-only", rev, "--"}, paths...)
	list, err := exec.Command("git", lsArgs...).Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-tree %s: %v (is %q a revision?)", rev, gitErr(err), rev)
	}
	tmp, err := os.MkdirTemp("", "patternc-diff-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	files := strings.Split(strings.TrimSpace(string(list)), "\n")
	// The .patternc.yaml files of REV too, wherever they are: they decide
	// how lint reads the files, at REV as in the working tree.
	if all, err := exec.Command("git", "-C", root, "ls-tree", "-r", "--full-name", "--name-only", rev).Output(); err == nil {
		for _, f := range strings.Split(string(all), "\n") {
			if filepath.Base(f) == ".patternc.yaml" {
				files = append(files, f)
			}
		}
	}
	for _, f := range files {
		if f == "" {
			continue
		}
		data, err := exec.Command("git", "-C", root, "show", rev+":"+f).Output()
		if err != nil {
			return nil, fmt.Errorf("git show %s:%s: %v", rev, f, gitErr(err))
		}
		dst := filepath.Join(tmp, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return nil, err
		}
	}
	oldRules, err := rulesUnder(tmp, []string{tmp})
	if err != nil {
		return nil, err
	}
	newRules, err := rulesUnder(root, paths)
	if err != nil {
		return nil, err
	}
	var keys []string
	seen := map[string]bool{}
	for k := range oldRules {
		keys, seen[k] = append(keys, k), true
	}
	for k := range newRules {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []ruleChange
	for _, k := range keys {
		o, hasOld := oldRules[k]
		n, hasNew := newRules[k]
		file, name, _ := strings.Cut(k, "#")
		c := ruleChange{File: file, Name: name}
		switch {
		case !hasOld:
			c.Status, c.Line, c.Col, c.Path = "added", n.Pos.Line, n.Pos.Col, n.File
		case !hasNew:
			c.Status = "removed"
		case o.Pattern == nil || n.Pattern == nil:
			c.Status, c.Note = "skipped", "invalid or computed on one side"
		default:
			c.Line, c.Col, c.Path = n.Pos.Line, n.Pos.Col, n.File
			res, err := reason.Compare(o.Pattern, n.Pattern)
			if err != nil {
				c.Status, c.Note = "skipped", err.Error()
				break
			}
			c.Diff = res
			c.Status = "unchanged"
			if res.Verdict != reason.Same {
				c.Status = "changed"
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func gitErr(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return strings.TrimSpace(string(ee.Stderr))
	}
	return err.Error()
}

// rulesUnder lints paths and keys their rules by file (relative to base,
// slash-separated) and name.
func rulesUnder(base string, paths []string) (map[string]lint.Rule, error) {
	res, err := lint.Run(paths, lint.Options{Rules: true})
	if err != nil {
		return nil, err
	}
	absBase, _ := filepath.Abs(base)
	out := map[string]lint.Rule{}
	for _, r := range res.Rules {
		if r.Computed {
			r.Pattern = nil
		}
		abs, _ := filepath.Abs(r.File)
		rel, err := filepath.Rel(absBase, abs)
		if err != nil {
			rel = r.File
		}
		out[filepath.ToSlash(rel)+"#"+r.Name] = r
	}
	return out, nil
}

// printChanges writes the rule comparisons; it reports whether any rule
// differs.
func printChanges(w io.Writer, changes []ruleChange, format string) bool {
	differ := false
	type ruleOut struct {
		File   string   `json:"file"`
		Name   string   `json:"name"`
		Status string   `json:"status"`
		Note   string   `json:"note,omitempty"`
		Diff   *diffOut `json:"diff,omitempty"`
	}
	var js []ruleOut
	for _, c := range changes {
		if c.Status != "unchanged" && c.Status != "skipped" {
			differ = true
		}
		if format == "json" {
			ro := ruleOut{File: c.File, Name: c.Name, Status: c.Status, Note: c.Note}
			if c.Diff != nil {
				d := diffJSON(c.Diff)
				ro.Diff = &d
			}
			js = append(js, ro)
			continue
		}
		switch c.Status {
		case "changed":
			fmt.Fprintf(w, "%s: %s: ", c.File, c.Name)
			printDiff(w, c.Diff, "  ")
		case "unchanged":
			fmt.Fprintf(w, "%s: %s: same events\n", c.File, c.Name)
		case "skipped":
			fmt.Fprintf(w, "%s: %s: not compared (%s)\n", c.File, c.Name, c.Note)
		default:
			fmt.Fprintf(w, "%s: %s: %s\n", c.File, c.Name, c.Status)
		}
	}
	if format == "json" {
		if js == nil {
			js = []ruleOut{}
		}
		_ = writeJSON(w, map[string]any{"rules": js})
	}
	return differ
}

// annotateChanges adds an L110 note to each rule under paths that matches
// other events than it did at base: one event it newly matches and one it
// no longer matches.
func annotateChanges(res *lint.Result, base string, paths []string) error {
	changes, err := gitChanges(base, paths)
	if err != nil {
		return err
	}
	compact := func(in []byte) string {
		var b bytes.Buffer
		if err := json.Compact(&b, in); err != nil {
			return strings.TrimSpace(string(in))
		}
		return b.String()
	}
	for _, c := range changes {
		if c.Path == "" {
			continue
		}
		var msg string
		switch c.Status {
		case "added":
			msg = fmt.Sprintf("rule %s is new since %s", c.Name, base)
		case "changed":
			var parts []string
			if w := c.Diff.Added; w != nil {
				parts = append(parts, "now also matches "+compact(w.Input))
			}
			if w := c.Diff.Removed; w != nil {
				parts = append(parts, "no longer matches "+compact(w.Input))
			}
			if len(parts) == 0 {
				parts = append(parts, "may match other events (undecided)")
			}
			msg = fmt.Sprintf("rule %s changed since %s: %s", c.Name, base, strings.Join(parts, "; "))
		default:
			continue
		}
		res.Add(lint.Finding{File: c.Path, Line: c.Line, Col: c.Col, Severity: compiler.SeverityInfo, Code: lint.CodeRuleChanged,
			Message: msg, Hint: "patternc diff --git " + base + " -- " + c.Path + " explains both ways"})
	}
	return nil
}
