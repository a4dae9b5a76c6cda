package lint

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// doc is a parsed YAML or JSON document as a value tree, with what is
// needed to map embedded JSON strings back into the file.
type doc struct {
	root   *source.Value
	ls     lineStarts
	src    []byte
	yamlOf map[*source.Value]*yaml.Node // YAML scalars, for their style
	opaque map[*source.Value]string     // intrinsics (!Sub, Fn::Join, …)
}

func member(v *source.Value, key string) *source.Value {
	if v == nil || v.Kind != source.Object {
		return nil
	}
	var found *source.Value
	for _, m := range v.Members {
		if m.Key == key {
			found = m.Value
		}
	}
	return found
}

func memberText(v *source.Value, key string) string {
	if s := member(v, key); s != nil && s.Kind == source.String {
		return s.Text
	}
	return ""
}

// isTemplate reports whether a document is a CloudFormation or SAM
// template.
func isTemplate(root *source.Value) bool {
	if root == nil || root.Kind != source.Object {
		return false
	}
	if member(root, "AWSTemplateFormatVersion") != nil {
		return true
	}
	res := member(root, "Resources")
	if res == nil || res.Kind != source.Object {
		return false
	}
	for _, r := range res.Members {
		if strings.HasPrefix(memberText(r.Value, "Type"), "AWS::") {
			return true
		}
	}
	return false
}

// lintTemplate finds the patterns of a CloudFormation/SAM template.
func lintTemplate(fr *fileResult, dc *doc) {
	res := member(dc.root, "Resources")
	if res == nil || res.Kind != source.Object {
		return
	}
	for _, r := range res.Members {
		typ := memberText(r.Value, "Type")
		props := member(r.Value, "Properties")
		base := "Resources." + r.Key + ".Properties."
		switch typ {
		case "AWS::Events::Rule":
			if p := member(props, "EventPattern"); p != nil {
				patternAt(fr, dc, p, TargetBus, compiler.EventBridge, base+"EventPattern")
			}
		case "AWS::SNS::Subscription":
			snsPolicy(fr, dc, props, base)
		case "AWS::Pipes::Pipe":
			filters(fr, dc, member(member(props, "SourceParameters"), "FilterCriteria"), TargetPipe, base+"SourceParameters.FilterCriteria")
		case "AWS::Lambda::EventSourceMapping":
			filters(fr, dc, member(props, "FilterCriteria"), TargetESM, base+"FilterCriteria")
		case "AWS::Serverless::Function", "AWS::Serverless::StateMachine":
			events := member(props, "Events")
			if events == nil || events.Kind != source.Object {
				continue
			}
			for _, e := range events.Members {
				eprops := member(e.Value, "Properties")
				where := base + "Events." + e.Key + ".Properties."
				switch memberText(e.Value, "Type") {
				case "EventBridgeRule", "CloudWatchEvent":
					if p := member(eprops, "Pattern"); p != nil {
						patternAt(fr, dc, p, TargetBus, compiler.EventBridge, where+"Pattern")
					}
				case "SNS":
					snsPolicy(fr, dc, eprops, where)
				case "SQS", "Kinesis", "DynamoDB", "MSK", "MQ", "SelfManagedKafka", "DocumentDB":
					filters(fr, dc, member(eprops, "FilterCriteria"), TargetESM, where+"FilterCriteria")
				}
			}
		}
	}
}

func snsPolicy(fr *fileResult, dc *doc, props *source.Value, base string) {
	p := member(props, "FilterPolicy")
	if p == nil {
		return
	}
	d := compiler.SNSAttributes
	if scope := member(props, "FilterPolicyScope"); scope != nil {
		if _, op := dc.opaque[scope]; op {
			fr.addAt(scope.Pos, compiler.SeverityInfo, CodeUnchecked, base+"FilterPolicyScope", "FilterPolicyScope is computed (%s); checked as MessageAttributes", dc.opaque[scope])
		} else if scope.Kind == source.String {
			var err error
			if d, err = compiler.ParseDialect("sns", scope.Text); err != nil {
				fr.addAt(scope.Pos, compiler.SeverityError, "E000", base+"FilterPolicyScope", "%v", err)
				return
			}
		}
	}
	patternAt(fr, dc, p, TargetSNS, d, base+"FilterPolicy")
}

// filters checks FilterCriteria.Filters[].Pattern (JSON strings).
func filters(fr *fileResult, dc *doc, fc *source.Value, target Target, where string) {
	list := member(fc, "Filters")
	if list == nil || list.Kind != source.Array {
		return
	}
	for i, f := range list.Elems {
		if p := member(f, "Pattern"); p != nil {
			patternAt(fr, dc, p, target, compiler.EventBridge, fmt.Sprintf("%s.Filters[%d].Pattern", where, i))
		}
	}
}

// patternAt checks a pattern given as an object or as a JSON string.
func patternAt(fr *fileResult, dc *doc, v *source.Value, target Target, d compiler.Dialect, where string) {
	if how, ok := dc.opaque[v]; ok {
		fr.addAt(v.Pos, compiler.SeverityInfo, CodeUnchecked, where, "left unchecked: the pattern is built with %s", how)
		return
	}
	switch v.Kind {
	case source.Object:
		fr.checkPattern(v, target, d, where)
	case source.String:
		fr.embedded(v.Text, dc.mapString(v), target, d, where)
	default:
		fr.addAt(v.Pos, compiler.SeverityError, compiler.CodeNotObject, where, "Filter is not an object")
	}
}

// mapString builds the position map of a string value of the document.
func (dc *doc) mapString(v *source.Value) posMap {
	if n, ok := dc.yamlOf[v]; ok {
		switch n.Style {
		case yaml.LiteralStyle, yaml.FoldedStyle:
			return blockMap(dc.src, dc.ls, n.Line+1, v.Text)
		case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
			if !strings.Contains(v.Text, "\n") {
				end := bytes.IndexByte(dc.src[v.Pos.Offset:], '\n')
				if end < 0 {
					end = len(dc.src) - v.Pos.Offset
				}
				return quotedMap(dc.ls, v.Pos, string(dc.src[v.Pos.Offset:v.Pos.Offset+end]))
			}
			return blockMap(dc.src, dc.ls, n.Line, v.Text)
		default:
			if strings.Contains(v.Text, "\n") {
				return blockMap(dc.src, dc.ls, n.Line, v.Text)
			}
			return plainMap(dc.ls, v.Pos)
		}
	}
	// A JSON string token: its raw text is in the file.
	if v.End.Offset > v.Pos.Offset && v.End.Offset <= len(dc.src) {
		return quotedMap(dc.ls, v.Pos, string(dc.src[v.Pos.Offset:v.End.Offset]))
	}
	return plainMap(dc.ls, v.Pos)
}

// lintJSONFile handles .json: a template (CDK output included), a rule
// file, a standalone pattern, or something else (skipped).
func lintJSONFile(fr *fileResult, opts *Options) {
	v, err := source.ParseJSON(fr.src, source.Limits{MaxSize: maxFile})
	isRuleFile := strings.HasSuffix(strings.ToLower(fr.file), ".patternc.json")
	d, named := dialectFromPath(fr.file)
	if opts.Dialect != 0 {
		d, named = opts.Dialect, true
	}
	if err != nil {
		if named || isRuleFile || opts.Explicit[fr.file] {
			se, _ := err.(*source.Error)
			pos := source.Pos{Line: 1, Col: 1}
			if se != nil {
				pos = se.Pos
			}
			fr.addAt(pos, compiler.SeverityError, compiler.CodeSyntax, "", "failed to parse JSON: %s", strings.TrimPrefix(err.Error(), fmt.Sprintf("%d:%d: ", pos.Line, pos.Col)))
			return
		}
		fr.skipped = "not JSON"
		return
	}
	dc := &doc{root: v, ls: newLineStarts(fr.src), src: fr.src, opaque: map[*source.Value]string{}}
	markJSONIntrinsics(v, dc.opaque)
	switch {
	case isRuleFile:
		lintRuleFile(fr, dc)
	case isTemplate(v):
		lintTemplate(fr, dc)
	case named || opts.Explicit[fr.file] || looksLikePattern(v):
		if !named {
			d = compiler.EventBridge
		}
		target := TargetBus
		if d.IsSNS() {
			target = TargetSNS
		}
		fr.checkPattern(v, target, d, "")
	default:
		fr.skipped = "JSON that is not a pattern, a template or a rule file"
	}
}

// looksLikePattern is the guess for a JSON file whose path names no
// dialect: an object whose top-level keys are all EventBridge envelope
// fields (or $or), each holding a list or an object — so package.json and
// friends are left alone.
func looksLikePattern(v *source.Value) bool {
	if v.Kind != source.Object || len(v.Members) == 0 {
		return false
	}
	for _, m := range v.Members {
		if !isEnvelope(m.Key) && m.Key != "$or" {
			return false
		}
		if m.Value.Kind != source.Array && m.Value.Kind != source.Object {
			return false
		}
	}
	return true
}

// markJSONIntrinsics records objects such as {"Ref": …} or {"Fn::Sub": …}
// as opaque strings.
func markJSONIntrinsics(v *source.Value, into map[*source.Value]string) {
	if v.Kind == source.Object && len(v.Members) == 1 {
		if k := v.Members[0].Key; k == "Ref" || strings.HasPrefix(k, "Fn::") {
			into[v] = k
			return
		}
	}
	for _, m := range v.Members {
		markJSONIntrinsics(m.Value, into)
	}
	for _, e := range v.Elems {
		markJSONIntrinsics(e, into)
	}
}

// lintYAMLFile handles .yaml/.yml: templates and rule files.
func lintYAMLFile(fr *fileResult, opts *Options) {
	var n yaml.Node
	if err := yaml.Unmarshal(fr.src, &n); err != nil {
		if strings.Contains(strings.ToLower(fr.file), ".patternc.") || opts.Explicit[fr.file] {
			fr.addAt(source.Pos{Line: 1, Col: 1}, compiler.SeverityError, CodeReadError, "", "not valid YAML: %v", err)
			return
		}
		fr.skipped = "not valid YAML"
		return
	}
	if len(n.Content) == 0 {
		fr.skipped = "empty YAML"
		return
	}
	dc := &doc{ls: newLineStarts(fr.src), src: fr.src, yamlOf: map[*source.Value]*yaml.Node{}, opaque: map[*source.Value]string{}}
	dc.root = dc.fromYAML(n.Content[0], 0)
	switch {
	case strings.Contains(strings.ToLower(fr.file), ".patternc.") || member(dc.root, "rules") != nil && member(dc.root, "Resources") == nil:
		lintRuleFile(fr, dc)
	case isTemplate(dc.root):
		lintTemplate(fr, dc)
	default:
		fr.skipped = "YAML that is not a template or a rule file"
	}
}

// fromYAML converts a YAML node into a value tree with the file's
// positions. CloudFormation tags (!Sub, !Ref, …) and intrinsic functions
// become opaque strings, never errors.
func (dc *doc) fromYAML(n *yaml.Node, depth int) *source.Value {
	if depth > 200 {
		return &source.Value{Kind: source.Null, Pos: dc.ls.pos(n.Line, n.Column)}
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return dc.fromYAML(n.Alias, depth+1)
	}
	pos := dc.ls.pos(n.Line, n.Column)
	v := &source.Value{Pos: pos, End: pos}
	if n.Tag != "" && !strings.HasPrefix(n.Tag, "!!") {
		v.Kind, v.Text = source.String, "${"+n.Tag+"}"
		dc.opaque[v] = n.Tag
		return v
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return dc.fromYAML(n.Content[0], depth+1)
		}
		v.Kind = source.Null
	case yaml.MappingNode:
		v.Kind = source.Object
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Value == "<<" {
				continue
			}
			v.Members = append(v.Members, source.Member{Key: k.Value, KeyPos: dc.ls.pos(k.Line, k.Column), Value: dc.fromYAML(val, depth+1)})
		}
		if len(v.Members) == 1 {
			if k := v.Members[0].Key; k == "Ref" || strings.HasPrefix(k, "Fn::") {
				dc.opaque[v] = k
			}
		}
	case yaml.SequenceNode:
		v.Kind = source.Array
		for _, c := range n.Content {
			v.Elems = append(v.Elems, dc.fromYAML(c, depth+1))
		}
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			v.Kind = source.Null
		case "!!bool":
			v.Kind = source.False
			if strings.EqualFold(n.Value, "true") {
				v.Kind = source.True
			}
		case "!!int", "!!float":
			v.Kind, v.Text = source.Number, yamlNumber(n.Value)
		default:
			v.Kind, v.Text = source.String, n.Value
			dc.yamlOf[v] = n
		}
	}
	return v
}

// yamlNumber writes a YAML number as JSON number text where it differs
// (1_000, 0x1F, +5, .5).
func yamlNumber(s string) string {
	t := strings.ReplaceAll(s, "_", "")
	t = strings.TrimPrefix(t, "+")
	if strings.HasPrefix(t, ".") {
		t = "0" + t
	}
	if strings.HasPrefix(t, "-.") {
		t = "-0" + t[1:]
	}
	var f float64
	if _, err := fmt.Sscan(t, &f); err == nil && (strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0o")) {
		return fmt.Sprint(f)
	}
	return t
}
