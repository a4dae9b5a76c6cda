package corpus_test

import (
	"fmt"

	"github.com/patternc/patternc/corpus"
)

func ExampleCityLots() {
	n, size := 0, 0
	for ev := range corpus.CityLots(1, 1000) {
		n++
		size += len(ev)
	}
	fmt.Println(n, "events,", size/n/100*100, "bytes on average (to the hundred)")
	// Output: 1000 events, 900 bytes on average (to the hundred)
}
