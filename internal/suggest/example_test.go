package suggest_test

import (
	"fmt"

	"github.com/patternc/patternc/internal/suggest"
)

func Example() {
	ops := []string{"prefix", "suffix", "anything-but"}
	fmt.Println(suggest.Closest("anything_but", ops), suggest.Closest("prefx", ops))
	// Output: anything-but prefix
}
