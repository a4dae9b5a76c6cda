package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/kernel"
)

// The restJson1 services that share patternc's /v1 prefix — Pipes
// (/v1/pipes) and Schemas (/v1/registries, /v1/discoverers, /v1/discover)
// and their /tags/{arn} paths — are told apart from patternc's own API by
// the SigV4 credential scope (serve.md §2): a request signed for "pipes"
// or "schemas" is that service's. This file holds their router; the
// adapters are pipes.go-like files named pipes_api.go and schemas_api.go.

// restRoute is one operation of a restJson1 service: method and path
// pattern (segments literal or "{}" for a path parameter).
type restRoute struct {
	method, pattern, op string
	fn                  func(ctx context.Context, c *restCall) (int, any, error)
}

// restCall is one authenticated request to a restJson1 adapter.
type restCall struct {
	*call
	service string     // "pipes" or "schemas"
	params  []string   // the path parameters, unescaped, in order
	query   url.Values // the query string
	body    []byte
}

// restService is a restJson1 service served by scope.
type restService struct {
	name   string
	routes []restRoute
	// writeError renders an error in the service's shape.
	writeError func(w http.ResponseWriter, reqID string, e *apiError)
}

var restServices = map[string]*restService{}

// scopeService is the service named by the request's SigV4 credential
// scope (header or presigned query), or "".
func scopeService(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if cred == "" {
		auth := r.Header.Get("Authorization")
		_, rest, ok := strings.Cut(auth, "Credential=")
		if !ok {
			return ""
		}
		cred, _, _ = strings.Cut(rest, ",")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

// restServiceOf returns the scope-routed service a request is for, or nil.
func restServiceOf(r *http.Request) *restService {
	svc, ok := restServices[scopeService(r)]
	if !ok {
		return nil
	}
	p := r.URL.Path
	if strings.HasPrefix(p, "/v1/") || strings.HasPrefix(p, "/tags/") {
		return svc
	}
	return nil
}

func matchRest(routes []restRoute, method, escapedPath string) (*restRoute, []string, bool) {
	segs := strings.Split(strings.TrimSuffix(escapedPath, "/"), "/")
	pathKnown := false
	for i := range routes {
		rt := &routes[i]
		want := strings.Split(rt.pattern, "/")
		if len(want) != len(segs) {
			continue
		}
		var params []string
		ok := true
		for j, w := range want {
			if w == "{}" {
				n, err := url.PathUnescape(segs[j])
				if err != nil || n == "" {
					ok = false
					break
				}
				params = append(params, n)
			} else if w != segs[j] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		pathKnown = true
		if rt.method == method {
			return rt, params, true
		}
	}
	return nil, nil, pathKnown
}

// serveRest answers a request of a scope-routed restJson1 service.
func (s *Server) serveRest(w http.ResponseWriter, r *http.Request, reqID string, svc *restService) (op string) {
	rt, params, _ := matchRest(svc.routes, r.Method, r.URL.EscapedPath())
	if rt == nil {
		svc.writeError(w, reqID, failureError(failUnknownOp, svc.name, "json", fmt.Sprintf("Operation %s %s of %s is not implemented by patternc.", r.Method, r.URL.Path, svc.name)))
		return r.URL.Path
	}
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	default:
		s.metrics.throttled.Inc()
		code := "ThrottlingException"
		if svc.name == "schemas" {
			code = "TooManyRequestsException"
		}
		svc.writeError(w, reqID, errf(http.StatusTooManyRequests, code, "Rate exceeded"))
		return rt.op
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			svc.writeError(w, reqID, errf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body is larger than the limit of %d bytes.", maxBody))
		} else {
			svc.writeError(w, reqID, errf(http.StatusBadRequest, "SerializationException", "Could not read the request body: %v", err))
		}
		return rt.op
	}
	acct, e := s.authenticate(r, body, "json", svc.name)
	if e != nil {
		svc.writeError(w, reqID, e)
		return rt.op
	}
	c := &restCall{call: &call{s: s, acct: acct, op: rt.op, input: body, r: r}, service: svc.name, params: params, query: r.URL.Query(), body: body}
	ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
	defer cancel()
	status, out, err := rt.fn(ctx, c)
	if err != nil {
		ae, known := apiErrorOf(err)
		if !known {
			s.cfg.Logger.Error("operation failed", "service", svc.name, "operation", rt.op, "error", err)
		}
		svc.writeError(w, reqID, ae)
		return rt.op
	}
	h := w.Header()
	h.Set("X-Amzn-Requestid", reqID)
	if out == nil {
		w.WriteHeader(status)
		return rt.op
	}
	data, err := json.Marshal(dropNulls(out))
	if err != nil {
		svc.writeError(w, reqID, errf(500, "InternalException", "encoding the output: %v", err))
		return rt.op
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
	return rt.op
}

// decodeRest reads a JSON body into v; an empty body is an empty input.
// A body that is not the input's JSON is the service's bad-request error
// (Pipes: ValidationException; Schemas: BadRequestException).
func decodeRest[T any](c *restCall) (*T, error) {
	v := new(T)
	if len(c.body) == 0 {
		return v, nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		if c.service == "schemas" {
			return nil, kernel.Errorf("BadRequestException", 400, "Could not parse the request body: %v", err)
		}
		return nil, kernel.Validation("Could not parse the request body: %v", err)
	}
	return v, nil
}

// writeRestJSONError writes a restJson1 error: the code in
// X-Amzn-Errortype and the body's "message" (Pipes) and "Code"/"Message"
// (Schemas) members.
func writeRestJSONError(w http.ResponseWriter, reqID string, e *apiError) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Requestid", reqID)
	h.Set("X-Amzn-Errortype", e.Code)
	body, _ := json.Marshal(map[string]string{"Code": e.Code, "message": e.Message})
	w.WriteHeader(e.HTTPStatus)
	_, _ = w.Write(body)
}

// intParam reads an integer query parameter (0 when absent).
func intParam(q url.Values, name string) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	var n int
	if _, err := fmt.Sscanf(v, "%d", &n); err != nil || n < 0 {
		return 0, kernel.Validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be a non-negative integer", v, name)
	}
	return n, nil
}
