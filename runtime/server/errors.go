package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
)

// apiError is an error as the wire shows it: AWS's code and message, the
// HTTP status and whether the caller is at fault. The runtime's services
// return kernel.Errors; apiErrorOf reads them into this, and the server's
// own protocol-level failures are made here.
type apiError struct {
	Code       string
	Message    string
	HTTPStatus int
	Sender     bool
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...), HTTPStatus: status, Sender: status < 500}
}

// apiErrorOf renders any error a service returned. Errors that are not
// API errors are the server's fault: InternalFailure, logged by the caller.
func apiErrorOf(err error) (*apiError, bool) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae, true
	}
	var ke *kernel.Error
	if errors.As(err, &ke) {
		return &apiError{Code: ke.Code, Message: ke.Message, HTTPStatus: status(ke.HTTPStatus), Sender: ke.SenderFault}, true
	}
	if errors.Is(err, store.ErrUnavailable) {
		// The JetStream cluster has no quorum (or the connection is moving
		// to another node): nothing was acknowledged; SDKs retry 503s.
		return &apiError{Code: "ServiceUnavailable", Message: "The store is unavailable (no JetStream quorum); retry.", HTTPStatus: http.StatusServiceUnavailable}, false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// The request's own deadline passed while it waited (a FIFO
		// topic's publish lock held by a killed instance until its lease
		// lapses, say): nothing was acknowledged, and a retry may succeed.
		return &apiError{Code: "ServiceUnavailable", Message: "The request did not complete in time; retry.", HTTPStatus: http.StatusServiceUnavailable}, false
	}
	return &apiError{Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure.", HTTPStatus: http.StatusInternalServerError}, false
}

func status(s int) int {
	if s == 0 {
		return http.StatusBadRequest
	}
	return s
}

// Protocol-level failures. Each protocol renders them in its own shape
// and, where AWS uses different codes, with its own code (see codeFor).
var (
	errThrottled = errf(http.StatusBadRequest, "ThrottlingException", "Rate exceeded")
	errTooLarge  = errf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body is larger than the limit of %d bytes.", maxBody)
)
