package lint

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// lintTerraform finds patterns in Terraform resources:
// aws_cloudwatch_event_rule.event_pattern, aws_sns_topic_subscription
// .filter_policy (+ filter_policy_scope), and the filter patterns of
// aws_pipes_pipe and aws_lambda_event_source_mapping. jsonencode({...}) is
// read straight from the HCL object (exact positions); heredocs and
// strings are read as JSON; references to variables, locals and other
// resources leave a pattern unchecked, and lint says so.
func lintTerraform(fr *fileResult) {
	f, diags := hclsyntax.ParseConfig(fr.src, fr.file, hcl.InitialPos)
	if diags.HasErrors() {
		d := diags[0]
		pos := source.Pos{Line: 1, Col: 1}
		if d.Subject != nil {
			pos = source.Pos{Offset: d.Subject.Start.Byte, Line: d.Subject.Start.Line, Col: d.Subject.Start.Column}
		}
		fr.addAt(pos, compiler.SeverityError, CodeReadError, "", "not valid HCL: %s", d.Summary)
		return
	}
	tf := &tfFile{fr: fr, ls: newLineStarts(fr.src)}
	body := f.Body.(*hclsyntax.Body)
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) < 2 {
			continue
		}
		where := b.Labels[0] + "." + b.Labels[1]
		switch b.Labels[0] {
		case "aws_cloudwatch_event_rule":
			if a := b.Body.Attributes["event_pattern"]; a != nil {
				tf.pattern(a.Expr, TargetBus, compiler.EventBridge, where+".event_pattern")
			}
		case "aws_sns_topic_subscription":
			a := b.Body.Attributes["filter_policy"]
			if a == nil {
				continue
			}
			d := compiler.SNSAttributes
			if s := b.Body.Attributes["filter_policy_scope"]; s != nil {
				val, diags := s.Expr.Value(nil)
				if diags.HasErrors() || !val.IsKnown() || val.Type() != cty.String {
					tf.unchecked(s.Expr, where+".filter_policy_scope", "filter_policy_scope is computed; checked as MessageAttributes")
				} else if dd, err := compiler.ParseDialect("sns", val.AsString()); err != nil {
					fr.addAt(tf.pos(s.Expr.Range().Start), compiler.SeverityError, "E000", where+".filter_policy_scope", "%v", err)
					continue
				} else {
					d = dd
				}
			}
			tf.pattern(a.Expr, TargetSNS, d, where+".filter_policy")
		case "aws_pipes_pipe":
			for _, sp := range blocks(b.Body, "source_parameters") {
				for _, fc := range blocks(sp.Body, "filter_criteria") {
					tf.filters(fc, TargetPipe, where+".source_parameters.filter_criteria")
				}
			}
		case "aws_lambda_event_source_mapping":
			for _, fc := range blocks(b.Body, "filter_criteria") {
				tf.filters(fc, TargetESM, where+".filter_criteria")
			}
		}
	}
}

func blocks(b *hclsyntax.Body, typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, c := range b.Blocks {
		if c.Type == typ {
			out = append(out, c)
		}
	}
	return out
}

type tfFile struct {
	fr *fileResult
	ls lineStarts
}

func (tf *tfFile) pos(p hcl.Pos) source.Pos {
	return source.Pos{Offset: p.Byte, Line: p.Line, Col: p.Column}
}

func (tf *tfFile) filters(fc *hclsyntax.Block, target Target, where string) {
	for i, f := range blocks(fc.Body, "filter") {
		if a := f.Body.Attributes["pattern"]; a != nil {
			tf.pattern(a.Expr, target, compiler.EventBridge, fmt.Sprintf("%s.filter[%d].pattern", where, i))
		}
	}
}

func (tf *tfFile) unchecked(e hclsyntax.Expression, where, format string, args ...any) {
	tf.fr.addAt(tf.pos(e.Range().Start), compiler.SeverityInfo, CodeUnchecked, where, format, args...)
}

// pattern checks one pattern expression.
func (tf *tfFile) pattern(e hclsyntax.Expression, target Target, d compiler.Dialect, where string) {
	if refs := e.Variables(); len(refs) > 0 {
		names := make([]string, 0, len(refs))
		for _, r := range refs {
			names = append(names, traversalName(r))
		}
		tf.unchecked(e, where, "left unchecked: the pattern depends on %s", strings.Join(names, ", "))
		return
	}
	switch x := e.(type) {
	case *hclsyntax.FunctionCallExpr:
		if x.Name == "jsonencode" && len(x.Args) == 1 {
			tf.fr.checkPattern(tf.value(x.Args[0]), target, d, where)
			return
		}
	case *hclsyntax.TemplateExpr:
		if text, ok := literalTemplate(x); ok {
			start := x.Parts[0].Range().Start
			var m posMap
			if x.Range().Start.Line < start.Line || strings.Contains(text, "\n") { // heredoc
				m = blockMap(tf.fr.src, tf.ls, start.Line, text)
			} else {
				open := x.Range().Start // the opening quote
				raw := string(tf.fr.src[open.Byte:x.Range().End.Byte])
				m = quotedMap(tf.ls, tf.pos(open), raw)
			}
			tf.fr.embedded(text, m, target, d, where)
			return
		}
	}
	val, diags := e.Value(nil)
	if diags.HasErrors() || !val.IsWhollyKnown() || val.Type() != cty.String {
		tf.unchecked(e, where, "left unchecked: patternc cannot evaluate this expression")
		return
	}
	tf.fr.embedded(val.AsString(), plainMap(tf.ls, tf.pos(e.Range().Start)), target, d, where)
}

func traversalName(t hcl.Traversal) string {
	var b strings.Builder
	for i, s := range t {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		}
		if i >= 2 {
			break
		}
	}
	return b.String()
}

// literalTemplate returns the text of a template without interpolations.
func literalTemplate(t *hclsyntax.TemplateExpr) (string, bool) {
	if len(t.Parts) == 0 {
		return "", false
	}
	var b strings.Builder
	for _, p := range t.Parts {
		lit, ok := p.(*hclsyntax.LiteralValueExpr)
		if !ok || lit.Val.Type() != cty.String {
			return "", false
		}
		b.WriteString(lit.Val.AsString())
	}
	return b.String(), true
}

// value converts the argument of jsonencode into a value tree, keeping the
// HCL positions and the literal text of numbers.
func (tf *tfFile) value(e hclsyntax.Expression) *source.Value {
	r := e.Range()
	v := &source.Value{Pos: tf.pos(r.Start), End: tf.pos(r.End)}
	switch x := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		v.Kind = source.Object
		for _, item := range x.Items {
			key := tf.keyText(item.KeyExpr)
			v.Members = append(v.Members, source.Member{Key: key, KeyPos: tf.pos(item.KeyExpr.Range().Start), Value: tf.value(item.ValueExpr)})
		}
	case *hclsyntax.TupleConsExpr:
		v.Kind = source.Array
		for _, el := range x.Exprs {
			v.Elems = append(v.Elems, tf.value(el))
		}
	case *hclsyntax.TemplateExpr:
		if text, ok := literalTemplate(x); ok {
			v.Kind, v.Text = source.String, text
			return v
		}
		v.Kind, v.Text = source.String, "${…}"
	case *hclsyntax.LiteralValueExpr:
		switch {
		case x.Val.IsNull():
			v.Kind = source.Null
		case x.Val.Type() == cty.Bool:
			v.Kind = source.False
			if x.Val.True() {
				v.Kind = source.True
			}
		case x.Val.Type() == cty.Number:
			v.Kind, v.Text = source.Number, string(tf.fr.src[r.Start.Byte:r.End.Byte])
		case x.Val.Type() == cty.String:
			v.Kind, v.Text = source.String, x.Val.AsString()
		}
	case *hclsyntax.UnaryOpExpr:
		if lit, ok := x.Val.(*hclsyntax.LiteralValueExpr); ok && x.Op == hclsyntax.OpNegate && lit.Val.Type() == cty.Number {
			v.Kind, v.Text = source.Number, strings.ReplaceAll(string(tf.fr.src[r.Start.Byte:r.End.Byte]), " ", "")
			return v
		}
		v.Kind, v.Text = source.String, "${…}"
	default:
		v.Kind, v.Text = source.String, "${…}"
	}
	return v
}

func (tf *tfFile) keyText(e hclsyntax.Expression) string {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if t, diags := hcl.AbsTraversalForExpr(k.Wrapped); !diags.HasErrors() && len(t) == 1 {
			return t.RootName()
		}
		e = k.Wrapped
	}
	if t, ok := e.(*hclsyntax.TemplateExpr); ok {
		if text, ok := literalTemplate(t); ok {
			return text
		}
	}
	val, diags := e.Value(nil)
	if !diags.HasErrors() && val.IsKnown() && val.Type() == cty.String {
		return val.AsString()
	}
	return "${…}"
}
