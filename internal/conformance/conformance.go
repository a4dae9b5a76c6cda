// Package conformance loads the conformance cases of testdata/conformance
// (see its README) for the tests of every package that runs them.
package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Case is one conformance case. Pattern and Input stay raw bytes: number
// text and duplicate keys are the point of some cases.
type Case struct {
	File    string          `json:"-"`
	Name    string          `json:"name"`
	Dialect string          `json:"dialect"`
	Pattern json.RawMessage `json:"pattern"`
	Input   json.RawMessage `json:"input"`
	Expect  string          `json:"expect"` // match, no-match or invalid
	Error   string          `json:"error"`  // substring of the reason, for invalid
}

// Total is the number of cases the spec ships.
const Total = 376

// Load reads every *.json file of dir, in name order.
func Load(dir string) ([]Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no conformance files in %s", dir)
	}
	sort.Strings(files)
	var all []Case
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var cases []Case
		if err := json.Unmarshal(data, &cases); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for i := range cases {
			cases[i].File = filepath.Base(f)
		}
		all = append(all, cases...)
	}
	return all, nil
}
