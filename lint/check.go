package lint

import (
	"fmt"
	"math"
	"strings"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
	"github.com/patternc/patternc/internal/suggest"
)

// checkPattern compiles one pattern found in a file and adds the compiler's
// findings and lint's own warnings. computed (may be nil) reports the
// values lint cannot know; they get stand-ins (opaque.go).
func (fr *fileResult) checkPattern(v *source.Value, s site, computed computedFunc) *compiler.Pattern {
	open, si := openPattern(v, computed)
	return fr.checkOpen(open, s, si)
}

// checkOpen checks a pattern whose computed values already have
// stand-ins, drops what is said about the stand-ins, and records the
// pattern as a Rule.
func (fr *fileResult) checkOpen(v *source.Value, s site, si *standIns) *compiler.Pattern {
	fr.budget.step()
	fr.patterns++
	start := len(fr.findings)
	p, diags := compiler.CompileValue(v, s.dialect, nil)
	for _, dg := range diags {
		if dg.Code == compiler.CodeUnknownOperator && s.dialect.IsSNS() && strings.HasSuffix(dg.Reason, " wildcard") {
			dg.Hint += " (AWS's answer for wildcard in SNS is unverified; patternc rejects it)"
		}
		fr.addDiag(dg, s.where)
	}
	if p != nil {
		if s.dialect == compiler.EventBridge && v.Kind == source.Object {
			nearMisses(fr, v, s.where)
		}
		duplicateKeys(fr, v, s.where)
		orOverrides(fr, p.Root, "", s.where)
		neverMatches(fr, p, s.where)
		deadClauses(fr, p, s.where)
		redundantBranches(fr, p, s.where)
		if s.target == TargetPipe || s.target == TargetESM {
			unsupported(fr, p, s.target, s.where)
		}
	}
	if si != nil && len(si.names) > 0 {
		kept := fr.findings[:start]
		for _, f := range fr.findings[start:] {
			if !si.isStandIn(f.pos) {
				kept = append(kept, f)
			}
		}
		fr.findings = kept
		fr.addAt(si.first, compiler.SeverityInfo, CodeUnchecked, s.where, "checked around computed values: %s", si.summary())
	}
	fr.rules = append(fr.rules, Rule{Name: s.name, File: fr.file, Pos: v.Pos, Where: s.where, Dialect: s.dialect, Target: s.target,
		Pattern: p, Computed: si != nil && len(si.names) > 0, Group: s.group, value: v})
	return p
}

// envelope are the EventBridge event's top-level fields.
var envelope = []string{"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail", "replay-name"}

// nearMisses warns about top-level keys that look like an envelope field
// but are not one: such a pattern never matches an AWS event.
func nearMisses(fr *fileResult, v *source.Value, where string) {
	for _, m := range v.Members {
		if m.Key == "$or" {
			for _, b := range m.Value.Elems {
				if b.Kind == source.Object {
					nearMisses(fr, b, where)
				}
			}
			continue
		}
		if isEnvelope(m.Key) {
			continue
		}
		if e := suggest.Closest(m.Key, envelope); e != "" {
			fr.add(Finding{Line: m.KeyPos.Line, Col: m.KeyPos.Col, Severity: compiler.SeverityWarning, Code: CodeNearMiss,
				Message: fmt.Sprintf("%q is not an EventBridge envelope field; did you mean %q?", m.Key, e),
				Hint:    "event field names are case-sensitive and use hyphens: detail-type, not detail_type or detailType",
				Where:   where, pos: m.KeyPos})
		}
	}
}

func isEnvelope(k string) bool {
	for _, e := range envelope {
		if k == e {
			return true
		}
	}
	return false
}

// duplicateKeys warns where a later key replaces an earlier condition list
// (objects merge, lists do not).
func duplicateKeys(fr *fileResult, v *source.Value, where string) {
	if v.Kind == source.Object {
		seen := map[string]*source.Member{}
		for i := range v.Members {
			m := &v.Members[i]
			if prev, ok := seen[m.Key]; ok && m.Value.Kind == source.Array && prev.Value.Kind == source.Array && m.Key != "$or" {
				fr.add(Finding{Line: m.KeyPos.Line, Col: m.KeyPos.Col, Severity: compiler.SeverityWarning, Code: CodeDuplicateKey,
					Message: fmt.Sprintf("duplicate key %q: this list replaces the one at line %d (AWS keeps only the last)", m.Key, prev.KeyPos.Line),
					Hint:    "merge the two lists into one", Where: where, pos: m.KeyPos})
			}
			seen[m.Key] = m
		}
	}
	for _, m := range v.Members {
		duplicateKeys(fr, m.Value, where)
	}
	for _, e := range v.Elems {
		if e.Kind == source.Object {
			duplicateKeys(fr, e, where)
		}
	}
}

// orOverrides warns about an $or branch that names a path its siblings
// already constrain: within the branch, the branch's list replaces the
// sibling's instead of narrowing it.
func orOverrides(fr *fileResult, o *compiler.Object, prefix string, where string) {
	if o == nil {
		return
	}
	leaves := map[string]bool{}
	collect(o, prefix, leaves, false)
	for _, m := range o.Members {
		switch m.Kind {
		case compiler.MemberObject:
			orOverrides(fr, m.Object, join(prefix, m.Key), where)
		case compiler.MemberOr:
			for _, b := range m.Branches {
				inner := map[string]*compiler.Member{}
				collectMembers(b, prefix, inner)
				for path, bm := range inner {
					if leaves[path] {
						fr.add(Finding{Line: bm.Pos.Line, Col: bm.Pos.Col, Severity: compiler.SeverityWarning, Code: CodeOrOverride,
							Message: fmt.Sprintf("in this $or branch, %q replaces the condition its sibling already sets (AWS does not AND them)", path),
							Hint:    "move the shared condition into every branch, or combine the values in one list", Where: where, pos: bm.Pos})
					}
				}
				orOverrides(fr, b, prefix, where)
			}
		}
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// collect records the leaf paths of o outside its $or members.
func collect(o *compiler.Object, prefix string, into map[string]bool, inOr bool) {
	for _, m := range o.Members {
		switch m.Kind {
		case compiler.MemberLeaf:
			into[join(prefix, m.Key)] = true
		case compiler.MemberObject:
			collect(m.Object, join(prefix, m.Key), into, inOr)
		}
	}
}

func collectMembers(o *compiler.Object, prefix string, into map[string]*compiler.Member) {
	for _, m := range o.Members {
		switch m.Kind {
		case compiler.MemberLeaf:
			into[join(prefix, m.Key)] = m
		case compiler.MemberObject:
			collectMembers(m.Object, join(prefix, m.Key), into)
		}
	}
}

// neverMatches warns about clauses that no event can satisfy: a field
// whose conditions are all numeric ranges left empty by binary64 rounding,
// or a path required both as a leaf and as an object with no array to
// reconcile them is left to the user (not flagged).
func neverMatches(fr *fileResult, p *compiler.Pattern, where string) {
	for _, cl := range p.Clauses {
		for _, f := range cl.Fields {
			empty := len(f.Conds) > 0
			for _, c := range f.Conds {
				if c.Op != compiler.OpNumeric || !emptyRange(c.Range) {
					empty = false
				}
			}
			if empty {
				pos := f.Conds[0].Pos
				fr.add(Finding{Line: pos.Line, Col: pos.Col, Severity: compiler.SeverityWarning, Code: CodeNeverMatches,
					Message: fmt.Sprintf("%s: this numeric range contains no number, so the pattern can never match", f.Path),
					Hint:    "the bounds are adjacent binary64 values; widen the range", Where: where, pos: pos})
			}
		}
	}
}

func emptyRange(r compiler.Range) bool {
	if !r.HasLo || !r.HasHi {
		return false
	}
	lo, hi := r.Lo, r.Hi
	if !r.LoIncl {
		lo = math.Nextafter(lo, math.Inf(1))
	}
	if !r.HiIncl {
		hi = math.Nextafter(hi, math.Inf(-1))
	}
	return lo > hi
}

// unsupported warns about operators that Pipes and Lambda event source
// mapping filters do not document.
func unsupported(fr *fileResult, p *compiler.Pattern, target Target, where string) {
	seen := map[compiler.Op]bool{}
	for _, cl := range p.Clauses {
		for _, f := range cl.Fields {
			for _, c := range f.Conds {
				name := ""
				switch {
				case c.Op == compiler.OpWildcard:
					name = "wildcard"
				case c.Op == compiler.OpCIDR && !(c.Prefix.IsSingleIP()):
					name = "cidr"
				case c.Op == compiler.OpAnythingBut && c.Exclude.Op == compiler.OpWildcard:
					name = "anything-but wildcard"
				case (c.Op == compiler.OpPrefix || c.Op == compiler.OpSuffix) && c.IgnoreCase:
					name = "prefix/suffix equals-ignore-case"
				}
				if name == "" || seen[c.Op] {
					continue
				}
				seen[c.Op] = true
				if name == "cidr" && target == TargetESM {
					// AWS's own published samples filter on cidr in event
					// source mappings: say so, but do not warn.
					fr.add(Finding{Line: c.Pos.Line, Col: c.Pos.Col, Severity: compiler.SeverityInfo, Code: CodeUnsupported,
						Message: "cidr is not in the Lambda filter documentation's operator list, though AWS's published samples use it", Where: where, pos: c.Pos})
					continue
				}
				fr.add(Finding{Line: c.Pos.Line, Col: c.Pos.Col, Severity: compiler.SeverityWarning, Code: CodeUnsupported,
					Message: fmt.Sprintf("%s is not documented for a %s; the filter may be rejected or never match", name, target),
					Hint:    "use equals, prefix, suffix, numeric, exists or anything-but here", Where: where, pos: c.Pos})
			}
		}
	}
}
