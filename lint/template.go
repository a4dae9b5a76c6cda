package lint

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

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

// lintTemplate finds the patterns of a CloudFormation/SAM template (or of
// a Serverless Framework file's resources.Resources).
func lintTemplate(fr *fileResult, dc *doc, res *source.Value, prefix string) {
	if res == nil || res.Kind != source.Object {
		return
	}
	for _, r := range res.Members {
		typ := memberText(r.Value, "Type")
		props := member(r.Value, "Properties")
		base := prefix + r.Key + ".Properties."
		name := r.Key
		switch typ {
		case "AWS::Events::Rule":
			if p := member(props, "EventPattern"); p != nil {
				patternAt(fr, dc, p, site{name, base + "EventPattern", TargetBus, compiler.EventBridge, ruleGroup(props)})
			}
		case "AWS::Events::Archive":
			if p := member(props, "EventPattern"); p != nil {
				patternAt(fr, dc, p, site{name, base + "EventPattern", TargetArchive, compiler.EventBridge, ""})
			}
		case "AWS::SNS::Subscription":
			snsPolicy(fr, dc, props, name, base)
		case "AWS::Pipes::Pipe":
			filters(fr, dc, member(member(props, "SourceParameters"), "FilterCriteria"), TargetPipe, name, base+"SourceParameters.FilterCriteria")
		case "AWS::Lambda::EventSourceMapping":
			filters(fr, dc, member(props, "FilterCriteria"), TargetESM, name, base+"FilterCriteria")
		case "AWS::Serverless::Function", "AWS::Serverless::StateMachine":
			events := member(props, "Events")
			if events == nil || events.Kind != source.Object {
				continue
			}
			for _, e := range events.Members {
				eprops := member(e.Value, "Properties")
				where := base + "Events." + e.Key + ".Properties."
				ename := name + "." + e.Key
				switch memberText(e.Value, "Type") {
				case "EventBridgeRule", "CloudWatchEvent":
					if p := member(eprops, "Pattern"); p != nil {
						patternAt(fr, dc, p, site{ename, where + "Pattern", TargetBus, compiler.EventBridge, ""})
					}
				case "SNS":
					snsPolicy(fr, dc, eprops, ename, where)
				case "SQS", "Kinesis", "DynamoDB", "MSK", "MQ", "SelfManagedKafka", "DocumentDB":
					filters(fr, dc, member(eprops, "FilterCriteria"), TargetESM, ename, where+"FilterCriteria")
				}
			}
		}
	}
}

func snsPolicy(fr *fileResult, dc *doc, props *source.Value, name, base string) {
	p := member(props, "FilterPolicy")
	if p == nil {
		return
	}
	d := compiler.SNSAttributes
	if scope := member(props, "FilterPolicyScope"); scope != nil {
		if in, op := dc.opaque[scope]; op {
			fr.addAt(scope.Pos, compiler.SeverityInfo, CodeUnchecked, base+"FilterPolicyScope", "FilterPolicyScope is computed (%s); checked as MessageAttributes", in.name)
		} else if scope.Kind == source.String {
			var err error
			if d, err = compiler.ParseDialect("sns", scope.Text); err != nil {
				fr.addAt(scope.Pos, compiler.SeverityError, "E000", base+"FilterPolicyScope", "%v", err)
				return
			}
		}
	}
	patternAt(fr, dc, p, site{name, base + "FilterPolicy", TargetSNS, d, subscriptionGroup(props)})
}

// ruleGroup is a rule's bus and targets as text, "" without targets.
func ruleGroup(props *source.Value) string {
	targets := member(props, "Targets")
	if targets == nil {
		return ""
	}
	bus := `"default"`
	if b := member(props, "EventBusName"); b != nil {
		bus = string(toJSON(b))
	}
	return "bus " + bus + " targets " + string(toJSON(targets))
}

// subscriptionGroup is a subscription's topic, protocol and endpoint.
func subscriptionGroup(props *source.Value) string {
	topic, endpoint := member(props, "TopicArn"), member(props, "Endpoint")
	if topic == nil || endpoint == nil {
		return ""
	}
	return "topic " + string(toJSON(topic)) + " " + memberText(props, "Protocol") + " " + string(toJSON(endpoint))
}

// filters checks FilterCriteria.Filters[].Pattern (JSON strings).
func filters(fr *fileResult, dc *doc, fc *source.Value, target Target, name, where string) {
	list := member(fc, "Filters")
	if list == nil || list.Kind != source.Array {
		return
	}
	for i, f := range list.Elems {
		if p := member(f, "Pattern"); p != nil {
			patternAt(fr, dc, p, site{fmt.Sprintf("%s.Filters[%d]", name, i), fmt.Sprintf("%s.Filters[%d].Pattern", where, i), target, compiler.EventBridge, ""})
		}
	}
}

// site says where a pattern stands: the name it is known by (a logical
// id, a rule name), its path in the file, the service and the dialect.
type site struct {
	name    string
	where   string
	target  Target
	dialect compiler.Dialect
	group   string // see Rule.Group
}

// patternAt checks a pattern given as an object, as a JSON string, or as
// an intrinsic (Fn::Sub templates are checked with their placeholders
// standing in; other intrinsics leave the whole pattern open).
func patternAt(fr *fileResult, dc *doc, v *source.Value, s site) {
	if in, ok := dc.opaque[v]; ok {
		if in.name == "Fn::Sub" {
			if subPattern(fr, dc, in.arg, s) {
				return
			}
		}
		fr.addAt(v.Pos, compiler.SeverityInfo, CodeUnchecked, s.where, "left unchecked: the pattern is built with %s", in.name)
		return
	}
	switch v.Kind {
	case source.Object:
		fr.checkPattern(v, s, dc.computed)
	case source.String:
		fr.embedded(v.Text, dc.mapString(v), s, nil)
	default:
		fr.addAt(v.Pos, compiler.SeverityError, compiler.CodeNotObject, s.where, "Filter is not an object")
	}
}

// lintJSONFile handles .json: a rule file, a template (CDK output
// included), a standalone pattern, or something else (passed over).
func lintJSONFile(fr *fileResult, cfg *Config, forced compiler.Dialect) {
	v, err := source.ParseJSON(fr.src, source.Limits{MaxSize: MaxFileSize})
	isRuleFile := ruleFileName(fr.file)
	d, known := standaloneDialect(fr.file, cfg, forced)
	if err != nil {
		if known || isRuleFile {
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
	dc := newDoc(fr.src, fr.budget)
	dc.root = v
	switch {
	case isRuleFile || hasRuleMarker(v):
		lintRuleFile(fr, dc)
	case isTemplate(v):
		dc.markJSONIntrinsics(v, 0)
		lintTemplate(fr, dc, member(v, "Resources"), "Resources.")
	case known || looksLikePattern(v):
		if !known {
			d = compiler.EventBridge
		}
		target := TargetBus
		if d.IsSNS() {
			target = TargetSNS
		}
		fr.checkPattern(v, site{standaloneName(fr.file), "", target, d, ""}, nil)
	default:
		fr.skipped = "JSON that is not a pattern, a template or a rule file"
	}
}

// lintYAMLFile handles .yaml/.yml: rule files, templates, Serverless
// Framework files, and standalone patterns mapped by configuration. The
// file is classified on its top-level keys before any value tree is built.
func lintYAMLFile(fr *fileResult, cfg *Config, forced compiler.Dialect) {
	var n yaml.Node
	if err := yaml.Unmarshal(fr.src, &n); err != nil {
		_, known := standaloneDialect(fr.file, cfg, forced)
		if ruleFileName(fr.file) || known {
			fr.addAt(source.Pos{Line: 1, Col: 1}, compiler.SeverityError, CodeReadError, "", "not valid YAML: %v", err)
			return
		}
		fr.skipped = "not valid YAML"
		return
	}
	top := yamlTop(&n)
	kind := classifyYAML(fr.file, top)
	d, known := standaloneDialect(fr.file, cfg, forced)
	if kind == yamlOther && !known {
		fr.skipped = "YAML that is not a template, a Serverless file or a rule file"
		return
	}
	if len(n.Content) == 0 {
		fr.skipped = "empty YAML"
		return
	}
	dc := newDoc(fr.src, fr.budget)
	fr.budget.maxNodes = countYAML(&n, 0) + aliasAllowance
	dc.root = dc.fromYAML(n.Content[0], 0)
	switch kind {
	case yamlRuleFile:
		lintRuleFile(fr, dc)
	case yamlTemplate:
		lintTemplate(fr, dc, member(dc.root, "Resources"), "Resources.")
	case yamlServerless:
		lintServerless(fr, dc)
	default:
		target := TargetBus
		if d.IsSNS() {
			target = TargetSNS
		}
		patternAt(fr, dc, dc.root, site{standaloneName(fr.file), "", target, d, ""})
	}
}

// standaloneName is the rule name of a standalone pattern file: its base
// name without the extension and naming convention.
func standaloneName(path string) string {
	n := path
	if i := strings.LastIndexAny(n, `/\`); i >= 0 {
		n = n[i+1:]
	}
	low := strings.ToLower(n)
	for _, ext := range []string{".eventpattern.json", ".event-pattern.json", ".filterpolicy-body.json", ".filter-policy-body.json", ".filterpolicy.json", ".filter-policy.json", ".json", ".yaml", ".yml"} {
		if strings.HasSuffix(low, ext) {
			return n[:len(n)-len(ext)]
		}
	}
	return n
}
