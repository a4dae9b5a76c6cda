package lint

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLintFile feeds arbitrary bytes to each front end (YAML template, JSON
// template or pattern, Terraform, rule file): lint must report findings,
// never panic, and never fail the run for a bad file.
func FuzzLintFile(f *testing.F) {
	seeds := []struct {
		ext  uint8
		data string
	}{
		{0, "Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: |\n        {\"source\": [\"a\"]}\n"},
		{0, "Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: !Sub '{\"a\": [\"${X}\"]}'\n"},
		{1, `{"source": ["aws.ec2"], "detail": {"n": [{"numeric": [">", 5, "<", 1]}]}}`},
		{1, `{"Resources": {"R": {"Type": "AWS::SNS::Subscription", "Properties": {"FilterPolicy": "{\"a\": [1]}"}}}}`},
		{2, "resource \"aws_cloudwatch_event_rule\" \"r\" {\n  event_pattern = jsonencode({ source = [\"a\"] })\n}\n"},
		{2, "resource \"aws_sns_topic_subscription\" \"s\" {\n  filter_policy = <<EOF\n{\"a\": [\"b\"]}\nEOF\n}\n"},
		{3, "rules:\n  - name: r\n    pattern: {a: [b]}\n    examples: {match: [{a: b}]}\n"},
	}
	for _, s := range seeds {
		f.Add(s.ext, []byte(s.data))
	}
	names := []string{"template.yaml", "eventbridge/p.json", "main.tf", "r.patternc.yaml"}
	f.Fuzz(func(t *testing.T, ext uint8, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, names[int(ext)%len(names)])
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Run([]string{path}, Options{})
		if err != nil {
			t.Fatalf("Run failed on a bad file instead of reporting it: %v", err)
		}
		if res.Files != 1 {
			t.Fatalf("linted %d files, want 1", res.Files)
		}
	})
}
