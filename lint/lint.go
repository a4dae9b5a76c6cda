// Package lint finds EventBridge event patterns and SNS filter policies in
// a repository — standalone JSON, CloudFormation and SAM templates (YAML or
// JSON, CDK output included), Terraform, and patternc's own rule files —
// and checks them with the compiler, plus warnings for patterns that AWS
// accepts but that are probably not what was meant. Positions are always
// the user's own file, also for a pattern written as a JSON string inside
// YAML, JSON or HCL.
package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// Target is the service a pattern is written for: it decides the dialect
// and which operators the service supports.
type Target uint8

const (
	TargetBus  Target = iota + 1 // an EventBridge rule
	TargetSNS                    // an SNS subscription filter policy
	TargetPipe                   // an EventBridge Pipes filter
	TargetESM                    // a Lambda event source mapping filter
)

func (t Target) String() string {
	return [...]string{"", "EventBridge rule", "SNS subscription", "EventBridge Pipe filter", "Lambda event source mapping filter"}[t]
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
	CodeUnchecked    = "L001" // a pattern built from references or intrinsics
	CodeReadError    = "L002" // a file that could not be read or parsed
	CodeRuleFile     = "L003" // a rule file that breaks its schema
	CodeExample      = "L004" // a rule example with the wrong verdict
	CodeNeverMatches = "L101" // a clause that can never match
	CodeOrOverride   = "L102" // an $or branch that replaces a sibling's condition
	CodeDuplicateKey = "L103" // a duplicate key whose later value wins
	CodeNearMiss     = "L104" // a near-miss of an EventBridge envelope field
	CodeUnsupported  = "L106" // an operator the target service does not support
	CodeWildcardSNS  = "L107" // wildcard in SNS (AWS's answer unverified)
)

// Options configure a run.
type Options struct {
	// Dialect forces the dialect of standalone JSON files (0: infer from the
	// path: a directory or file name containing eventbridge, sns-body or
	// sns / sns-attributes).
	Dialect compiler.Dialect
	// Disable lists codes to drop.
	Disable map[string]bool
	// Workers is the number of files linted at once (0: all cores).
	Workers int
	// Explicit marks paths named on the command line: standalone JSON among
	// them is linted even when its path names no dialect.
	Explicit map[string]bool
}

// Result is what one run found.
type Result struct {
	Findings []Finding
	Files    int      // files examined
	Patterns int      // patterns checked
	Skipped  []string // files passed over, with the reason
	sources  map[string][]byte
}

// Source returns a linted file's bytes, for snippets.
func (r *Result) Source(file string) []byte { return r.sources[file] }

// Run lints paths (files or directories, walked).
func Run(paths []string, opts Options) (*Result, error) {
	if opts.Explicit == nil {
		opts.Explicit = map[string]bool{}
	}
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			opts.Explicit[p] = true
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				name := d.Name()
				if path != p && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor" || name == ".terraform") {
					return filepath.SkipDir
				}
				return nil
			}
			if kindOf(path) != kindNone {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make([]*fileResult, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = lintFile(files[i], &opts)
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	res := &Result{sources: map[string][]byte{}}
	for _, fr := range results {
		res.Files++
		if fr.skipped != "" {
			res.Skipped = append(res.Skipped, fr.file+": "+fr.skipped)
			continue
		}
		res.Patterns += fr.patterns
		res.sources[fr.file] = fr.src
		for _, f := range fr.findings {
			if opts.Disable[f.Code] || suppressed(fr.src, f) {
				continue
			}
			res.Findings = append(res.Findings, f)
		}
	}
	return res, nil
}

// suppressed reports an inline `patternc:disable=CODE` (or a bare
// `patternc:disable`) comment on the finding's line or the line above.
func suppressed(src []byte, f Finding) bool {
	if f.Line <= 0 || len(src) == 0 {
		return false
	}
	lines := strings.Split(string(src), "\n")
	for _, l := range []int{f.Line - 1, f.Line - 2} {
		if l < 0 || l >= len(lines) {
			continue
		}
		i := strings.Index(lines[l], "patternc:disable")
		if i < 0 {
			continue
		}
		rest := lines[l][i+len("patternc:disable"):]
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

type fileKind uint8

const (
	kindNone fileKind = iota
	kindJSON
	kindYAML
	kindTerraform
)

func kindOf(path string) fileKind {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return kindJSON
	case ".yaml", ".yml":
		return kindYAML
	case ".tf":
		return kindTerraform
	}
	return kindNone
}

// fileResult is one file's findings.
type fileResult struct {
	file     string
	src      []byte
	findings []Finding
	patterns int
	skipped  string
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

const maxFile = 16 << 20

func lintFile(path string, opts *Options) *fileResult {
	fr := &fileResult{file: path}
	info, err := os.Stat(path)
	if err == nil && info.Size() > maxFile {
		fr.addAt(source.Pos{Line: 1, Col: 1}, compiler.SeverityError, CodeReadError, "", "file is %d bytes, larger than the %d MB patternc lints", info.Size(), maxFile>>20)
		return fr
	}
	src, err := os.ReadFile(path)
	if err != nil {
		fr.addAt(source.Pos{}, compiler.SeverityError, CodeReadError, "", "cannot read: %v", err)
		return fr
	}
	fr.src = src
	switch kindOf(path) {
	case kindJSON:
		lintJSONFile(fr, opts)
	case kindYAML:
		lintYAMLFile(fr, opts)
	case kindTerraform:
		lintTerraform(fr)
	}
	return fr
}

// dialectFromPath infers the dialect of a standalone pattern file from the
// names of its directories and file.
func dialectFromPath(path string) (compiler.Dialect, bool) {
	p := strings.ToLower(filepath.ToSlash(path))
	switch {
	case strings.Contains(p, "sns-body") || strings.Contains(p, "messagebody"):
		return compiler.SNSBody, true
	case strings.Contains(p, "sns"):
		return compiler.SNSAttributes, true
	case strings.Contains(p, "eventbridge") || strings.Contains(p, "event-pattern") || strings.Contains(p, "eventpattern"):
		return compiler.EventBridge, true
	}
	return 0, false
}
