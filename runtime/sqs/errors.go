package sqs

import "fmt"

// Error is an SQS API error: AWS's error shape name (QueueDoesNotExist,
// …), its message, the HTTP status and whether the caller is at fault.
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

// ErrQueueDoesNotExist is AWS's answer for an unknown queue.
var ErrQueueDoesNotExist = &Error{Code: "QueueDoesNotExist", Message: "The specified queue does not exist.", HTTPStatus: 400, SenderFault: true}
