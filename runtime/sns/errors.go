package sns

import "fmt"

// Error is an SNS API error: AWS's code and message, the HTTP status and
// whether the caller is at fault.
type Error struct {
	Code        string
	Message     string
	HTTPStatus  int
	SenderFault bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func invalid(format string, a ...any) *Error {
	return &Error{Code: "InvalidParameter", Message: fmt.Sprintf(format, a...), HTTPStatus: 400, SenderFault: true}
}

func paramValue(format string, a ...any) *Error {
	return &Error{Code: "ParameterValueInvalid", Message: fmt.Sprintf(format, a...), HTTPStatus: 400, SenderFault: true}
}

func batchErr(code, msg string) *Error {
	return &Error{Code: code, Message: msg, HTTPStatus: 400, SenderFault: true}
}

var (
	errTopicNotFound = &Error{Code: "NotFound", Message: "Topic does not exist", HTTPStatus: 404, SenderFault: true}
	errSubNotFound   = &Error{Code: "NotFound", Message: "Subscription does not exist", HTTPStatus: 404, SenderFault: true}
)
