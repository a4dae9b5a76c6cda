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

// An SNS filter policy in the MessageAttributes scope is matched against
// the attributes of a Publish request.
func ExampleExplain_sns() {
	p, err := compiler.Compile([]byte(`{"store": ["example_corp"], "price_usd": [{"numeric": [">=", 100]}]}`), compiler.SNSAttributes, nil)
	if err != nil {
		panic(err)
	}
	req := []byte(`{"Message": "order 42", "MessageAttributes": {
		"store": {"DataType": "String", "StringValue": "example_corp"},
		"price_usd": {"DataType": "Number", "StringValue": "2.1075e2"}}}`)
	ex, err := compiler.Explain(p, req)
	if err != nil {
		panic(err)
	}
	fmt.Println(ex.Matched)
	for _, line := range ex.Lines {
		fmt.Println(line)
	}
	// Output:
	// true
	// price_usd: 2.1075e2 matches {"numeric": [">=", 100]}
	// store: "example_corp" matches "example_corp"
}

// ParsePublish exposes the flat attribute event that MessageAttributes
// policies see: Number keeps its text, String.Array becomes an array,
// Binary is ignored.
func ExampleParsePublish() {
	req, err := compiler.ParsePublish([]byte(`{"Message": "hi", "MessageAttributes": {
		"n": {"DataType": "Number", "StringValue": "3.0e2"},
		"tags": {"DataType": "String.Array", "StringValue": "[\"a\", 1, null]"},
		"raw": {"DataType": "Binary", "BinaryValue": "AAE="}}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(string(req.AttributesEvent()), req.HasAttributes())
	// Output: {"n":3.0e2,"tags":["a",1,null]} true
}
