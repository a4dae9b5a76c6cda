package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// Target is the service a pattern is written for: it decides the dialect
// and which operators the service supports.
type Target uint8

const (
	TargetBus     Target = iota + 1 // an EventBridge rule
	TargetSNS                       // an SNS subscription filter policy
	TargetPipe                      // an EventBridge Pipes filter
	TargetESM                       // a Lambda event source mapping filter
	TargetArchive                   // an EventBridge archive
)

func (t Target) String() string {
	return [...]string{"", "EventBridge rule", "SNS subscription", "EventBridge Pipe filter", "Lambda event source mapping filter", "EventBridge archive"}[t]
}

// Finding is one result of lint.
type Finding struct {
	File     string            `json:"file"`
	Line     int               `json:"line"`
	Col      int               `json:"column"`
	Severity compiler.Severity `json:"-"`
	Level    string            `json:"severity"`
	Code     string            `json:"code"`
	Message  string            `json:"message"`
	Hint     string            `json:"hint,omitempty"`
	Where    string            `json:"where,omitempty"` // e.g. "Resources.MyRule.Properties.EventPattern"
	pos      source.Pos        // for snippets
	diag     *compiler.Diagnostic
}

// Lint-only codes. Compiler codes (E…, W1…) are reused for AWS errors and
// compiler warnings.
const (
	CodeUnchecked    = "L001" // a pattern (or part of one) built from references or intrinsics
	CodeReadError    = "L002" // a file that could not be read, parsed, or finished within its budget
	CodeRuleFile     = "L003" // a rule file that breaks its schema
	CodeExample      = "L004" // a rule example with the wrong verdict
	CodeConfig       = "L005" // a .patternc.yaml that breaks its schema
	CodeNeverMatches = "L101" // a clause that can never match
	CodeOrOverride   = "L102" // an $or branch that replaces a sibling's condition
	CodeDuplicateKey = "L103" // a duplicate key whose later value wins
	CodeNearMiss     = "L104" // a near-miss of an EventBridge envelope field
	CodeUnsupported  = "L106" // an operator the target service does not support
	CodeWildcardSNS  = "L107" // wildcard in SNS (AWS's answer unverified)
	CodeOrSubsumed   = "L108" // an $or branch whose events another branch matches
	CodeRuleSubsumed = "L109" // a rule whose events another rule with the same bus/topic and targets matches
)

// Options configure a run.
type Options struct {
	// Dialect forces the files named in paths (not those found by walking
	// a directory) to be standalone patterns of this dialect, whatever
	// their content. 0: judge every file by its content and configuration.
	Dialect compiler.Dialect
	// Disable lists codes to drop (added to the config file's).
	Disable map[string]bool
	// Workers is the number of files linted at once (0: all cores).
	Workers int
	// FileBudget bounds the time spent on one file (0: DefaultFileBudget).
	FileBudget time.Duration
	// NoConfig ignores .patternc.yaml files.
	NoConfig bool
	// Rules keeps every pattern found in Result.Rules (Load sets it); a
	// plain lint run keeps only findings, so its memory does not grow
	// with the number of patterns.
	Rules bool
}

// DefaultFileBudget is the time one file may take before lint gives up on
// it with an L002 error naming it.
const DefaultFileBudget = 10 * time.Second

// Result is what one run found.
type Result struct {
	Findings []Finding
	Files    int      // files examined
	Patterns int      // patterns checked
	Rules    []Rule   // with Options.Rules: every pattern found, in file order
	Skipped  []string // files passed over, with the reason
	// Config is the configuration of the first path (nil if none): the
	// command line takes its fail level from it.
	Config  *Config
	sources map[string][]byte
}

// Source returns a linted file's bytes, for snippets.
func (r *Result) Source(file string) []byte { return r.sources[file] }

// unit is the work of one worker: one file, or the .tf files of one
// Terraform module directory (locals and variables span its files).
type unit struct {
	files    []string // reported
	explicit bool     // named on the command line
	tfDir    string   // non-empty for a Terraform module
}

// Run lints paths (files or directories, walked).
func Run(paths []string, opts Options) (*Result, error) {
	cfgs := newConfigs(opts.NoConfig)
	res := &Result{sources: map[string][]byte{}}
	var units []unit
	tfUnits := map[string]int{}
	seen := map[string]bool{} // a file named and also walked is linted once
	once := func(path string) bool {
		key := filepath.Clean(path)
		if abs, err := filepath.Abs(path); err == nil {
			key = abs
		}
		if seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
	addTF := func(path string, explicit bool) {
		dir := filepath.Dir(path)
		i, ok := tfUnits[dir]
		if !ok {
			i = len(units)
			tfUnits[dir] = i
			units = append(units, unit{tfDir: dir, explicit: explicit})
		}
		units[i].files = append(units[i].files, path)
	}
	for k, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if k == 0 {
			res.Config = cfgs.forPath(p, info.IsDir())
		}
		if !info.IsDir() {
			// A named file obeys the config's include/exclude too: the
			// pre-commit hook names every changed file.
			if c := cfgs.forPath(p, false); !once(p) || (c != nil && !c.includes(p)) {
				continue
			}
			if isTerraformName(p) {
				addTF(p, true)
			} else {
				units = append(units, unit{files: []string{p}, explicit: true})
			}
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if path != p && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor") {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !candidateName(name) {
				return nil
			}
			if c := cfgs.forPath(path, false); c != nil && !c.includes(path) {
				return nil
			}
			if !once(path) {
				return nil
			}
			if isTerraformName(path) {
				addTF(path, false)
			} else {
				units = append(units, unit{files: []string{path}})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([][]*fileResult, len(units))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rs := lintUnit(units[i], &opts, cfgs)
				for _, fr := range rs {
					// Keep only what the result needs, so memory does not
					// grow with the size of the repository.
					// Rules on a bus or topic with known targets stay
					// for the cross-rule check (subsumedRules).
					for _, r := range fr.rules {
						if r.Group != "" && r.Pattern != nil && !r.Computed {
							fr.grouped = append(fr.grouped, r)
						}
					}
					if !opts.Rules {
						fr.rules = nil
					}
					if len(fr.findings) == 0 && len(fr.rules) == 0 && len(fr.grouped) == 0 {
						fr.src = nil
					}
				}
				results[i] = rs
			}
		}()
	}
	for i := range units {
		next <- i
	}
	close(next)
	wg.Wait()
	var all []*fileResult
	for _, rs := range results {
		all = append(all, rs...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].file < all[j].file })
	var grouped []Rule
	for _, fr := range all {
		res.Files++
		if fr.skipped != "" {
			res.Skipped = append(res.Skipped, fr.file+": "+fr.skipped)
			continue
		}
		res.Patterns += fr.patterns
		res.Rules = append(res.Rules, fr.rules...)
		grouped = append(grouped, fr.grouped...)
		cfg := cfgs.forPath(fr.file, false)
		kept := 0
		for _, f := range fr.findings {
			if opts.Disable[f.Code] || cfg.disables(f.Code) || suppressed(fr.src, f) {
				continue
			}
			res.Findings = append(res.Findings, f)
			kept++
		}
		if kept > 0 || len(fr.rules) > 0 || len(fr.grouped) > 0 {
			res.sources[fr.file] = fr.src // for snippets and LoadError
		}
	}
	for _, f := range subsumedRules(grouped) {
		if opts.Disable[f.Code] || cfgs.forPath(f.File, false).disables(f.Code) || suppressed(res.sources[f.File], f) {
			continue
		}
		res.Findings = append(res.Findings, f)
	}
	for _, c := range cfgs.all() {
		res.Findings = append(res.Findings, c.findings...)
	}
	sortFindings(res.Findings)
	res.Findings = dedupe(res.Findings)
	return res, nil
}

// sortFindings puts findings in a stable order: file, line, column, code,
// message.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		switch {
		case a.File != b.File:
			return a.File < b.File
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.Col != b.Col:
			return a.Col < b.Col
		case a.Code != b.Code:
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
}

// dedupe drops repeats of a finding (a YAML anchor merged into several
// patterns is reported once, where it is written). fs is sorted.
func dedupe(fs []Finding) []Finding {
	out := fs[:0]
	for i, f := range fs {
		if i > 0 {
			p := fs[i-1]
			if p.File == f.File && p.Line == f.Line && p.Col == f.Col && p.Code == f.Code && p.Message == f.Message {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// suppressed reports an inline `patternc:disable=CODE` (or a bare
// `patternc:disable`) comment on the finding's line or the line above.
func suppressed(src []byte, f Finding) bool {
	if f.Line <= 0 || len(src) == 0 {
		return false
	}
	ls := newLineStarts(src)
	for _, l := range []int{f.Line, f.Line - 1} {
		line := ls.line(src, l)
		i := strings.Index(line, "patternc:disable")
		if i < 0 {
			continue
		}
		rest := line[i+len("patternc:disable"):]
		if !strings.HasPrefix(rest, "=") {
			return true
		}
		codes := strings.FieldsFunc(rest[1:], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '#' })
		for _, c := range codes {
			if c == f.Code {
				return true
			}
		}
	}
	return false
}

// fileResult is one file's findings.
type fileResult struct {
	file     string
	src      []byte
	findings []Finding
	rules    []Rule
	grouped  []Rule // rules with a Group, kept for subsumedRules
	patterns int
	skipped  string
	budget   *budget
}

func (fr *fileResult) add(f Finding) {
	f.File = fr.file
	f.Level = f.Severity.String()
	fr.findings = append(fr.findings, f)
}

func (fr *fileResult) addDiag(d *compiler.Diagnostic, where string) {
	fr.add(Finding{Line: d.Pos.Line, Col: d.Pos.Col, Severity: d.Severity, Code: d.Code, Message: d.Reason, Hint: d.Hint, Where: where, pos: d.Pos, diag: d})
}

func (fr *fileResult) addAt(pos source.Pos, sev compiler.Severity, code, where, format string, args ...any) {
	fr.add(Finding{Line: pos.Line, Col: pos.Col, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...), Where: where, pos: pos})
}

// MaxFileSize is the largest file lint reads; a larger one is an L002
// error, so the memory lint needs per file stays bounded.
const MaxFileSize = 16 << 20

// readFile reads one file into fr, or records why it could not.
func (fr *fileResult) read() bool {
	info, err := os.Stat(fr.file)
	if err == nil && info.Size() > MaxFileSize {
		fr.addAt(source.Pos{Line: 1, Col: 1}, compiler.SeverityError, CodeReadError, "", "%s is %d bytes, larger than the %d MB patternc lints", fr.file, info.Size(), MaxFileSize>>20)
		return false
	}
	src, err := os.ReadFile(fr.file)
	if err != nil {
		fr.addAt(source.Pos{Line: 1, Col: 1}, compiler.SeverityError, CodeReadError, "", "cannot read: %v", err)
		return false
	}
	fr.src = src
	return true
}

func lintUnit(u unit, opts *Options, cfgs *configs) []*fileResult {
	b := newBudget(opts.FileBudget)
	if u.tfDir != "" {
		return lintTerraformDir(u, cfgs, b)
	}
	fr := &fileResult{file: u.files[0], budget: b}
	lintOne(fr, u, opts, cfgs)
	return []*fileResult{fr}
}

// lintOne lints one file within its budget.
func lintOne(fr *fileResult, u unit, opts *Options, cfgs *configs) {
	defer fr.budget.recoverExceeded(fr)
	if !fr.read() {
		return
	}
	var forced compiler.Dialect
	if u.explicit {
		forced = opts.Dialect
	}
	lintFile(fr, cfgs.forPath(fr.file, false), forced)
}
