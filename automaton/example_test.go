package automaton_test

import (
	"fmt"

	"github.com/patternc/patternc/automaton"
	"github.com/patternc/patternc/compiler"
)

func Example() {
	m := automaton.New(automaton.Config{})
	rules := map[automaton.ID]string{
		"ec2-running":  `{"source": ["aws.ec2"], "detail": {"state": ["running"]}}`,
		"any-ec2":      `{"source": [{"prefix": "aws."}]}`,
		"big-instance": `{"detail": {"vcpus": [{"numeric": [">=", 16]}]}}`,
	}
	for id, src := range rules {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			panic(err)
		}
		if err := m.Add(id, p); err != nil {
			panic(err)
		}
	}
	mt := m.NewMatcher() // one per goroutine
	ids, err := mt.Match(nil, []byte(`{"source": "aws.ec2", "detail": {"state": "running", "vcpus": 4}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(len(ids), "matches")
	// Output: 2 matches
}
