package lint

import (
	"os"
	"path/filepath"
	"testing"
)

// Each front end has its own fuzz target: lint must report findings,
// never panic, and never fail the run for a bad file.

func fuzzFile(f *testing.F, name string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Run([]string{path}, Options{NoConfig: true})
		if err != nil {
			t.Fatalf("Run failed on a bad file instead of reporting it: %v", err)
		}
		if res.Files != 1 {
			t.Fatalf("linted %d files, want 1", res.Files)
		}
	})
}

func FuzzYAMLTemplate(f *testing.F) {
	fuzzFile(f, "template.yaml",
		"Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: |\n        {\"source\": [\"a\"]}\n",
		"Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: !Sub '{\"a\": [\"${X}\"], \"n\": [{\"numeric\": [\">\", ${N}]}]}'\n",
		"Resources:\n  R:\n    Type: AWS::Events::Archive\n    Properties:\n      EventPattern:\n        source: !Ref L\n        account: [!Ref AWS::AccountId]\n",
		"AWSTemplateFormatVersion: x\na: &a [x, x]\nb: &b [*a, *a]\nResources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: {source: *b}\n")
}

func FuzzJSONFile(f *testing.F) {
	fuzzFile(f, "p.json",
		`{"source": ["aws.ec2"], "detail": {"n": [{"numeric": [">", 5, "<", 1]}]}}`,
		`{"Resources": {"R": {"Type": "AWS::SNS::Subscription", "Properties": {"FilterPolicy": "{\"a\": [1]}"}}}}`,
		`{"Resources": {"R": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"account": [{"Ref": "A"}], "source": {"Fn::Sub": "x${Y}"}}}}}}`)
}

func FuzzTerraform(f *testing.F) {
	fuzzFile(f, "main.tf",
		"resource \"aws_cloudwatch_event_rule\" \"r\" {\n  event_pattern = jsonencode({ source = [\"a\"] })\n}\n",
		"resource \"aws_sns_topic_subscription\" \"s\" {\n  filter_policy = <<EOF\n{\"a\": [\"${var.x}\"]}\nEOF\n}\n",
		"locals {\n  p = jsonencode({ a = [local.q] })\n  q = \"x\"\n}\nresource \"aws_cloudwatch_event_archive\" \"r\" {\n  event_pattern = local.p\n}\n",
		"module \"m\" {\n  source = \"terraform-aws-modules/eventbridge/aws\"\n  rules = { a = { event_pattern = jsonencode({ source = [var.s] }) } }\n  pipes = { p = { source_parameters = { filter_criteria = { f = { pattern = \"{}\" } } } } }\n}\n")
}

func FuzzRuleFile(f *testing.F) {
	fuzzFile(f, "r.patternc.yaml",
		"rules:\n  - name: r\n    pattern: {a: [b]}\n    examples: {match: [{a: b}]}\n",
		"patternc: 1\nrules:\n  - name: s\n    dialect: sns\n    scope: MessageBody\n    pattern: '{\"a\": [1]}'\n")
}

func FuzzServerless(f *testing.F) {
	fuzzFile(f, "serverless.yml",
		"service: s\nprovider: {name: aws}\nfunctions:\n  f:\n    events:\n      - eventBridge: {pattern: {source: [a]}}\n      - sns: {filterPolicy: {a: [1]}, filterPolicyScope: MessageBody}\n      - sqs: {filterPatterns: [{body: {a: [b]}}]}\n")
}

func FuzzRuleList(f *testing.F) {
	fuzzFile(f, "rules.jsonl",
		"{\"id\":\"a\",\"pattern\":{\"source\":[\"x\"]}}\n{\"id\":\"b\",\"dialect\":\"sns-body\",\"pattern\":\"{\\\"k\\\":[1]}\"}\n")
}

// FuzzConfig feeds arbitrary .patternc.yaml files to the config loader.
func FuzzConfig(f *testing.F) {
	f.Add([]byte("include: [\"**/*.json\"]\nexclude: [node_modules/**]\npatterns:\n  - files: \"sns/*.json\"\n    dialect: sns\ndisable: [L104]\nfail-level: warning\nterraform:\n  variables: {a: [\"x\"]}\n"))
	f.Add([]byte("patterns: [{files: 5}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), configName)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, findings := LoadConfig(path)
		if c == nil {
			t.Fatal("no config")
		}
		for _, f := range findings {
			if f.Code != CodeConfig && f.Code != CodeReadError {
				t.Fatalf("config finding %s", f.Code)
			}
		}
		for _, g := range append(c.Include, c.Exclude...) {
			globMatch(g, "a/b/c.json")
		}
	})
}

// FuzzSub feeds arbitrary Fn::Sub templates to the template parser and
// expander: expansion must keep every offset mappable.
func FuzzSub(f *testing.F) {
	for _, s := range []string{`{"source": ["${Stage}.x"], "n": [{"numeric": [">", ${Min}]}], "l": ${List}}`, `${!Literal}${AWS::Region}${Res.Arn}`, `$`, `${`, `${a.b.c}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tmpl, err := parseSub(s)
		if err != nil {
			return
		}
		text, segs, ins := expandSub(tmpl, map[string]string{"Stage": "prod"})
		for off := 0; off <= len(text); off++ {
			if g := genToTemplate(segs, off); g < 0 || g > len(s)+1 {
				t.Fatalf("offset %d maps to %d outside %q", off, g, s)
			}
		}
		for _, in := range ins {
			if in.tmpl < 0 || in.tmpl > len(s) {
				t.Fatalf("stand-in at %d outside %q", in.tmpl, s)
			}
		}
	})
}
