package status

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/store"
)

const httpFunctionsBucket = "status-http-functions"

// HTTPFunction is a function served by an HTTP endpoint
// (PUT /v1/functions/{name}, §7.2).
type HTTPFunction struct {
	Handler struct {
		URL            string `json:"url"`
		TimeoutSeconds int    `json:"timeoutSeconds,omitempty"`
	} `json:"handler"`
	ReservedConcurrency *int `json:"reservedConcurrency"`
}

func (s *Server) loadHTTPFunctions(ctx context.Context) error {
	var bad error
	err := s.env.Store.Scan(ctx, httpFunctionsBucket, nil, nil, func(k, v []byte) bool {
		var f HTTPFunction
		if bad = json.Unmarshal(v, &f); bad != nil {
			return false
		}
		s.registerHTTP(string(k), f)
		return true
	})
	if err == nil {
		err = bad
	}
	return err
}

func (s *Server) putFunction(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	var f HTTPFunction
	if err == nil {
		err = json.Unmarshal(body, &f)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestContentException", "the body is not a function definition: "+fmt.Sprint(err))
		return
	}
	if u, err := url.Parse(f.Handler.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		writeError(w, http.StatusBadRequest, "InvalidParameterValueException", fmt.Sprintf("handler.url %q is not an http or https URL", f.Handler.URL))
		return
	}
	if f.Handler.TimeoutSeconds < 0 || f.Handler.TimeoutSeconds > 900 {
		writeError(w, http.StatusBadRequest, "InvalidParameterValueException", "handler.timeoutSeconds must be from 1 to 900")
		return
	}
	if rc := f.ReservedConcurrency; rc != nil && (*rc < 0 || *rc > 1000) {
		writeError(w, http.StatusBadRequest, "InvalidParameterValueException", "reservedConcurrency must be from 0 to 1000")
		return
	}
	data, _ := json.Marshal(f)
	var b store.Batch
	b.Put(httpFunctionsBucket, []byte(name), data)
	if err := s.env.Store.Apply(r.Context(), &b); err != nil {
		writeError(w, http.StatusServiceUnavailable, "ServiceUnavailable", err.Error())
		return
	}
	s.registerHTTP(name, f)
	writeJSON(w, http.StatusOK, map[string]any{"functionArn": s.d.FunctionARN(name), "handler": f.Handler, "reservedConcurrency": f.ReservedConcurrency})
}

// registerHTTP makes the dispatcher run name by POSTing the payload to
// its URL: 2xx is success (the body is the result), 429 a throttle,
// anything else — another status, a timeout, no connection — a function
// error, typed from a JSON body {errorType, errorMessage} when there is
// one (runtime.md §6.3).
func (s *Server) registerHTTP(name string, f HTTPFunction) {
	timeout := time.Duration(f.Handler.TimeoutSeconds) * time.Second
	if timeout == 0 {
		timeout = 3 * time.Second
	}
	client := &http.Client{Timeout: timeout}
	target := f.Handler.URL
	s.d.Register(name, func(ctx context.Context, payload []byte) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(payload))
		if err != nil {
			return nil, &lambda.FunctionError{Type: "Runtime.InvalidEndpoint", Message: err.Error()}
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Lambda-Runtime-Aws-Request-Id", lambda.RequestIDFrom(ctx))
		resp, err := client.Do(req)
		if err != nil {
			return nil, &lambda.FunctionError{Type: "Runtime.HTTPError", Message: err.Error()}
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 6<<20))
		switch {
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return body, nil
		case resp.StatusCode == http.StatusTooManyRequests:
			return nil, fmt.Errorf("%s answered 429: %w", target, kernel.ErrThrottled)
		}
		var e struct{ ErrorType, ErrorMessage string }
		json.Unmarshal(body, &e)
		if e.ErrorType == "" {
			e.ErrorType = "Runtime.HTTPStatus" + fmt.Sprint(resp.StatusCode)
		}
		if e.ErrorMessage == "" {
			e.ErrorMessage = fmt.Sprintf("%s answered %s", target, resp.Status)
		}
		return nil, &lambda.FunctionError{Type: e.ErrorType, Message: e.ErrorMessage}
	}, lambda.FunctionOptions{ReservedConcurrency: f.ReservedConcurrency})
}

// eventInvokeConfig is §6.2's config with AWS's field names.
type eventInvokeConfig struct {
	FunctionArn              string `json:"FunctionArn,omitempty"`
	MaximumRetryAttempts     *int   `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int   `json:"MaximumEventAgeInSeconds,omitempty"`
	DestinationConfig        *struct {
		OnSuccess *struct{ Destination string } `json:"OnSuccess,omitempty"`
		OnFailure *struct{ Destination string } `json:"OnFailure,omitempty"`
	} `json:"DestinationConfig,omitempty"`
}

func readConfig(w http.ResponseWriter, r *http.Request) (lambda.EventInvokeConfig, bool) {
	var in eventInvokeConfig
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		err = dec.Decode(&in)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestContentException", "the body is not an event invoke config: "+err.Error())
		return lambda.EventInvokeConfig{}, false
	}
	c := lambda.EventInvokeConfig{MaximumRetryAttempts: in.MaximumRetryAttempts, MaximumEventAgeInSeconds: in.MaximumEventAgeInSeconds}
	if d := in.DestinationConfig; d != nil {
		if d.OnSuccess != nil {
			c.OnSuccess = d.OnSuccess.Destination
		}
		if d.OnFailure != nil {
			c.OnFailure = d.OnFailure.Destination
		}
	}
	return c, true
}

func (s *Server) writeConfig(w http.ResponseWriter, name string) {
	c, err := s.d.GetEventInvokeConfig(name)
	if err != nil {
		writeErr(w, err)
		return
	}
	out := map[string]any{"FunctionArn": s.d.FunctionARN(name), "MaximumRetryAttempts": c.MaximumRetryAttempts, "MaximumEventAgeInSeconds": c.MaximumEventAgeInSeconds}
	dc := map[string]any{}
	if c.OnSuccess != "" {
		dc["OnSuccess"] = map[string]string{"Destination": c.OnSuccess}
	}
	if c.OnFailure != "" {
		dc["OnFailure"] = map[string]string{"Destination": c.OnFailure}
	}
	out["DestinationConfig"] = dc
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) putConfig(w http.ResponseWriter, r *http.Request) {
	c, ok := readConfig(w, r)
	if !ok {
		return
	}
	if err := s.d.PutEventInvokeConfig(r.PathValue("name"), c); err != nil {
		writeErr(w, err)
		return
	}
	s.writeConfig(w, r.PathValue("name"))
}

func (s *Server) updateConfig(w http.ResponseWriter, r *http.Request) {
	c, ok := readConfig(w, r)
	if !ok {
		return
	}
	if err := s.d.UpdateEventInvokeConfig(r.PathValue("name"), c); err != nil {
		writeErr(w, err)
		return
	}
	s.writeConfig(w, r.PathValue("name"))
}

func (s *Server) getConfig(w http.ResponseWriter, r *http.Request) {
	s.writeConfig(w, r.PathValue("name"))
}

func (s *Server) deleteConfig(w http.ResponseWriter, r *http.Request) {
	if err := s.d.DeleteEventInvokeConfig(r.PathValue("name")); err != nil {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
