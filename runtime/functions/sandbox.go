package functions

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// initTimeout bounds a process's start, up to its first request for work
// [AWS: the init phase is limited to 10 s].
const initTimeout = 10 * time.Second

// sandbox is one running process of a function — Lambda's execution
// environment — with its own Runtime API endpoint and log stream.
type sandbox struct {
	fn      *function
	svc     *Service
	cmd     *exec.Cmd
	api     *runtimeAPI
	srv     *http.Server
	out     *output
	stream  string
	started time.Time

	exited  chan struct{}
	exitErr error

	warm     bool         // has answered an invocation
	current  atomic.Value // string: the invocation whose START line was written last
	lastUsed time.Time
	stopOnce sync.Once
}

// command is how the process of a runtime starts.
func (s *Service) command(fn *function) (*exec.Cmd, error) {
	switch family(fn.Spec.Runtime) {
	case "provided":
		path := fn.codeDir + "/bootstrap"
		if _, err := os.Stat(path); err != nil {
			return nil, &ErrorBody{ErrorType: "Runtime.InvalidEntrypoint", ErrorMessage: "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"}
		}
		return exec.Command(path), nil
	case "python":
		client, err := s.clientPath("bootstrap.py")
		if err != nil {
			return nil, err
		}
		return exec.Command(s.python(), "-u", client), nil
	case "nodejs":
		client, err := s.clientPath("bootstrap.js")
		if err != nil {
			return nil, err
		}
		return exec.Command(s.cfg.Node, client), nil
	}
	return nil, fmt.Errorf("functions: runtime %q cannot run", fn.Spec.Runtime)
}

func (e *ErrorBody) Error() string { return e.ErrorType + ": " + e.ErrorMessage }

// startSandbox starts a process of fn. It returns once the process runs;
// invoke waits for it to be ready.
func (s *Service) startSandbox(fn *function) (*sandbox, error) {
	cmd, err := s.command(fn)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	api := newRuntimeAPI()
	srv := &http.Server{Handler: api.handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)

	pr, pw, err := os.Pipe()
	if err != nil {
		srv.Close()
		return nil, err
	}
	now := time.Now()
	sb := &sandbox{fn: fn, svc: s, cmd: cmd, api: api, srv: srv, stream: newStreamName(now), started: now, exited: make(chan struct{})}
	cmd.Dir = fn.codeDir
	cmd.Env = s.environment(fn, ln.Addr().String(), sb.stream)
	cmd.Stdout, cmd.Stderr = pw, pw
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		srv.Close()
		return nil, err
	}
	pw.Close() // the child holds the write end now
	sb.out = newOutput(pr, s.cfg.OutputLimit, &s.stats.outputDropped)
	s.stats.starts.Add(1)
	go func() {
		sb.exitErr = cmd.Wait()
		close(sb.exited)
	}()
	return sb, nil
}

// environment is the process's environment [AWS's names]: the runtime's
// own variables, then the function's Environment.Variables (which may not
// replace the reserved ones).
func (s *Service) environment(fn *function, api, stream string) []string {
	sp := fn.Spec
	env := map[string]string{
		"PATH":                            os.Getenv("PATH"),
		"LANG":                            "en_US.UTF-8",
		"TZ":                              ":UTC",
		"AWS_LAMBDA_RUNTIME_API":          api,
		"_HANDLER":                        sp.Handler,
		"AWS_REGION":                      s.env.Region,
		"AWS_DEFAULT_REGION":              s.env.Region,
		"AWS_EXECUTION_ENV":               "AWS_Lambda_" + sp.Runtime,
		"AWS_LAMBDA_FUNCTION_NAME":        sp.Name,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(sp.MemorySize),
		"AWS_LAMBDA_LOG_GROUP_NAME":       LogGroup(sp.Name),
		"AWS_LAMBDA_LOG_STREAM_NAME":      stream,
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"LAMBDA_TASK_ROOT":                fn.codeDir,
		"LAMBDA_RUNTIME_DIR":              s.clientsDir(),
		"PYTHONUNBUFFERED":                "1",
	}
	if home := os.Getenv("HOME"); home != "" {
		env["HOME"] = home
	}
	for k, v := range s.cfg.Env {
		env[k] = v
	}
	for k, v := range sp.Environment {
		if _, reserved := env[k]; !reserved || k == "PATH" || k == "LANG" || k == "TZ" || k == "HOME" {
			env[k] = v
		}
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// failure is how an invocation ended when the process did not answer.
type failure struct {
	body  ErrorBody
	log   string // the platform line to log
	fatal bool   // the process is gone or must go
	stale bool   // the process was gone before it took the invocation
}

// invoke runs one invocation on the sandbox: it waits for the process to
// be ready (the cold start), hands the invocation over and waits for the
// answer, the process's exit, or the timeout.
func (sb *sandbox) invoke(ctx context.Context, inv *invocation, timeout time.Duration) (ans answer, initDur time.Duration, f *failure) {
	api := sb.api
	cold := !sb.warm
	if cold {
		timer := time.NewTimer(initTimeout)
		defer timer.Stop()
		select {
		case <-api.ready:
			initDur = api.readyAt.Sub(sb.started)
		case e := <-api.initErr:
			return answer{}, time.Since(sb.started), &failure{body: e, fatal: true}
		case <-sb.exited:
			return answer{}, time.Since(sb.started), sb.exitFailure(inv.id)
		case <-timer.C:
			return answer{}, initTimeout, &failure{fatal: true, body: ErrorBody{ErrorType: "Runtime.InitTimeout",
				ErrorMessage: fmt.Sprintf("RequestId: %s Error: the runtime did not ask for work within %s", inv.id, initTimeout)}}
		}
	}
	// START is written when the process takes the invocation (before it
	// gets the payload, so before anything it prints for it).
	inv.taken = func() {
		sb.out.begin()
		sb.out.platform(startLine(inv.id))
		sb.current.Store(inv.id)
	}
	inv.deadline = time.Now().Add(timeout)
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	timedOut := func() *failure {
		msg := timeoutMessage(time.Now(), inv.id, timeout)
		return &failure{fatal: true, log: msg, body: ErrorBody{ErrorType: "Sandbox.Timedout", ErrorMessage: msg}}
	}
	select {
	case api.next <- inv:
	case e := <-api.initErr:
		return answer{}, initDur, &failure{body: e, fatal: true}
	case <-sb.exited:
		f := sb.exitFailure(inv.id)
		// A warm process that ended while idle (aws-lambda-go exits after
		// reporting a panic) never saw this invocation: not its failure.
		f.stale = !cold
		return answer{}, initDur, f
	case <-timer.C:
		return answer{}, initDur, timedOut()
	case <-ctx.Done():
		return answer{}, initDur, &failure{fatal: true, body: ErrorBody{ErrorType: "Runtime.Cancelled", ErrorMessage: ctx.Err().Error()}}
	}
	select {
	case a := <-inv.result:
		sb.warm = true
		sb.out.settle(50 * time.Millisecond)
		return a, initDur, nil
	case <-sb.exited:
		return answer{}, initDur, sb.exitFailure(inv.id)
	case <-timer.C:
		return answer{}, initDur, timedOut()
	case <-ctx.Done():
		return answer{}, initDur, &failure{fatal: true, body: ErrorBody{ErrorType: "Runtime.Cancelled", ErrorMessage: ctx.Err().Error()}}
	}
}

// exitFailure is the error of a process that ended without answering
// [AWS: Runtime.ExitError].
func (sb *sandbox) exitFailure(id string) *failure {
	<-sb.exited
	sb.out.settle(50 * time.Millisecond)
	reason := "exit status 0"
	if sb.exitErr != nil {
		reason = strings.TrimPrefix(sb.exitErr.Error(), "exit status ")
		var ee *exec.ExitError
		if errors.As(sb.exitErr, &ee) && ee.Exited() {
			reason = "exit status " + strconv.Itoa(ee.ExitCode())
		} else {
			reason = sb.exitErr.Error()
		}
	}
	msg := fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %s", id, reason)
	return &failure{fatal: true, log: msg + "\nRuntime.ExitError", body: ErrorBody{ErrorType: "Runtime.ExitError", ErrorMessage: msg}}
}

// stop kills the process and closes its endpoint; its remaining output is
// flushed to the log.
func (sb *sandbox) stop() {
	sb.stopOnce.Do(func() {
		close(sb.api.closing)
		killProcessGroup(sb.cmd)
		select {
		case <-sb.exited:
		case <-time.After(5 * time.Second):
		}
		sb.srv.Close()
		select {
		case <-sb.out.done:
		case <-time.After(time.Second):
		}
		sb.out.pipe.Close()
		sb.svc.flush(sb)
		sb.svc.stats.stops.Add(1)
	})
}
