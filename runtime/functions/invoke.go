package functions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
)

// MaxSyncPayload is the largest synchronous Invoke payload [AWS: 6 MB].
const MaxSyncPayload = 6 << 20

// InvokeOptions are the optional parts of an invocation.
type InvokeOptions struct {
	RequestID     string // default: a new UUID; async runs pass theirs
	ClientContext string // base64, as Lambda-Runtime-Client-Context
}

// Result is the outcome of one synchronous invocation.
type Result struct {
	RequestID string
	// Payload is the function's answer, or its error document when Error
	// is set (what Invoke returns with X-Amz-Function-Error: Unhandled).
	Payload []byte
	Error   *ErrorBody
	// LogTail is the invocation's last 4 KB of log (LogType=Tail).
	LogTail      []byte
	Cold         bool
	InitDuration time.Duration
	Duration     time.Duration
}

// FunctionError is the X-Amz-Function-Error value of r: "Unhandled" on a
// function error, "" on success.
func (r *Result) FunctionError() string {
	if r.Error != nil {
		return "Unhandled"
	}
	return ""
}

// ErrThrottled is wrapped by the error Invoke returns when the function
// has no concurrency left.
var ErrThrottled = kernel.ErrThrottled

func (s *Service) throttled(reason string) error {
	s.stats.throttles.Add(1)
	return kernel.Errorf("TooManyRequestsException", 429, "Rate Exceeded. (%s)", reason)
}

// Invoke runs the function once on a warm process, or a new one, and
// waits for its answer. An error is returned for requests that never
// reach the function (unknown function, payload too large, throttled);
// function errors, timeouts and crashes are in Result.Error.
func (s *Service) Invoke(ctx context.Context, nameOrARN string, payload []byte, opt InvokeOptions) (*Result, error) {
	fn, err := s.lookup(nameOrARN)
	if err != nil {
		return nil, err
	}
	if len(payload) > MaxSyncPayload {
		return nil, apiErr("RequestTooLargeException", fmt.Sprintf("Request must be smaller than %d bytes for the Invoke operation", MaxSyncPayload), 413)
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	limit := s.cfg.DefaultConcurrency
	if rc := fn.Spec.ReservedConcurrency; rc != nil {
		limit = *rc
	}
	if limit == 0 {
		return nil, s.throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
	}
	id := opt.RequestID
	if id == "" {
		id = uuid.NewString()
	}
	s.stats.invocations.Add(1)
	inv := &invocation{id: id, payload: payload, functionARN: s.ARN(fn.Spec.Name),
		traceID:       "Root=1-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:24] + ";Sampled=0",
		clientContext: opt.ClientContext, result: make(chan answer, 1)}
	var (
		sb      *sandbox
		cold    bool
		began   time.Time
		ans     answer
		initDur time.Duration
		fail    *failure
	)
	// A warm process found dead at hand-over did not fail this invocation:
	// it goes to another process, once.
	for try := 0; try < 2; try++ {
		var startNew bool
		sb, startNew = fn.pool.acquire(limit)
		if sb == nil && !startNew {
			return nil, s.throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
		}
		if startNew {
			if sb, err = s.startSandbox(fn); err != nil {
				fn.pool.cancelStart()
				var eb *ErrorBody
				if errors.As(err, &eb) {
					s.stats.errors.Add(1)
					return &Result{RequestID: id, Payload: eb.JSON(), Error: eb}, nil
				}
				return nil, apiErr("ServiceException", fmt.Sprintf("could not start the function's process: %v", err), 500)
			}
		}
		cold = !sb.warm
		began = time.Now()
		ans, initDur, fail = sb.invoke(ctx, inv, time.Duration(fn.Spec.Timeout)*time.Second)
		if fail == nil || !fail.stale {
			break
		}
		fn.pool.release(sb, false)
	}
	res := &Result{RequestID: id, Cold: cold, InitDuration: initDur, Duration: max(time.Since(began)-initDur, 0)}
	if fail != nil {
		if cur, _ := sb.current.Load().(string); cur != id { // failed before START: the lines still frame it
			sb.out.begin()
			sb.out.platform(startLine(id))
		}
		if fail.log != "" {
			for _, l := range strings.Split(fail.log, "\n") {
				sb.out.platform(l)
			}
		}
		res.Error = &fail.body
		res.Payload = fail.body.JSON()
		s.stats.errors.Add(1)
		switch fail.body.ErrorType {
		case "Sandbox.Timedout":
			s.stats.timeouts.Add(1)
		case "Runtime.ExitError":
			s.stats.crashes.Add(1)
		}
	} else if ans.err != nil {
		res.Error = ans.err
		res.Payload = ans.err.JSON()
		s.stats.errors.Add(1)
	} else {
		res.Payload = ans.payload
	}
	sb.out.platform(endLine(id))
	mem := 0
	if sb.cmd.Process != nil {
		mem = peakMemoryMB(sb.cmd.Process.Pid)
	}
	if cold {
		sb.out.platform(reportLine(id, res.Duration, fn.Spec.MemorySize, mem, initDur))
	} else {
		sb.out.platform(reportLine(id, res.Duration, fn.Spec.MemorySize, mem, 0))
	}
	res.LogTail = sb.out.finish()
	s.flush(sb)
	// After an oversized response a runtime may give up (aws-lambda-go
	// exits): the process is not trusted with more work.
	oversized := ans.err != nil && ans.err.ErrorType == "Function.ResponseSizeTooLarge"
	healthy := (fail == nil || !fail.fatal) && !oversized && !fn.retired.Load()
	fn.pool.release(sb, healthy)
	return res, nil
}

// Handler is the function as a handler of the async dispatcher: a
// function error becomes a lambda.FunctionError (retried by the
// dispatcher's rules), no concurrency a throttle.
func (s *Service) Handler(name string) lambda.Handler {
	return func(ctx context.Context, payload []byte) ([]byte, error) {
		res, err := s.Invoke(ctx, name, payload, InvokeOptions{RequestID: lambda.RequestIDFrom(ctx)})
		if ctx.Err() != nil {
			// The dispatcher is stopping: not a run of the function (the
			// attempt is not counted; it runs again after the restart).
			return nil, fmt.Errorf("functions: %s interrupted by shutdown: %w", name, kernel.ErrThrottled)
		}
		if err != nil {
			return nil, err
		}
		if res.Error != nil {
			return nil, &lambda.FunctionError{Type: res.Error.ErrorType, Message: res.Error.ErrorMessage}
		}
		return res.Payload, nil
	}
}
