package lint

import (
	"fmt"
	"sort"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// Rule is one pattern lint found: its name (a rule file's rule name, a
// template's logical id, a Terraform address, a standalone file's base
// name), where it stands, its dialect and target, and the compiled
// pattern (nil when it has errors).
type Rule struct {
	Name    string
	File    string
	Pos     source.Pos
	Where   string
	Dialect compiler.Dialect
	Target  Target
	Pattern *compiler.Pattern
	// Computed is true when part of the pattern is an intrinsic or a
	// reference: it was checked around stand-ins and cannot be matched.
	Computed bool
	// Group is the bus and targets of a CloudFormation rule, or the topic
	// and endpoint of a subscription: rules with one Group deliver to the
	// same places ("" when unknown).
	Group string
	value *source.Value // the checked tree, for JSON
}

// JSON returns the pattern as JSON text, numbers as written: what
// `patternc test --pattern` or compiler.Compile take.
func (r Rule) JSON() []byte {
	if r.value == nil {
		return nil
	}
	return toJSON(r.value)
}

// Loaded is the result of Load: the patterns ready to match, and those
// left out because they are computed.
type Loaded struct {
	Rules    []Rule  // sorted by name
	Computed []Rule  // patterns with computed parts, not loadable
	Result   *Result // the full lint result (warnings, notes, files, skipped)
}

// LoadError is returned by Load when some rule is invalid: the findings at
// error level, with their files' sources for snippets.
type LoadError struct {
	Findings []Finding
	Result   *Result
}

func (e *LoadError) Error() string {
	f := e.Findings[0]
	return fmt.Sprintf("%s:%d:%d: %s[%s]: %s (%d error(s) in rules)", f.File, f.Line, f.Col, f.Level, f.Code, f.Message, len(e.Findings))
}

// Diagnostics returns a file's error findings as compiler diagnostics, for
// printing with their source line.
func (e *LoadError) Diagnostics(file string) compiler.ErrorList {
	var out compiler.ErrorList
	for _, f := range e.Findings {
		if f.File != file {
			continue
		}
		if f.diag != nil {
			out = append(out, f.diag)
			continue
		}
		out = append(out, &compiler.Diagnostic{Pos: f.pos, Severity: f.Severity, Code: f.Code, Reason: f.Message, Hint: f.Hint})
	}
	return out
}

// Files lists the files with errors, in order.
func (e *LoadError) Files() []string {
	var out []string
	for i, f := range e.Findings {
		if i == 0 || f.File != e.Findings[i-1].File {
			out = append(out, f.File)
		}
	}
	return out
}

// Load finds the rules under paths the way lint does — rule files,
// CloudFormation/SAM/CDK templates, Terraform, Serverless files, rule
// lists and standalone patterns, each with the dialect its source gives —
// for matching. Rules with computed parts are set aside in Computed. Any
// error finding makes Load fail with a *LoadError; two rules with one name
// are an error too.
func Load(paths []string, opts Options) (*Loaded, error) {
	opts.Rules = true
	res, err := Run(paths, opts)
	if err != nil {
		return nil, err
	}
	l := &Loaded{Result: res}
	var errs []Finding
	for _, f := range res.Findings {
		if f.Severity == compiler.SeverityError {
			errs = append(errs, f)
		}
	}
	if len(errs) > 0 {
		return nil, &LoadError{Findings: errs, Result: res}
	}
	seen := map[string]Rule{}
	for _, r := range res.Rules {
		if r.Computed || r.Pattern == nil {
			l.Computed = append(l.Computed, r)
			continue
		}
		if prev, ok := seen[r.Name]; ok {
			return nil, fmt.Errorf("rule name %q is used twice: %s:%d:%d and %s:%d:%d", r.Name, prev.File, prev.Pos.Line, prev.Pos.Col, r.File, r.Pos.Line, r.Pos.Col)
		}
		seen[r.Name] = r
		l.Rules = append(l.Rules, r)
	}
	sort.SliceStable(l.Rules, func(i, j int) bool { return l.Rules[i].Name < l.Rules[j].Name })
	return l, nil
}
