package kernel

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorIsByCode(t *testing.T) {
	tests := []struct {
		err                   error
		noResource, throttled bool
	}{
		{ResourceNotFound("Rule r does not exist on EventBus default."), true, false},
		{Errorf("NotFound", 404, "Topic does not exist"), true, false},
		{Errorf("AWS.SimpleQueueService.NonExistentQueue", 400, "The specified queue does not exist."), true, false},
		{ResourceNotFound("x").WithStatus(404), true, false},
		{fmt.Errorf("wrapped: %w", ResourceNotFound("x")), true, false},
		{Throttling("Rate exceeded"), false, true},
		{Errorf("TooManyRequestsException", 429, "Rate exceeded"), false, true},
		{fmt.Errorf("handler: %w", ErrThrottled), false, true},
		{Validation("Rule does not exist"), false, false}, // the text says so; the code decides
		{Internal("boom"), false, false},
	}
	for _, tt := range tests {
		if got := errors.Is(tt.err, ErrNoResource); got != tt.noResource {
			t.Errorf("errors.Is(%v, ErrNoResource) = %v", tt.err, got)
		}
		if got := errors.Is(tt.err, ErrThrottled); got != tt.throttled {
			t.Errorf("errors.Is(%v, ErrThrottled) = %v", tt.err, got)
		}
		if errors.Is(tt.err, ErrPermanent) {
			t.Errorf("errors.Is(%v, ErrPermanent)", tt.err)
		}
	}
}

func TestErrorAsAndCodeTemplate(t *testing.T) {
	err := fmt.Errorf("put rule: %w", Validation("Rule name too long"))
	var e *Error
	if !errors.As(err, &e) || e.Code != "ValidationException" || e.HTTPStatus != 400 || !e.SenderFault {
		t.Fatalf("errors.As: %+v", e)
	}
	if !errors.Is(err, &Error{Code: "ValidationException"}) {
		t.Error("an empty-message *Error should stand for its code")
	}
	if errors.Is(err, &Error{Code: "ValidationException", Message: "other"}) {
		t.Error("an *Error with a message is one error, not a code")
	}
	if errors.Is(err, &Error{Code: "InvalidParameter"}) {
		t.Error("another code matched")
	}
	if s := Internal("disk %s", "full"); s.SenderFault || s.HTTPStatus != 500 || s.Error() != "InternalFailure: disk full" {
		t.Errorf("Internal: %+v", s)
	}
	orig := ResourceNotFound("f")
	if c := orig.WithStatus(404); c.HTTPStatus != 404 || orig.HTTPStatus != 400 {
		t.Errorf("WithStatus changed the original or missed: %d %d", c.HTTPStatus, orig.HTTPStatus)
	}
}
