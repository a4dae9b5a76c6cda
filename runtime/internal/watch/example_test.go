package watch_test

import (
	"fmt"

	"github.com/patternc/patternc/runtime/internal/watch"
)

func Example() {
	var routed watch.List[string]
	stop := routed.Add(func(id string) { fmt.Println("routed", id) })
	if routed.Active() { // build the value only when someone watches
		routed.Emit("e-1")
	}
	stop()
	routed.Emit("e-2") // nobody hears it
	// Output: routed e-1
}
