package clock_test

import (
	"fmt"
	"time"

	"github.com/patternc/patternc/runtime/clock"
)

// A retry due in an hour fires as soon as the test advances the clock.
func ExampleFake() {
	clk := clock.NewFake(time.Date(2024, 6, 15, 10, 30, 0, 0, time.UTC))
	timer := clk.After(time.Hour)
	next, _ := clk.NextWait()
	clk.Advance(next.Sub(clk.Now()))
	fmt.Println((<-timer).Format(time.TimeOnly))
	// Output: 11:30:00
}
