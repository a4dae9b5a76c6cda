// Package rules loads named rule sets from files for the matcher: a
// directory of pattern files, one pattern file, or NDJSON rule lists.
package rules

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
)

// Set is a loaded rule set, sorted by id.
type Set struct {
	IDs      []automaton.ID
	Patterns []*compiler.Pattern
}

// FileError is the first invalid rule file, with its source for
// diagnostics; Count says how many files were invalid.
type FileError struct {
	Name   string
	Source []byte
	Err    error
	Count  int
}

func (e *FileError) Error() string { return fmt.Sprintf("%s: %v", e.Name, e.Err) }

// Line is one rule of an NDJSON rule list.
type Line struct {
	ID      string          `json:"id"`
	Dialect string          `json:"dialect"`
	Pattern json.RawMessage `json:"pattern"`
}

// Load reads path (a file or a directory, walked) with d as the default
// dialect. A .json file is one pattern named after the file; .jsonl and
// .ndjson files hold one Line per line. Duplicate ids are an error.
func Load(path string, d compiler.Dialect) (*Set, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var files []string
	if info.IsDir() {
		err = filepath.WalkDir(path, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".json", ".jsonl", ".ndjson":
				if !e.IsDir() {
					files = append(files, p)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		files = []string{path}
	}
	sort.Strings(files)
	set := &Set{}
	seen := map[automaton.ID]string{}
	var first *FileError
	add := func(id automaton.ID, p *compiler.Pattern, where string) error {
		if prev, ok := seen[id]; ok {
			return fmt.Errorf("rule id %q is defined twice: %s and %s", id, prev, where)
		}
		seen[id] = where
		set.IDs = append(set.IDs, id)
		set.Patterns = append(set.Patterns, p)
		return nil
	}
	fail := func(fe *FileError) {
		if first == nil {
			first = fe
		}
		first.Count++
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		ext := strings.ToLower(filepath.Ext(f))
		if ext == ".json" {
			p, err := compiler.Compile(src, d, nil)
			if err != nil {
				fail(&FileError{Name: f, Source: src, Err: err})
				continue
			}
			if err := add(automaton.ID(strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))), p, f); err != nil {
				return nil, err
			}
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(src))
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for n := 1; sc.Scan(); n++ {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			where := fmt.Sprintf("%s:%d", f, n)
			var l Line
			if err := json.Unmarshal(line, &l); err != nil || l.ID == "" || len(l.Pattern) == 0 {
				fail(&FileError{Name: where, Err: fmt.Errorf(`each line must be {"id": "...", "dialect": "...", "pattern": {...}}`)})
				continue
			}
			ld := d
			if l.Dialect != "" {
				if ld, err = compiler.ParseDialect(l.Dialect, ""); err != nil {
					fail(&FileError{Name: where, Err: err})
					continue
				}
			}
			p, err := compiler.Compile(l.Pattern, ld, nil)
			if err != nil {
				fail(&FileError{Name: where + " (rule " + l.ID + ")", Source: l.Pattern, Err: err})
				continue
			}
			if err := add(automaton.ID(l.ID), p, where); err != nil {
				return nil, err
			}
		}
	}
	if first != nil {
		return nil, first
	}
	if len(set.IDs) == 0 {
		return nil, fmt.Errorf("no rules found in %s (expected .json pattern files or .jsonl rule lists)", path)
	}
	return set, nil
}
