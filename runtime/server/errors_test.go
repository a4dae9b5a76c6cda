package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store"
)

// TestAPIErrorOf: what a service returns becomes the answer clients see.
// A store that cannot answer now, and a request whose deadline passed
// while it waited, are 503s the SDKs retry, not 500s: CI saw a cluster
// test fail on a 500 for a deadline a FIFO publish lock ran into.
func TestAPIErrorOf(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		code   string
		status int
		known  bool
	}{
		{"kernel error", kernel.Errorf("NotFoundException", 404, "no such thing"), "NotFoundException", 404, true},
		{"store unavailable", fmt.Errorf("jsstore: x: %w", store.ErrUnavailable), "ServiceUnavailable", http.StatusServiceUnavailable, false},
		{"deadline", fmt.Errorf("lock: %w", context.DeadlineExceeded), "ServiceUnavailable", http.StatusServiceUnavailable, false},
		{"anything else", errors.New("boom"), "InternalFailure", http.StatusInternalServerError, false},
	} {
		e, known := apiErrorOf(tc.err)
		if e.Code != tc.code || e.HTTPStatus != tc.status || known != tc.known {
			t.Errorf("%s: apiErrorOf(%v) = %s %d known=%v; want %s %d known=%v", tc.name, tc.err, e.Code, e.HTTPStatus, known, tc.code, tc.status, tc.known)
		}
	}
}
