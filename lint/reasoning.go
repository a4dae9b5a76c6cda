package lint

import (
	"fmt"
	"sort"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/reason"
)

// CodeRuleChanged is lint --diff's note on a rule that matches other
// events than at the base revision (see DiffCodes: it needs git history,
// so no single file draws it).
const CodeRuleChanged = "L110"

// Warnings that need to know what patterns match (compiler/reason), over
// the clauses as lowered, so an $or branch that names a sibling's path
// (L102) is judged with the condition that replaced the sibling's.

// deadClauses warns where the EventBridge envelope rules a clause out: no
// real event can match it. (Conditions that accept no value at all are
// neverMatches' L101.)
func deadClauses(fr *fileResult, p *compiler.Pattern, where string) {
	if p.Dialect != compiler.EventBridge {
		return
	}
	dead, err := reason.NeverMatches(p)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for _, dc := range dead {
		if !dc.Envelope || seen[dc.Reason] {
			continue
		}
		seen[dc.Reason] = true
		what, hint := "this pattern can never match a real event", "fix the field name or the condition; patternc example explains"
		if len(dead) < len(p.Clauses) {
			what, hint = "this $or alternative can never match a real event", "patternc example --all shows an event for each alternative that can match"
		}
		fr.add(Finding{Line: dc.Pos.Line, Col: dc.Pos.Col, Severity: compiler.SeverityWarning, Code: CodeNeverMatches,
			Message: what + ": " + dc.Reason,
			Hint:    hint, Where: where, pos: dc.Pos})
	}
}

// redundantBranches warns about an $or branch whose events another branch
// already matches.
func redundantBranches(fr *fileResult, p *compiler.Pattern, where string) {
	red, err := reason.RedundantBranches(p)
	if err != nil {
		return
	}
	for _, r := range red {
		fr.add(Finding{Line: r.Branch.Pos.Line, Col: r.Branch.Pos.Col, Severity: compiler.SeverityWarning, Code: CodeOrSubsumed,
			Message: fmt.Sprintf("this $or branch matches no event that the branch at line %d, column %d does not already match", r.By.Pos.Line, r.By.Pos.Col),
			Hint:    "remove the branch, or make it say what you meant", Where: where, pos: r.Branch.Pos})
	}
}

// subsumedRules warns about a rule all of whose events another rule of the
// same bus (or topic) with the same targets matches too: each such event
// is delivered twice. Rules are grouped by Group; findings come back for
// Run to filter and sort.
func subsumedRules(rules []Rule) []Finding {
	groups := map[string][]Rule{}
	var keys []string
	for _, r := range rules {
		if r.Group == "" || r.Pattern == nil || r.Computed {
			continue
		}
		if groups[r.Group] == nil {
			keys = append(keys, r.Group)
		}
		groups[r.Group] = append(groups[r.Group], r)
	}
	sort.Strings(keys)
	var out []Finding
	for _, k := range keys {
		g := groups[k]
		if len(g) > 64 {
			continue // pairwise comparison stays bounded
		}
		for i, a := range g {
			for j, b := range g {
				if i == j || a.Dialect != b.Dialect {
					continue
				}
				yes, known, err := reason.Subsumes(b.Pattern, a.Pattern)
				if err != nil || !yes || !known {
					continue
				}
				if j > i {
					if back, bk, err := reason.Subsumes(a.Pattern, b.Pattern); err == nil && back && bk {
						continue // the same events: report the later rule only
					}
				}
				at := fmt.Sprintf("line %d, column %d", b.Pos.Line, b.Pos.Col)
				if b.File != a.File {
					at = fmt.Sprintf("%s:%d:%d", b.File, b.Pos.Line, b.Pos.Col)
				}
				out = append(out, Finding{File: a.File, Line: a.Pos.Line, Col: a.Pos.Col, Severity: compiler.SeverityWarning,
					Level: compiler.SeverityWarning.String(), Code: CodeRuleSubsumed,
					Message: fmt.Sprintf("every event rule %s matches is also matched by rule %s (%s), which has the same %s: its targets get each such event twice", a.Name, b.Name, at, groupWhat(a)),
					Hint:    "delete one of the rules, or narrow the other", Where: a.Where, pos: a.Pos})
				break
			}
		}
	}
	return out
}

func groupWhat(r Rule) string {
	if r.Target == TargetSNS {
		return "topic and endpoint"
	}
	return "event bus and targets"
}

// Add records a finding made outside Run (lint --diff's notes on changed
// rules) in its place in the order.
func (r *Result) Add(f Finding) {
	f.Level = f.Severity.String()
	r.Findings = append(r.Findings, f)
	sortFindings(r.Findings)
}
