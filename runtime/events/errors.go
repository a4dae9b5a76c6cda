package events

import (
	"errors"
	"fmt"
)

// Error is an API error with AWS's code and message.
type Error struct {
	Code        string
	Message     string
	HTTPStatus  int
	SenderFault bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func apiErr(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), HTTPStatus: 400, SenderFault: true}
}

func validation(format string, args ...any) *Error {
	return apiErr("ValidationException", format, args...)
}

func notFound(format string, args ...any) *Error {
	return apiErr("ResourceNotFoundException", format, args...)
}

// ErrThrottled, returned (wrapped) by a Go handler target, means "try again
// later": the delivery is retried and reported as THROTTLING.
var ErrThrottled = errors.New("throttled")

// ErrPermanent, returned (wrapped) by a Go handler target, means retrying
// cannot help: the delivery goes straight to the DLQ.
var ErrPermanent = errors.New("permanent failure")
