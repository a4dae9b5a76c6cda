package functions

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// MaxResponseSize is the largest result a function may return
// synchronously [AWS: 6 MB].
const MaxResponseSize = 6291556

// maxErrorBody bounds an error document posted by a runtime [P].
const maxErrorBody = 1 << 20

// ErrorBody is a function error as runtimes report it and Invoke returns
// it [AWS].
type ErrorBody struct {
	ErrorMessage string          `json:"errorMessage"`
	ErrorType    string          `json:"errorType"`
	StackTrace   json.RawMessage `json:"stackTrace,omitempty"`
}

// JSON is the error document, with stackTrace always present.
func (e *ErrorBody) JSON() []byte {
	st := e.StackTrace
	if len(st) == 0 || !json.Valid(st) {
		st = json.RawMessage("[]")
	}
	b, _ := json.Marshal(struct {
		ErrorMessage string          `json:"errorMessage"`
		ErrorType    string          `json:"errorType"`
		StackTrace   json.RawMessage `json:"stackTrace"`
	}{e.ErrorMessage, e.ErrorType, st})
	return b
}

// invocation is one request handed to a process.
type invocation struct {
	id            string
	payload       []byte
	deadline      time.Time
	functionARN   string
	traceID       string
	clientContext string
	result        chan answer // buffered: the first answer is the one that counts
	taken         func()      // called when a process takes it, before it gets the payload
}

// answer is what the process said about an invocation.
type answer struct {
	payload []byte
	err     *ErrorBody
}

// runtimeAPI is the Lambda Runtime API (2018-06-01) of one process,
// served on its own loopback port: AWS gives each execution environment
// its own endpoint, and so the answer to GET next belongs to exactly one
// process, which is what lets a timeout kill the right one.
type runtimeAPI struct {
	next    chan *invocation
	initErr chan ErrorBody // the process reported a failed start
	ready   chan struct{}  // closed at the first GET next
	readyAt time.Time
	closing chan struct{}
	once    sync.Once

	mu       sync.Mutex
	current  *invocation
	answered []string // recent ids already answered (403 on a second answer)
}

func newRuntimeAPI() *runtimeAPI {
	return &runtimeAPI{next: make(chan *invocation), initErr: make(chan ErrorBody, 1),
		ready: make(chan struct{}), closing: make(chan struct{})}
}

func (a *runtimeAPI) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", a.getNext)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", a.postResponse)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", a.postError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", a.postInitError)
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, typ, msg string) {
	writeJSON(w, status, map[string]string{"errorMessage": msg, "errorType": typ})
}

func (a *runtimeAPI) getNext(w http.ResponseWriter, r *http.Request) {
	a.once.Do(func() { a.readyAt = time.Now(); close(a.ready) })
	var inv *invocation
	select {
	case inv = <-a.next:
	case <-a.closing:
		apiError(w, http.StatusGone, "Runtime.Shutdown", "the execution environment is shutting down")
		return
	case <-r.Context().Done():
		return
	}
	a.mu.Lock()
	a.current = inv
	a.mu.Unlock()
	if inv.taken != nil {
		inv.taken()
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", inv.functionARN)
	h.Set("Lambda-Runtime-Trace-Id", inv.traceID)
	if inv.clientContext != "" {
		h.Set("Lambda-Runtime-Client-Context", inv.clientContext)
	}
	w.WriteHeader(http.StatusOK)
	w.Write(inv.payload)
}

// claim returns the invocation id names if it is the one in progress and
// not yet answered, else writes the error the Runtime API gives.
func (a *runtimeAPI) claim(w http.ResponseWriter, id string) *invocation {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.current != nil && a.current.id == id {
		inv := a.current
		a.current = nil
		a.answered = append(a.answered, id)
		if len(a.answered) > 64 {
			a.answered = a.answered[1:]
		}
		return inv
	}
	for _, done := range a.answered {
		if done == id {
			apiError(w, http.StatusForbidden, "InvalidStateTransition", fmt.Sprintf("Invalid state transition: invocation %s has already been answered", id))
			return nil
		}
	}
	apiError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID: "+id)
	return nil
}

// read reads at most limit bytes of r's body; over reports a larger one.
func read(r *http.Request, limit int64) (body []byte, over bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
	if int64(len(body)) > limit {
		return nil, true, nil
	}
	return body, false, err
}

func (a *runtimeAPI) postResponse(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body, over, err := read(r, MaxResponseSize)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	inv := a.claim(w, id)
	if inv == nil {
		return
	}
	if over {
		apiError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", fmt.Sprintf("Exceeded maximum allowed payload size (%d bytes).", MaxResponseSize))
		inv.result <- answer{err: &ErrorBody{ErrorType: "Function.ResponseSizeTooLarge",
			ErrorMessage: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponseSize)}}
		return
	}
	inv.result <- answer{payload: body}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "OK"})
}

// errorBody reads an error document; a body that is not one still fails
// the invocation, typed by the Lambda-Runtime-Function-Error-Type header.
func errorBody(r *http.Request) (ErrorBody, error) {
	body, over, err := read(r, maxErrorBody)
	if err != nil {
		return ErrorBody{}, err
	}
	var e ErrorBody
	if over || json.Unmarshal(body, &e) != nil {
		e = ErrorBody{ErrorMessage: "the runtime posted an error document that is not valid JSON or over 1 MB"}
	}
	if e.ErrorType == "" {
		e.ErrorType = r.Header.Get("Lambda-Runtime-Function-Error-Type")
	}
	if e.ErrorType == "" {
		e.ErrorType = "Runtime.Unknown"
	}
	return e, nil
}

func (a *runtimeAPI) postError(w http.ResponseWriter, r *http.Request) {
	e, err := errorBody(r)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	inv := a.claim(w, r.PathValue("id"))
	if inv == nil {
		return
	}
	inv.result <- answer{err: &e}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "OK"})
}

func (a *runtimeAPI) postInitError(w http.ResponseWriter, r *http.Request) {
	e, err := errorBody(r)
	if err != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	select {
	case a.initErr <- e:
	default:
		apiError(w, http.StatusForbidden, "InvalidStateTransition", "Invalid state transition: init error already reported")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "OK"})
}

var errClosed = errors.New("functions: execution environment closed")
