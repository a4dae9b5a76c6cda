package repogen_test

import (
	"fmt"
	"os"

	"github.com/patternc/patternc/bench/lintrepo/repogen"
)

func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "repogen-*")
	defer os.RemoveAll(dir)
	st, err := repogen.Write(dir, 100)
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Files, st.PatternFiles, st.Errors)
	// Output: 100 60 9
}
