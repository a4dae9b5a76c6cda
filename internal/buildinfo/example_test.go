package buildinfo_test

import (
	"fmt"
	"strings"

	"github.com/patternc/patternc/internal/buildinfo"
)

func Example() {
	in := buildinfo.Read()
	// A test binary has no module version; a `go install …@v0.2.0` binary says v0.2.0.
	fmt.Println(strings.HasPrefix(in.String(), "patternc "), in.Short() != "")
	// Output: true true
}
