package compiler

import (
	"fmt"
	"strings"
)

// complexityReason is AWS's reason for a rule over the wildcard complexity
// limit (docs/semantics/patterns.md §4.5); it has no location suffix.
const complexityReason = "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character"

// checkComplexity applies EventBridge's wildcard complexity limit to a
// checked pattern. The verdict needs the measure only up to limit+1; a
// rejected pattern is measured again, up to ComplexityCap, so the
// diagnostic can say by how much it is over. A pattern that only
// event-ruler's exists:false quirk keeps under the limit gets a warning
// instead: AWS may accept it.
func checkComplexity(root *Object, limit int) (diag, warning *Diagnostic) {
	limit = min(limit, ComplexityCap-1)
	c := measureRule(root, limit+1, false, newEffort(complexitySteps))
	if c.Value <= limit && !c.AtLeast {
		return nil, nil
	}
	if exact := measureRule(root, ComplexityCap, false, newEffort(complexityMessageSteps)); exact.Value >= c.Value {
		c = exact
	}
	pos := root.Pos
	if m := memberAt(root, c.Path); m != nil {
		pos = m.Pos
		for _, cond := range m.Conds {
			if cond.Op == OpWildcard || cond.Op == OpAnythingBut && cond.Exclude.Op == OpWildcard {
				pos = cond.Pos
				break
			}
		}
	}
	if q := measureRule(root, limit+1, true, newEffort(complexitySteps)); q.Value <= limit && !q.AtLeast {
		return nil, &Diagnostic{Pos: pos, Severity: SeverityWarning, Code: WarnComplexityQuirk,
			Reason: fmt.Sprintf("wildcard complexity %s, limit %d, but AWS may accept this rule: its engine scores 0 the fields that sort after an {\"exists\": false} field", complexityFigure(c, limit), limit),
			Hint:   complexityHint(c)}
	}
	return &Diagnostic{Pos: pos, Severity: SeverityError, Code: CodeComplexity, Reason: complexityReason,
		Hint: fmt.Sprintf("complexity %s, limit %d; %s", complexityFigure(c, limit), limit, complexityHint(c))}, nil
}

func complexityFigure(c Complexity, limit int) string {
	switch {
	case !c.AtLeast:
		return fmt.Sprint(c.Value)
	case c.Value > limit:
		return fmt.Sprintf("%d or more", c.Value)
	}
	return fmt.Sprintf("over %d", limit)
}

// complexityHint names the value machine that gives the measure and how to
// bring it down.
func complexityHint(c Complexity) string {
	where := fmt.Sprintf("the value machine of %q drives it", c.Path)
	if len(c.After) > 0 {
		q := make([]string, len(c.After))
		for i, a := range c.After {
			q[i] = fmt.Sprintf("%q", a)
		}
		where += " (reached after " + strings.Join(q, ", ") + ")"
	}
	return where + ": use fewer stars, fewer letters right after a star, the same glob in fewer $or branches, or prefix/suffix operators"
}

// memberAt finds where the field at a dotted path is written (the first
// place, through $or branches), or nil.
func memberAt(o *Object, path string) *Member {
	for _, m := range o.Members {
		switch m.Kind {
		case MemberLeaf:
			if m.Key == path {
				return m
			}
		case MemberObject:
			if strings.HasPrefix(path, m.Key+".") {
				if r := memberAt(m.Object, path[len(m.Key)+1:]); r != nil {
					return r
				}
			}
		case MemberOr:
			for _, b := range m.Branches {
				if r := memberAt(b, path); r != nil {
					return r
				}
			}
		}
	}
	return nil
}
