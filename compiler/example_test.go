package compiler_test

import (
	"fmt"

	"github.com/patternc/patternc/compiler"
)

func Example() {
	p, err := compiler.Compile([]byte(`{"source": ["aws.ec2"], "detail": {"state": [{"anything-but": "running"}]}}`), compiler.EventBridge, nil)
	if err != nil {
		panic(err)
	}
	event := []byte(`{"id": "1", "account": "123456789012", "source": "aws.ec2", "time": "2024-01-01T00:00:00Z",
		"region": "us-east-1", "detail-type": "EC2 Instance State-change Notification", "detail": {"state": "stopped"}}`)
	ex, err := compiler.Explain(p, event)
	if err != nil {
		panic(err)
	}
	fmt.Println(ex.Matched)
	for _, line := range ex.Lines {
		fmt.Println(line)
	}
	// Output:
	// true
	// detail.state: "stopped" matches {"anything-but": "running"}
	// source: "aws.ec2" matches "aws.ec2"
}

func ExampleCompile_error() {
	_, err := compiler.Compile([]byte(`{"detail": {"n": [{"numeric": [">", 9, "<", 2]}]}}`), compiler.EventBridge, nil)
	d := err.(compiler.ErrorList)[0]
	fmt.Println(d.Code, d.Pos.Line, d.Pos.Col, d.Reason)
	// Output: E206 1 45 Bottom must be less than top
}
