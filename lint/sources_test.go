package lint

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestSources pins, for each source lint reads, that the valid pattern is
// clean and the invalid one is reported at its line and column; computed
// values (intrinsics, references, Serverless variables) are never errors.
func TestSources(t *testing.T) {
	res, err := Run([]string{"testdata/sources"}, Options{Rules: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		rel, _ := filepath.Rel("testdata/sources", f.File)
		got = append(got, fmt.Sprintf("%s:%d:%d %s", filepath.ToSlash(rel), f.Line, f.Col, f.Code))
	}
	want := []string{
		// CDK synth: Ref, Fn::GetAtt, Fn::Join, Fn::Sub in condition lists
		// and as an operand; the real error beside them is still found.
		"cdk/Stack.template.json:7:23 L001",
		"cdk/Stack.template.json:18:23 L001",
		"cdk/Stack.template.json:19:38 E208",
		// !Ref standing for a whole list (CommaDelimitedList).
		"cfn/template.yaml:10:17 L001",
		"cfn/template.yaml:16:17 L001",
		"cfn/template.yaml:18:46 E206",
		// AWS::Events::Archive.
		"cfn/template.yaml:30:19 E108",
		// !Sub with a variable map: checked with positions in the template.
		"cfn/template.yaml:35:80 L001",
		"cfn/template.yaml:35:110 E207",
		// Serverless Framework: eventBridge, sns filterPolicy, sqs
		// filterPatterns, resources.Resources.
		// A merge key's anchored members are checked where they are
		// written, once; a Serverless variable in resources is computed.
		"sls/serverless.yml:10:38 E206",
		"sls/serverless.yml:17:21 L001",
		"sls/serverless.yml:23:39 E206",
		"sls/serverless.yml:36:37 E206",
		"sls/serverless.yml:44:42 E201",
		"sls/serverless.yml:51:31 E202",
		"sls/serverless.yml:57:19 L001",
		// Terraform: a local checked once at its definition, with a
		// variable's default resolved; a bad cidr next to a data.
		// reference; archives; a dynamic block noted; a heredoc with
		// interpolations.
		"tf/main.tf:15:77 E208",
		"tf/main.tf:21:16 L001",
		"tf/main.tf:23:32 E208",
		"tf/main.tf:29:16 L001",
		"tf/main.tf:49:56 E202",
		"tf/main.tf:55:3 L001",
		"tf/main.tf:68:15 L001",
		"tf/main.tf:70:41 E206",
		"tf/main.tf:76:30 L001", // jsonencode(merge(…)): computed as a whole
		// file() and templatefile(): checked in the file they name, the
		// template's ${…} standing in.
		"tffile/main.tf:14:19 L001", // file() outside the repository: not read
		"tffile/patterns/orders.json:3:43 E206",
		"tffile/patterns/staged.json.tpl:2:27 L001",
		"tffile/patterns/staged.json.tpl:4:30 E208",
		// terraform-aws-modules: eventbridge rules, archives, pipes; sns
		// subscriptions; lambda event_source_mapping filter_criteria.
		"tfmod/main.tf:13:98 E206",
		"tfmod/main.tf:23:106 E203",
		"tfmod/main.tf:34:77 E205",
		"tfmod/main.tf:55:63 E206",
		"tfmod/main.tf:69:68 E204",
	}
	sort.Strings(want)
	sorted := append([]string(nil), got...)
	sort.Strings(sorted)
	if strings.Join(sorted, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(sorted, "\n"), strings.Join(want, "\n"))
	}
	names := map[string]bool{}
	for _, r := range res.Rules {
		names[r.Name] = true
	}
	for _, n := range []string{"OrdersRule", "GoodArchive", "SubWithVars", "onOrder.events[0]", "onQueue.events[0].filterPatterns[1]",
		"local.shared_pattern", "aws_cloudwatch_event_archive.good", "module.eventbridge.rules.orders_good", "module.eventbridge.archives.all_orders",
		"module.eventbridge.pipes.sqs_to_bus.f2", "module.topic.subscriptions.eu", "module.worker.event_source_mapping.sqs[1]"} {
		if !names[n] {
			t.Errorf("no rule named %s (have %v)", n, names)
		}
	}
	if res.Patterns != len(res.Rules) {
		t.Errorf("patterns %d, rules %d", res.Patterns, len(res.Rules))
	}
}
