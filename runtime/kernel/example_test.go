package kernel_test

import (
	"errors"
	"fmt"

	"github.com/patternc/patternc/runtime/kernel"
)

// A service's error carries AWS's code; callers decide by meaning, never by
// message text.
func Example() {
	err := fmt.Errorf("delete rule: %w", kernel.ResourceNotFound("Rule %s does not exist on EventBus %s.", "ship", "orders"))
	var apiErr *kernel.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Code, apiErr.HTTPStatus, apiErr.SenderFault)
	}
	fmt.Println(errors.Is(err, kernel.ErrNoResource))

	arn, _ := kernel.ParseARN("arn:aws:events:us-east-1:123456789012:rule/orders/ship")
	fmt.Println(arn.Service, arn.ResourceType(), arn.ResourceID())
	// Output:
	// ResourceNotFoundException 400 true
	// true
	// events rule orders/ship
}
