package lint

import "github.com/patternc/patternc/compiler"

// CodeInfo describes one lint-only code and a file that draws it: the
// single source of the lint rows of docs/codes.md (generated and checked
// by a test) and, with compiler.Codes, of the codes --disable accepts.
type CodeInfo struct {
	Code     string
	Severity compiler.Severity
	Summary  string
	File     string // the example file's name (its dialect may come from it)
	Example  string // the example file's content
}

// Codes lists the lint-only codes lint emits, in order. (Compiler codes,
// E… and W1…, are compiler.Codes.)
var Codes = []CodeInfo{
	{CodeUnchecked, compiler.SeverityInfo, "a pattern checked around computed values (intrinsics, Terraform references, Serverless variables), or left unchecked when computed as a whole or built by a dynamic block (a note, never an error)", "template.yaml",
		"Resources:\n  Rule:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: !Sub '{\"source\": [\"${Source}\"]}'\n"},
	{CodeReadError, compiler.SeverityError, "a file that could not be read or parsed, or that exceeds lint's bounds (16 MB, YAML aliases expanding past its size, 10 s); the message names the file", "orders.patternc.yaml",
		"rules: [\n"},
	{CodeRuleFile, compiler.SeverityError, "a rule file that breaks its JSON Schema (lint/schema/rulefile.schema.json)", "orders.patternc.json",
		`{"rules": [{"name": "x", "pattern": {"a": ["b"]}, "exmples": {}}]}` + "\n"},
	{CodeExample, compiler.SeverityError, "a rule file example with the wrong verdict", "orders.patternc.yaml",
		"rules:\n  - name: big\n    pattern: {detail: {total: [{numeric: [\">\", 100]}]}}\n    examples:\n      match: [{detail: {total: 50}}]\n"},
	{CodeConfig, compiler.SeverityError, "a .patternc.yaml that breaks its JSON Schema (lint/schema/config.schema.json)", ".patternc.yaml",
		"includ: ['**/*.json']\n"},
	{CodeNeverMatches, compiler.SeverityWarning, "a clause that can never match: a numeric range holding no number, or a clause the EventBridge envelope rules out ({\"exists\": false} on a field every event carries, a value on detail, numeric or cidr on an envelope string, version other than \"0\")", "rule.eventpattern.json",
		`{"n": [{"numeric": [">", 1, "<", 1.0000000000000002]}]}` + "\n"},
	{CodeOrOverride, compiler.SeverityWarning, "an $or branch that replaces a condition its sibling sets (AWS does not AND them)", "rule.eventpattern.json",
		`{"source": ["a"], "$or": [{"source": ["b"]}, {"detail-type": ["c"]}]}` + "\n"},
	{CodeDuplicateKey, compiler.SeverityWarning, "a duplicate key whose later list replaces the earlier one", "rule.eventpattern.json",
		`{"source": ["a"], "source": ["b"]}` + "\n"},
	{CodeNearMiss, compiler.SeverityWarning, "a near-miss of an EventBridge envelope field", "rule.eventpattern.json",
		`{"detail_type": ["Order Placed"]}` + "\n"},
	{CodeUnsupported, compiler.SeverityWarning, "an operator the target (Pipes, event source mapping) does not document (cidr in an event source mapping: a note)", "template.yaml",
		"Resources:\n  Pipe:\n    Type: AWS::Pipes::Pipe\n    Properties:\n      SourceParameters:\n        FilterCriteria:\n          Filters:\n            - Pattern: '{\"body\": {\"path\": [{\"wildcard\": \"a*b\"}]}}'\n"},
	{CodeOrSubsumed, compiler.SeverityWarning, "an $or branch whose events another branch of the same $or already matches (judged on the clauses as lowered)", "rule.eventpattern.json",
		`{"source": ["shop"], "$or": [{"detail-type": [{"prefix": "Order"}]}, {"detail-type": ["Order Placed"]}]}` + "\n"},
	{CodeRuleSubsumed, compiler.SeverityWarning, "a rule whose events another rule with the same bus and targets (or topic and endpoint) already matches: its targets get each event twice", "template.yaml",
		"Resources:\n  All:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: {source: [shop]}\n      Targets: [{Arn: arn:aws:sqs:us-east-1:1:q, Id: q}]\n  Big:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: {source: [shop], detail: {total: [{numeric: ['>', 100]}]}}\n      Targets: [{Arn: arn:aws:sqs:us-east-1:1:q, Id: q}]\n"},
}

// DiffCodes are the codes only lint --diff emits: they need git history,
// so no single file draws them (cmd/patternc's TestDiffGit pins L110).
var DiffCodes = []CodeInfo{
	{Code: CodeRuleChanged, Severity: compiler.SeverityInfo, Summary: "lint --diff BASE: a rule that matches other events than at BASE, with one event it now also matches and one it no longer matches"},
}

// KnownCode reports whether code is one lint can report: a lint-only code
// or a compiler code.
func KnownCode(code string) bool {
	if _, ok := compiler.LookupCode(code); ok {
		return true
	}
	for _, c := range append(Codes[:len(Codes):len(Codes)], DiffCodes...) {
		if c.Code == code {
			return true
		}
	}
	return false
}
