package valueset_test

import (
	"fmt"

	"github.com/patternc/patternc/compiler"
	"github.com/patternc/patternc/compiler/valueset"
)

func ExampleLang() {
	// Values that start with "ab" but are not "ab" itself.
	l := valueset.Prefix("ab").Minus(valueset.Literal("ab"))
	w, _ := l.Witness()
	fmt.Println(w)
	empty, _ := valueset.Prefix("ab").Intersect(valueset.Suffix("x")).Minus(valueset.Wildcard([]string{"a", "x"})).IsEmpty()
	fmt.Println(empty)
	// Output:
	// abx
	// true
}

func ExampleOfField() {
	p, _ := compiler.Compile([]byte(`{"total": [{"numeric": [">", 100, "<=", 200]}, "n/a"]}`), compiler.EventBridge, nil)
	s := valueset.OfField(&p.Clauses[0].Fields[0])
	v, _ := s.Witness("")
	fmt.Println(v)
	in, _ := s.Contains(valueset.Value{JSON: "150.5"})
	fmt.Println(in)
	// Output:
	// "n/a"
	// true
}
