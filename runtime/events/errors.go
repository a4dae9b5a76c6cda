package events

import "github.com/patternc/patternc/runtime/kernel"

// EventBridge's request errors are kernel.Errors (awsJson: 400 unless the
// service is at fault).

func apiErr(code, format string, args ...any) *kernel.Error {
	return kernel.Errorf(code, 400, format, args...)
}

func validation(format string, args ...any) *kernel.Error {
	return kernel.Validation(format, args...)
}

func notFound(format string, args ...any) *kernel.Error {
	return kernel.ResourceNotFound(format, args...)
}
