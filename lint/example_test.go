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
