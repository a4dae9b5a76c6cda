package source_test

import (
	"fmt"

	"github.com/patternc/patternc/compiler/source"
)

func ExampleParseJSON() {
	v, err := source.ParseJSON([]byte("{\"n\": [3e2],\n \"n\": [1]}"), source.Limits{})
	if err != nil {
		panic(err)
	}
	for _, m := range v.Members {
		fmt.Printf("%s at %d:%d = %s\n", m.Key, m.KeyPos.Line, m.KeyPos.Col, m.Value.Elems[0].Text)
	}
	// Output:
	// n at 1:2 = 3e2
	// n at 2:2 = 1
}
