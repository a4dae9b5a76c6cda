package lint_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/patternc/patternc/lint"
)

func ExampleRun() {
	dir, _ := os.MkdirTemp("", "patternc-lint-*")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(`Resources:
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        detail_type: ["Order Placed"]
`), 0o644)
	res, err := lint.Run([]string{dir}, lint.Options{})
	if err != nil {
		panic(err)
	}
	for _, f := range res.Findings {
		fmt.Println(f.Line, f.Col, f.Code, f.Message)
	}
	// Output: 6 9 L104 "detail_type" is not an EventBridge envelope field; did you mean "detail-type"?
}

func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "patternc-load-*")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(`Resources:
  Orders:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: {source: [com.example.orders]}
  Staged:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: {source: [!Ref Source]}
  EuropeanOrders:
    Type: AWS::SNS::Subscription
    Properties:
      FilterPolicyScope: MessageBody
      FilterPolicy: {country: [PT, ES]}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name": "app"}`), 0o644)
	l, err := lint.Load([]string{dir}, lint.Options{})
	if err != nil {
		panic(err)
	}
	for _, r := range l.Rules {
		fmt.Println(r.Name, r.Dialect, filepath.Base(r.File), r.Pos.Line)
	}
	for _, r := range l.Computed {
		fmt.Println("computed:", r.Name)
	}
	// Output:
	// EuropeanOrders sns-body template.yaml 14
	// Orders eventbridge template.yaml 5
	// computed: Staged
}
