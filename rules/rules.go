// Package rules loads named rule sets for the matcher, the way
// `patternc lint` finds them (one loader for lint, match and library
// users, see lint.Load): patternc rule files, CloudFormation/SAM/CDK
// templates, Terraform, Serverless files, .jsonl rule lists and standalone
// patterns, each with the dialect its source gives.
package rules

import (
	"fmt"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/lint"
)

// Set is a loaded rule set for one kind of input, sorted by id: the
// EventBridge rules for events, or the SNS filter policies (both scopes)
// for Publish requests.
type Set struct {
	IDs      []automaton.ID
	Patterns []*compiler.Pattern
	Rules    []lint.Rule // the same rules, with file, position and dialect
	// Other counts the rules found for the other kind of input, and
	// Computed those left out because part of them is an intrinsic or a
	// reference.
	Other, Computed int
}

// FileError is the first file with invalid rules, with its source and
// its diagnostics (positions in that file); Count says how many files had
// errors.
type FileError struct {
	Name   string
	Source []byte
	Err    error
	Count  int
}

func (e *FileError) Error() string { return fmt.Sprintf("%s: %v", e.Name, e.Err) }

// Load reads path (a file or a directory, walked) for inputs of dialect d.
// A file named as path is a standalone pattern of dialect d unless its
// content says otherwise (a template, a rule file, a rule list); files
// found by walking are judged by their content and .patternc.yaml.
func Load(path string, d compiler.Dialect) (*Set, error) {
	l, err := lint.Load([]string{path}, lint.Options{Dialect: d})
	if err != nil {
		if le, ok := err.(*lint.LoadError); ok {
			files := le.Files()
			return nil, &FileError{Name: files[0], Source: le.Result.Source(files[0]), Err: le.Diagnostics(files[0]), Count: len(files)}
		}
		return nil, err
	}
	set := &Set{Computed: len(l.Computed)}
	for _, r := range l.Rules {
		if r.Dialect.IsSNS() != d.IsSNS() {
			set.Other++
			continue
		}
		set.IDs = append(set.IDs, automaton.ID(r.Name))
		set.Patterns = append(set.Patterns, r.Pattern)
		set.Rules = append(set.Rules, r)
	}
	if len(set.IDs) == 0 {
		kind := "EventBridge patterns"
		if d.IsSNS() {
			kind = "SNS filter policies"
		}
		return nil, fmt.Errorf("no %s found in %s (%d rule(s) for the other dialect; see patternc lint -v %s)", kind, path, set.Other, path)
	}
	return set, nil
}
