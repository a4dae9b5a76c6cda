package sns

import "github.com/patternc/patternc/runtime/kernel"

// SNS answers with its own codes (awsQuery protocol): InvalidParameter,
// ParameterValueInvalid, NotFound (404), and the batch codes.

func invalid(format string, a ...any) *kernel.Error {
	return kernel.InvalidParameter(format, a...)
}

func paramValue(format string, a ...any) *kernel.Error {
	return kernel.Errorf("ParameterValueInvalid", 400, format, a...)
}

func batchErr(code, msg string) *kernel.Error {
	return kernel.Errorf(code, 400, "%s", msg)
}

var (
	errTopicNotFound = kernel.Errorf("NotFound", 404, "Topic does not exist")
	errSubNotFound   = kernel.Errorf("NotFound", 404, "Subscription does not exist")
)
