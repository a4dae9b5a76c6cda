package events

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
)

// TestTargetErrorsClassifiedBySentinel: a Go handler and a sink of another
// service that fail the same way get the same failure code. Before one set
// of sentinels, a handler returning the sink package's (or lambda's)
// ErrThrottled was a TARGET_SERVER_ERROR, and a sink's permanent failure a
// TARGET_SERVER_ERROR retried to the end.
func TestTargetErrorsClassifiedBySentinel(t *testing.T) {
	tests := []struct {
		err       error
		code      string
		retryable bool
	}{
		{fmt.Errorf("busy: %w", kernel.ErrThrottled), "THROTTLING", true},
		{kernel.Throttling("Rate exceeded"), "THROTTLING", true},
		{kernel.Errorf("TooManyRequestsException", 429, "Rate exceeded"), "THROTTLING", true},
		{fmt.Errorf("bad input: %w", kernel.ErrPermanent), "TARGET_CLIENT_ERROR", false},
		{fmt.Errorf("gone: %w", kernel.ErrNoResource), "NO_RESOURCE", false},
		{kernel.Errorf("NotFound", 404, "Topic does not exist"), "NO_RESOURCE", false},
		{errors.New("boom"), "TARGET_SERVER_ERROR", true},
	}
	s := newBare(t)
	for _, tt := range tests {
		err := tt.err
		s.RegisterHandler("arn:x:go:::h", func(context.Context, []byte) error { return err })
		s.env.Resolver = kernel.ResolverFunc(func(string) (kernel.Sink, error) { return failSink{err}, nil })
		for _, arn := range []string{"arn:x:go:::h", "arn:aws:sqs:us-east-1:000000000000:q"} {
			f := s.send(context.Background(), delivery{Target: Target{Arn: arn}}, []byte(`{}`))
			if f == nil || f.code != tt.code || f.retryable != tt.retryable {
				t.Errorf("%s returning %v: %+v, want %s (retryable %v)", arn, tt.err, f, tt.code, tt.retryable)
			}
		}
	}
}

type failSink struct{ err error }

func (f failSink) Send(context.Context, kernel.Message) error { return f.err }

// TestDeleteRuleMissing: an unknown rule is no error, an unknown bus is
// ResourceNotFoundException; decided by lookup and code, not by message.
func TestDeleteRuleMissing(t *testing.T) {
	s := newBare(t)
	if err := s.DeleteRule(context.Background(), "", "never-made"); err != nil {
		t.Errorf("unknown rule: %v", err)
	}
	err := s.DeleteRule(context.Background(), "no-such-bus", "r")
	var e *kernel.Error
	if !errors.As(err, &e) || e.Code != "ResourceNotFoundException" || !errors.Is(err, kernel.ErrNoResource) {
		t.Errorf("unknown bus: %v", err)
	}
}

// newBare is a service on bbolt that nothing runs: for tests that call its
// methods directly.
func newBare(t *testing.T) *Service {
	t.Helper()
	env, _ := testsupport.Env(t, testsupport.Bolt(), "", "")
	s, err := New(env, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
