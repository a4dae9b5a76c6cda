package console_test

import (
	"fmt"

	"github.com/patternc/patternc/runtime/console"
)

func ExampleTry() {
	out, _ := console.Try(console.Trial{Pattern: "{\n  \"source\": \"shop\"\n}"})
	d := out.Diagnostics[0]
	fmt.Printf("%s at line %d, column %d\n%s\n%*s^\n", d.Code, d.Line, d.Column+1, d.Text, d.Column, "")
	// Output:
	// E102 at line 2, column 13
	//   "source": "shop"
	//             ^
}
