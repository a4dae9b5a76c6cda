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

// Rules keeps a set that changes one pattern at a time as fast to match
// as the set loaded at once.
func ExampleRules() {
	rules := automaton.NewRules(automaton.Config{})
	put := func(id automaton.ID, src string) {
		p, err := compiler.Compile([]byte(src), compiler.EventBridge, nil)
		if err != nil {
			panic(err)
		}
		if err := rules.Put(id, p); err != nil {
			panic(err)
		}
	}
	put("orders", `{"source": ["com.example.orders"]}`)
	put("big-orders", `{"source": ["com.example.orders"], "detail": {"total": [{"numeric": [">", 100]}]}}`)
	rules.Delete("orders")
	// Machine is the set as of the last write; match with it.
	ids, err := rules.Machine().MatchTrusted([]byte(`{"source": "com.example.orders", "detail": {"total": 250}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(ids)
	// Output: [big-orders]
}
