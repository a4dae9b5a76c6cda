package kernel

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an API error as AWS reports it: a stable code, a message, the
// HTTP status and whether the caller is at fault (docs/semantics/runtime.md
// §0.2). Every service returns its request errors as *Error, so a front door
// renders any of them in any protocol without knowing the service.
type Error struct {
	Code        string
	Message     string
	HTTPStatus  int
	SenderFault bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is makes errors.Is work by meaning: an *Error whose code says "not found"
// is ErrNoResource, one whose code says "throttled" is ErrThrottled, and a
// target *Error with an empty Message stands for every error of its Code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNoResource:
		return e.NotFound()
	case ErrThrottled:
		return throttlingCodes[e.Code]
	}
	if t, ok := target.(*Error); ok {
		return t.Message == "" && t.Code == e.Code
	}
	return false
}

// NotFound reports whether the code names a missing resource, in any of the
// spellings AWS services use.
func (e *Error) NotFound() bool { return notFoundCodes[e.Code] }

// WithStatus returns a copy of e with another HTTP status (services differ:
// EventBridge answers ResourceNotFoundException with 400, Lambda with 404).
func (e *Error) WithStatus(status int) *Error {
	c := *e
	c.HTTPStatus = status
	c.SenderFault = status < 500
	return &c
}

var notFoundCodes = map[string]bool{
	"ResourceNotFoundException":               true,
	"NotFound":                                true,
	"NotFoundException":                       true,
	"AWS.SimpleQueueService.NonExistentQueue": true,
	"QueueDoesNotExist":                       true,
}

var throttlingCodes = map[string]bool{
	"ThrottlingException":                    true,
	"Throttling":                             true,
	"Throttled":                              true,
	"TooManyRequestsException":               true,
	"RequestLimitExceeded":                   true,
	"ProvisionedThroughputExceededException": true,
}

// Errorf makes an *Error; a status below 500 is the sender's fault.
func Errorf(code string, status int, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg, HTTPStatus: status, SenderFault: status < 500}
}

// The errors AWS services answer most often. Each is a 400 unless its name
// says otherwise; services that answer with another status use WithStatus.

// Validation is ValidationException: a parameter breaks a constraint.
func Validation(format string, args ...any) *Error {
	return Errorf("ValidationException", http.StatusBadRequest, format, args...)
}

// ResourceNotFound is ResourceNotFoundException.
func ResourceNotFound(format string, args ...any) *Error {
	return Errorf("ResourceNotFoundException", http.StatusBadRequest, format, args...)
}

// ResourceAlreadyExists is ResourceAlreadyExistsException.
func ResourceAlreadyExists(format string, args ...any) *Error {
	return Errorf("ResourceAlreadyExistsException", http.StatusBadRequest, format, args...)
}

// LimitExceeded is LimitExceededException: a quota is reached.
func LimitExceeded(format string, args ...any) *Error {
	return Errorf("LimitExceededException", http.StatusBadRequest, format, args...)
}

// InvalidParameter is SNS's InvalidParameter.
func InvalidParameter(format string, args ...any) *Error {
	return Errorf("InvalidParameter", http.StatusBadRequest, format, args...)
}

// Throttling is ThrottlingException; errors.Is(err, ErrThrottled) holds.
func Throttling(format string, args ...any) *Error {
	return Errorf("ThrottlingException", http.StatusBadRequest, format, args...)
}

// Internal is InternalFailure, the service's fault (500).
func Internal(format string, args ...any) *Error {
	return Errorf("InternalFailure", http.StatusInternalServerError, format, args...)
}

// ServiceUnavailable is ServiceUnavailableException (503): try again later.
func ServiceUnavailable(format string, args ...any) *Error {
	return Errorf("ServiceUnavailableException", http.StatusServiceUnavailable, format, args...)
}

// The sentinels classify failures the same way in every service. Wrap them
// (fmt.Errorf("…: %w", ErrThrottled)) or return an *Error whose code means
// the same; errors.Is sees both.
var (
	// ErrNoResource: an ARN names nothing that exists. A bus target reports
	// it as NO_RESOURCE and never retries it.
	ErrNoResource = errors.New("no such resource")
	// ErrThrottled: the receiver cannot take the message now (a full
	// queue, a reserved-concurrency cap, a Go handler saying "later"); it
	// is retried and reported as THROTTLING.
	ErrThrottled = errors.New("throttled")
	// ErrPermanent: retrying cannot help; the delivery goes straight to the
	// dead-letter queue.
	ErrPermanent = errors.New("permanent failure")
)
