// Package repogen writes a deterministic repository of mixed files for
// linting at scale (see bench/lintrepo).
package repogen

import (
	"fmt"
	"os"
	"path/filepath"
)

// Stats says what Write wrote.
type Stats struct {
	Files        int // files written
	PatternFiles int // files holding patterns
	Errors       int // planted errors (one per erroneous file)
}

// Write writes n files under dir. File i is of kind i%10; the pattern
// files whose number is a multiple of 7 carry one error.
func Write(dir string, n int) (Stats, error) {
	var st Stats
	write := func(rel, text string) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		st.Files++
		return os.WriteFile(p, []byte(text), 0o644)
	}
	for i := 0; st.Files < n; i++ {
		svc := fmt.Sprintf("services/svc-%03d", i/10)
		bad := i%7 == 0
		cidr := "10.0.0.0/16"
		if bad {
			cidr = "10.0.0.0/40"
		}
		var err error
		pattern := true
		switch i % 10 {
		case 0:
			err = write(fmt.Sprintf("%s/eventbridge-app-%d/template.yaml", svc, i), fmt.Sprintf(cfnYAML, i, i, cidr))
		case 1:
			err = write(fmt.Sprintf("%s/cdk.out/Stack%d.template.json", svc, i), fmt.Sprintf(cdkJSON, i, cidr))
		case 2:
			err = write(fmt.Sprintf("%s/infra-%d/main.tf", svc, i), fmt.Sprintf(tfMain, i, cidr))
		case 3:
			err = write(fmt.Sprintf("%s/sls-%d/serverless.yml", svc, i), fmt.Sprintf(slsYAML, i, i, cidr))
		case 4:
			err = write(fmt.Sprintf("%s/rules/r%d.patternc.yaml", svc, i), fmt.Sprintf(ruleFile, i, i, cidr))
		case 5:
			err = write(fmt.Sprintf("%s/patterns/p%d.eventpattern.json", svc, i), fmt.Sprintf(standalone, i, cidr))
		case 6:
			pattern = false
			err = write(fmt.Sprintf("%s/sns-web-%d/package.json", svc, i), fmt.Sprintf(packageJSON, i))
		case 7:
			pattern = false
			err = write(fmt.Sprintf("%s/eventbridge-events/e%d.json", svc, i), fmt.Sprintf(event, i))
		case 8:
			pattern = false
			err = write(fmt.Sprintf("%s/k8s/deploy-%d.yaml", svc, i), fmt.Sprintf(k8s, i))
		default:
			pattern = false
			err = write(fmt.Sprintf("%s/src/handler%d.ts", svc, i), fmt.Sprintf("export const handler%d = async (e: unknown) => e;\n", i))
		}
		if err != nil {
			return st, err
		}
		if pattern {
			st.PatternFiles++
			if bad {
				st.Errors++
			}
		}
	}
	return st, nil
}

const cfnYAML = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Sources: {Type: CommaDelimitedList}
Resources:
  Rule%d:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: !Ref Sources
        account: [!Ref AWS::AccountId]
        detail-type: ["Order Placed"]
  Archive%d:
    Type: AWS::Events::Archive
    Properties:
      SourceArn: !GetAtt Bus.Arn
      EventPattern:
        detail:
          ip: [{"cidr": "%s"}]
  Sub:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: !Sub '{"source": ["${AWS::StackName}.orders"]}'
`

const cdkJSON = `{
  "Resources": {
    "Rule%d": {
      "Type": "AWS::Events::Rule",
      "Properties": {
        "EventPattern": {
          "account": [{"Ref": "AWS::AccountId"}],
          "resources": [{"Fn::GetAtt": ["Bucket", "Arn"]}],
          "detail": {"ip": [{"cidr": "%s"}], "bucket": {"name": [{"Fn::Join": ["", ["b-", {"Ref": "Stage"}]]}]}}
        }
      }
    }
  }
}
`

const tfMain = `data "aws_caller_identity" "current" {}

locals {
  orders = jsonencode({ source = ["com.example.orders.%d"] })
}

resource "aws_cloudwatch_event_rule" "orders" {
  event_pattern = local.orders
}

resource "aws_cloudwatch_event_rule" "net" {
  event_pattern = jsonencode({
    account = [data.aws_caller_identity.current.account_id]
    detail  = { ip = [{ cidr = "%s" }] }
  })
}
`

const slsYAML = `service: svc-%d
provider: {name: aws}
functions:
  f%d:
    handler: h.f
    events:
      - eventBridge:
          pattern:
            source: ["com.example"]
            detail: {ip: [{cidr: "%s"}]}
      - sqs:
          arn: arn:aws:sqs:us-east-1:111122223333:q
          filterPatterns: [{body: {kind: [order]}}]
`

const ruleFile = `rules:
  - name: rule-%d
    pattern: {source: ["com.example.%d"], detail: {ip: [{cidr: "%s"}]}}
`

const standalone = `{"source": ["com.example.%d"], "detail": {"ip": [{"cidr": "%s"}]}}
`

const packageJSON = `{"name": "web-%d", "version": "1.0.0", "scripts": {"build": "tsc"}, "dependencies": {"@aws-sdk/client-sns": "^3.600.0"}}
`

const event = `{"version": "0", "id": "%d", "detail-type": "Order Placed", "source": "com.example.orders", "account": "111122223333", "time": "2024-06-01T00:00:00Z", "region": "us-east-1", "resources": [], "detail": {"n": 1}}
`

const k8s = `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker-%d}
spec:
  replicas: 1
  template:
    spec:
      containers: [{name: w, image: example/w:1}]
`
