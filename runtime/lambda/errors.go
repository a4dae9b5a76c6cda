package lambda

import (
	"github.com/patternc/patternc/runtime/kernel"
)

// FunctionError is an error with Lambda's errorType and errorMessage.
type FunctionError struct {
	Type    string
	Message string
	Handled bool
}

func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

func invalid(format string, args ...any) *kernel.Error {
	return kernel.Errorf("InvalidParameterValueException", 400, format, args...)
}

// noFunction is Lambda's answer for a function that does not exist.
func (d *Dispatcher) noFunction(name string) *kernel.Error {
	return kernel.ResourceNotFound("Function not found: %s", d.FunctionARN(name)).WithStatus(404)
}
