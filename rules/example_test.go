package rules_test

import (
	"fmt"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/rules"
)

// Load finds the rules of one dialect in a file or a tree, the way
// patternc lint does, ready for automaton.Machine.AddAll.
func ExampleLoad() {
	set, err := rules.Load("../corpus/samples/eventbridge", compiler.EventBridge)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range set.IDs {
		fmt.Println(id)
	}
	// Output:
	// big-orders
	// cloudtrail-private-ip
	// ec2-running
	// s3-images
}
