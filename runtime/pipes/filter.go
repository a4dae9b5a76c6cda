package pipes

import (
	"strconv"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
)

// filter is a pipe's FilterCriteria compiled into one matcher: a record
// passes when any of the patterns matches it. A nil *filter passes all.
type filter struct {
	m *automaton.Machine
}

// compileFilters checks and compiles the filters: at most five, each at
// most 4096 characters, in EventBridge's pattern language without the
// operators Pipes does not document.
func compileFilters(p *SourceParameters) (*filter, error) {
	if p == nil || p.FilterCriteria == nil || len(p.FilterCriteria.Filters) == 0 {
		return nil, nil
	}
	fs := p.FilterCriteria.Filters
	if len(fs) > 5 {
		return nil, validation("1 validation error detected: Value at 'sourceParameters.filterCriteria.filters' failed to satisfy constraint: Member must have length less than or equal to 5")
	}
	m := automaton.New(automaton.Config{})
	for i, f := range fs {
		if len(f.Pattern) > 4096 {
			return nil, validation("1 validation error detected: Value at 'sourceParameters.filterCriteria.filters.%d.member.pattern' failed to satisfy constraint: Member must have length less than or equal to 4096", i+1)
		}
		pat, err := compiler.Compile([]byte(f.Pattern), compiler.EventBridge, nil)
		if err != nil {
			return nil, validation("Invalid filter pattern %d: %v", i+1, err)
		}
		if op := undocumented(pat); op != "" {
			return nil, validation("Invalid filter pattern %d: %s is not supported in EventBridge Pipes filters.", i+1, op)
		}
		if err := m.Add(automaton.ID(strconv.Itoa(i)), pat); err != nil {
			return nil, validation("Invalid filter pattern %d: %v", i+1, err)
		}
	}
	return &filter{m: m}, nil
}

// pass reports whether the filter lets the record (its envelope with the
// body parsed, see parsedBody) through. A record the matcher cannot read
// does not pass.
func (f *filter) pass(record []byte) bool {
	if f == nil {
		return true
	}
	ids, err := f.m.Match(record)
	return err == nil && len(ids) > 0
}
