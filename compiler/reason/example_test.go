package reason_test

import (
	"fmt"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/reason"
)

func ExampleCompare() {
	old, _ := compiler.Compile([]byte(`{"detail": {"state": ["running"]}}`), compiler.EventBridge, nil)
	new, _ := compiler.Compile([]byte(`{"detail": {"state": [{"prefix": "run"}]}}`), compiler.EventBridge, nil)
	d, _ := reason.Compare(old, new)
	fmt.Println(d.Verdict)
	fmt.Println(d.Added.New.Lines[0])
	fmt.Println(d.Removed == nil)
	// Output:
	// different
	// detail.state: "run" matches {"prefix": "run"}
	// true
}

func ExampleNeverMatches() {
	p, _ := compiler.Compile([]byte(`{"source": [{"exists": false}]}`), compiler.EventBridge, nil)
	dead, _ := reason.NeverMatches(p)
	fmt.Println(dead[0].Reason)
	// Output:
	// every EventBridge event carries source: {"exists": false} never holds
}
