package lint

import (
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/source"
)

// What a file is comes from its content and from explicit configuration,
// never from words in its path: a repository's package.json under
// my-eventbridge-app/ is still package.json.
//
//   - a rule file is named *.patternc.yaml|yml|json or carries the marker
//     key `patternc:` next to `rules:`;
//   - a CloudFormation/SAM template has AWSTemplateFormatVersion or a
//     Resources map with an AWS:: type; a Serverless Framework file has
//     `service:` and a `provider:` naming aws;
//   - a standalone pattern is a JSON file that .patternc.yaml maps to a
//     dialect, that follows a naming convention (*.eventpattern.json,
//     *.filterpolicy.json, *.filterpolicy-body.json), or whose content is
//     unmistakably one (every top-level key an EventBridge envelope field or
//     $or, every value a list or an object);
//   - a .jsonl/.ndjson file is a rule list when its lines are
//     {"id", "pattern"} objects;
//   - everything else is passed over (listed with -v).
//
// Files named on the command line get the same judgement, unless
// --dialect forces them to be patterns.

// candidateName reports the file names lint opens at all.
func candidateName(name string) bool {
	if name == configName {
		return false
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json", ".yaml", ".yml", ".tf", ".jsonl", ".ndjson":
		return true
	}
	return false
}

func isTerraformName(p string) bool { return strings.EqualFold(filepath.Ext(p), ".tf") }

// ruleFileName reports *.patternc.yaml|yml|json.
func ruleFileName(p string) bool {
	n := strings.ToLower(filepath.Base(p))
	for _, ext := range []string{".patternc.yaml", ".patternc.yml", ".patternc.json"} {
		if strings.HasSuffix(n, ext) && len(n) > len(ext) {
			return true
		}
	}
	return false
}

// namedDialect is the naming convention for standalone pattern files.
func namedDialect(p string) (compiler.Dialect, bool) {
	n := strings.ToLower(filepath.Base(p))
	switch {
	case strings.HasSuffix(n, ".eventpattern.json"), strings.HasSuffix(n, ".event-pattern.json"):
		return compiler.EventBridge, true
	case strings.HasSuffix(n, ".filterpolicy-body.json"), strings.HasSuffix(n, ".filter-policy-body.json"):
		return compiler.SNSBody, true
	case strings.HasSuffix(n, ".filterpolicy.json"), strings.HasSuffix(n, ".filter-policy.json"):
		return compiler.SNSAttributes, true
	}
	return 0, false
}

// standaloneDialect says whether a JSON file is a pattern by flag, by
// configuration or by name, and in which dialect.
func standaloneDialect(path string, cfg *Config, forced compiler.Dialect) (compiler.Dialect, bool) {
	if forced != 0 {
		return forced, true
	}
	if d, ok := cfg.dialectFor(path); ok {
		return d, true
	}
	return namedDialect(path)
}

// lintFile judges one file by its content and lints what it is.
func lintFile(fr *fileResult, cfg *Config, forced compiler.Dialect) {
	switch strings.ToLower(filepath.Ext(fr.file)) {
	case ".json":
		lintJSONFile(fr, cfg, forced)
	case ".yaml", ".yml":
		lintYAMLFile(fr, cfg, forced)
	case ".jsonl", ".ndjson":
		lintRuleList(fr)
	default:
		fr.skipped = "not a file type patternc reads"
	}
}

// looksLikePattern reports JSON whose content is unmistakably an
// EventBridge pattern: an object whose top-level keys are all envelope
// fields (or $or), each holding a list or an object — so package.json, a
// sample event (string values) and friends are left alone.
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

// hasRuleMarker reports a rule file recognised by content: the marker key
// `patternc` beside `rules`.
func hasRuleMarker(v *source.Value) bool {
	return member(v, "patternc") != nil && member(v, "rules") != nil
}

// yamlTop returns the top-level mapping of a YAML document (nil if it is
// not a mapping) without expanding anything.
func yamlTop(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	return n
}

// yamlKey returns the value node of key in a mapping, one alias resolved.
func yamlKey(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var found *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			found = m.Content[i+1]
		}
	}
	if found != nil && found.Kind == yaml.AliasNode {
		found = found.Alias
	}
	return found
}

// yamlKind is what a YAML file is, judged on its top-level keys before
// any value tree is built (so a file of nested aliases that is not a
// template costs nothing).
type yamlKind uint8

const (
	yamlOther yamlKind = iota
	yamlRuleFile
	yamlTemplate
	yamlServerless
)

func classifyYAML(path string, top *yaml.Node) yamlKind {
	if ruleFileName(path) {
		return yamlRuleFile
	}
	if top == nil {
		return yamlOther
	}
	if yamlKey(top, "patternc") != nil && yamlKey(top, "rules") != nil {
		return yamlRuleFile
	}
	if yamlKey(top, "AWSTemplateFormatVersion") != nil {
		return yamlTemplate
	}
	if res := yamlKey(top, "Resources"); res != nil && res.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(res.Content); i += 2 {
			r := res.Content[i+1]
			if r.Kind == yaml.AliasNode {
				r = r.Alias
			}
			if t := yamlKey(r, "Type"); t != nil && t.Kind == yaml.ScalarNode && strings.HasPrefix(t.Value, "AWS::") {
				return yamlTemplate
			}
		}
	}
	if svc := yamlKey(top, "service"); svc != nil {
		if p := yamlKey(top, "provider"); p != nil {
			if p.Kind == yaml.ScalarNode && p.Value == "aws" {
				return yamlServerless
			}
			if n := yamlKey(p, "name"); n != nil && n.Kind == yaml.ScalarNode && n.Value == "aws" {
				return yamlServerless
			}
		}
	}
	return yamlOther
}
