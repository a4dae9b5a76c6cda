package patterngen_test

import (
	"fmt"

	"github.com/patternc/patternc/internal/patterngen"
)

func ExampleGen() {
	g := patterngen.New(3)
	p := g.Pattern()
	fmt.Println(len(p) > 2 && p[0] == '{')
	// The same seed gives the same pattern.
	fmt.Println(patterngen.New(3).Pattern() == p)
	// Output:
	// true
	// true
}
