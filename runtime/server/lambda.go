package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/functions"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
)

// The lambda adapter: Lambda's restJson1 requests (method, path, JSON
// body, X-Amz-* headers) in, the runtime's functions.Service and async
// dispatcher called, AWS's shapes and status codes out. Errors are
// {"Type","message"} with the code in X-Amzn-Errortype.

// Body limits of the lambda routes, enforced while reading: a 50 MB zip
// in base64 inside JSON, a 6 MB synchronous payload [AWS].
const (
	maxCodeBody   = 70 << 20
	maxInvokeBody = functions.MaxSyncPayload
)

type lambdaRoute struct {
	method, pattern string // pattern segments: literal or "{}" for a name
	op              string
	limit           int64
	fn              func(ctx context.Context, c *lambdaCall) (int, any, error)
}

type lambdaCall struct {
	*call
	name, sid string
	w         http.ResponseWriter
	body      []byte
}

// isLambdaOp reports whether op names a route of lambdaRoutes (metric
// labels take only those, never a client's path).
func isLambdaOp(op string) bool {
	for i := range lambdaRoutes {
		if lambdaRoutes[i].op == op {
			return true
		}
	}
	return false
}

var lambdaRoutes = []lambdaRoute{
	{"POST", "/2015-03-31/functions", "CreateFunction", maxCodeBody, lmCreateFunction},
	{"GET", "/2015-03-31/functions", "ListFunctions", 0, lmListFunctions},
	{"GET", "/2015-03-31/functions/{}", "GetFunction", 0, lmGetFunction},
	{"GET", "/2015-03-31/functions/{}/configuration", "GetFunctionConfiguration", 0, lmGetFunctionConfiguration},
	{"PUT", "/2015-03-31/functions/{}/configuration", "UpdateFunctionConfiguration", maxBody, lmUpdateFunctionConfiguration},
	{"PUT", "/2015-03-31/functions/{}/code", "UpdateFunctionCode", maxCodeBody, lmUpdateFunctionCode},
	{"DELETE", "/2015-03-31/functions/{}", "DeleteFunction", 0, lmDeleteFunction},
	{"POST", "/2015-03-31/functions/{}/invocations", "Invoke", maxInvokeBody, lmInvoke},
	{"POST", "/2015-03-31/functions/{}/policy", "AddPermission", maxBody, lmAddPermission},
	{"GET", "/2015-03-31/functions/{}/policy", "GetPolicy", 0, lmGetPolicy},
	{"DELETE", "/2015-03-31/functions/{}/policy/{}", "RemovePermission", 0, lmRemovePermission},
	{"PUT", "/2019-09-25/functions/{}/event-invoke-config", "PutFunctionEventInvokeConfig", maxBody, lmPutEventInvokeConfig},
	{"POST", "/2019-09-25/functions/{}/event-invoke-config", "UpdateFunctionEventInvokeConfig", maxBody, lmUpdateEventInvokeConfig},
	{"GET", "/2019-09-25/functions/{}/event-invoke-config", "GetFunctionEventInvokeConfig", 0, lmGetEventInvokeConfig},
	{"DELETE", "/2019-09-25/functions/{}/event-invoke-config", "DeleteFunctionEventInvokeConfig", 0, lmDeleteEventInvokeConfig},
	{"GET", "/2019-09-25/functions/{}/event-invoke-config/list", "ListFunctionEventInvokeConfigs", 0, lmListEventInvokeConfigs},
	{"PUT", "/2017-10-31/functions/{}/concurrency", "PutFunctionConcurrency", maxBody, lmPutConcurrency},
	{"GET", "/2019-09-30/functions/{}/concurrency", "GetFunctionConcurrency", 0, lmGetConcurrency},
	{"DELETE", "/2017-10-31/functions/{}/concurrency", "DeleteFunctionConcurrency", 0, lmDeleteConcurrency},
}

// isLambdaPath reports whether a path is one of Lambda's REST prefixes.
func isLambdaPath(p string) bool {
	for _, v := range []string{"/2015-03-31/", "/2019-09-25/", "/2017-10-31/", "/2019-09-30/"} {
		if strings.HasPrefix(p, v) {
			return true
		}
	}
	return p == "/2015-03-31/functions"
}

// matchLambda finds the route of a request and its path names.
func matchLambda(method, path string) (*lambdaRoute, []string) {
	segs := strings.Split(strings.TrimSuffix(path, "/"), "/")
	for i := range lambdaRoutes {
		rt := &lambdaRoutes[i]
		if rt.method != method {
			continue
		}
		want := strings.Split(rt.pattern, "/")
		if len(want) != len(segs) {
			continue
		}
		var names []string
		ok := true
		for j, w := range want {
			if w == "{}" {
				n, err := urlUnescape(segs[j])
				if err != nil || n == "" {
					ok = false
					break
				}
				names = append(names, n)
			} else if w != segs[j] {
				ok = false
				break
			}
		}
		if ok {
			return rt, names
		}
	}
	return nil, nil
}

// urlUnescape reads a path segment: names and ARNs arrive escaped (":"
// as %3A).
func urlUnescape(s string) (string, error) { return url.PathUnescape(s) }

// writeRestError writes an error in restJson1's shape.
func writeRestError(w http.ResponseWriter, reqID string, e *apiError) {
	typ := "User"
	if !e.Sender {
		typ = "Service"
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Requestid", reqID)
	h.Set("X-Amzn-Errortype", e.Code)
	body, _ := json.Marshal(map[string]string{"Type": typ, "message": e.Message})
	w.WriteHeader(e.HTTPStatus)
	_, _ = w.Write(body)
}

// serveLambda routes a request to the lambda adapter.
func (s *Server) serveLambda(w http.ResponseWriter, r *http.Request, reqID string) (op string) {
	rt, names := matchLambda(r.Method, r.URL.EscapedPath())
	if rt == nil {
		writeRestError(w, reqID, failureError(failUnknownOp, "lambda", "json", fmt.Sprintf("Operation %s %s is not implemented by patternc.", r.Method, r.URL.Path)))
		return r.URL.Path
	}
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	default:
		s.metrics.throttled.Inc()
		writeRestError(w, reqID, &apiError{Code: "TooManyRequestsException", Message: "Rate exceeded", HTTPStatus: 429, Sender: true})
		return rt.op
	}
	var body []byte
	if rt.limit > 0 {
		if r.ContentLength > rt.limit {
			writeRestError(w, reqID, &apiError{Code: "RequestTooLargeException", Message: fmt.Sprintf("Request must be smaller than %d bytes for the %s operation", rt.limit, rt.op), HTTPStatus: 413, Sender: true})
			return rt.op
		}
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, rt.limit))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeRestError(w, reqID, &apiError{Code: "RequestTooLargeException", Message: fmt.Sprintf("Request must be smaller than %d bytes for the %s operation", rt.limit, rt.op), HTTPStatus: 413, Sender: true})
			} else {
				writeRestError(w, reqID, failureError(failMalformed, "lambda", "json", "Could not read the request body: "+err.Error()))
			}
			return rt.op
		}
	}
	acct, e := s.authenticate(r, body, "json", "lambda")
	if e != nil {
		writeRestError(w, reqID, e)
		return rt.op
	}
	if acct.rt.Functions == nil && rt.op != "Invoke" && !strings.Contains(rt.op, "EventInvokeConfig") {
		writeRestError(w, reqID, &apiError{Code: "ServiceException", Message: "This server runs no function code (it has no code directory).", HTTPStatus: 500})
		return rt.op
	}
	c := &lambdaCall{call: &call{s: s, acct: acct, op: rt.op, input: body, r: r}, w: w, body: body}
	if len(names) > 0 {
		c.name = functions.NameOf(names[0])
	}
	if len(names) > 1 {
		c.sid = names[1]
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Minute)
	defer cancel()
	status, out, err := rt.fn(ctx, c)
	if err != nil {
		ae, known := apiErrorOf(err)
		if !known {
			s.cfg.Logger.Error("operation failed", "service", "lambda", "operation", rt.op, "error", err)
		}
		writeRestError(w, reqID, ae)
		return rt.op
	}
	h := w.Header()
	if h.Get("X-Amzn-Requestid") == "" { // an async invoke sets its invocation id
		h.Set("X-Amzn-Requestid", reqID)
	}
	switch v := out.(type) {
	case nil:
		w.WriteHeader(status)
	case rawPayload:
		h.Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(v)
	default:
		data, err := json.Marshal(dropNulls(v))
		if err != nil {
			writeRestError(w, reqID, errf(500, "ServiceException", "encoding the output: %v", err))
			return rt.op
		}
		h.Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(data)
	}
	return rt.op
}

// rawPayload is an Invoke answer: the function's bytes as they are.
type rawPayload []byte

func decodeBody[T any](c *lambdaCall) (*T, error) {
	v := new(T)
	if len(c.body) == 0 {
		return v, nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return nil, kernel.Errorf("InvalidRequestContentException", 400, "Could not parse request body into json: %v", err)
	}
	return v, nil
}

// functionConfiguration is FunctionConfiguration [AWS shape].
func functionConfiguration(f functions.Function) map[string]any {
	out := map[string]any{
		"FunctionName": f.Name, "FunctionArn": f.ARN, "Runtime": f.Runtime, "Role": f.Role, "Handler": omit(f.Handler),
		"CodeSize": f.CodeSize, "Description": f.Description, "Timeout": f.Timeout, "MemorySize": f.MemorySize,
		"LastModified": f.LastModified, "CodeSha256": f.CodeSha256, "Version": "$LATEST", "RevisionId": f.RevisionID,
		"TracingConfig": map[string]string{"Mode": "PassThrough"}, "State": f.State, "LastUpdateStatus": "Successful",
		"PackageType": "Zip", "Architectures": []string{"x86_64"}, "EphemeralStorage": map[string]int{"Size": 512},
		"LoggingConfig": map[string]string{"LogFormat": "Text", "LogGroup": functions.LogGroup(f.Name)},
	}
	if len(f.Environment) > 0 {
		out["Environment"] = map[string]any{"Variables": f.Environment}
	}
	if f.DeadLetterArn != "" {
		out["DeadLetterConfig"] = map[string]string{"TargetArn": f.DeadLetterArn}
	}
	return out
}

type functionIn struct {
	FunctionName, Runtime, Role, Handler, Description string
	Timeout, MemorySize                               *int
	Code                                              struct{ ZipFile []byte }
	Environment                                       *struct{ Variables map[string]string }
	DeadLetterConfig                                  *struct{ TargetArn string }
	Publish                                           bool
}

func (in *functionIn) apply(sp *functions.Spec) {
	if in.Runtime != "" {
		sp.Runtime = in.Runtime
	}
	if in.Handler != "" {
		sp.Handler = in.Handler
	}
	if in.Role != "" {
		sp.Role = in.Role
	}
	if in.Description != "" {
		sp.Description = in.Description
	}
	if in.Timeout != nil {
		sp.Timeout = *in.Timeout
	}
	if in.MemorySize != nil {
		sp.MemorySize = *in.MemorySize
	}
	if in.Environment != nil {
		sp.Environment = in.Environment.Variables
	}
	if in.DeadLetterConfig != nil {
		sp.DeadLetterArn = in.DeadLetterConfig.TargetArn
	}
}

func lmCreateFunction(ctx context.Context, c *lambdaCall) (int, any, error) {
	in, err := decodeBody[functionIn](c)
	if err != nil {
		return 0, nil, err
	}
	if in.Role == "" {
		return 0, nil, kernel.Errorf("ValidationException", 400, "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null")
	}
	if len(in.Code.ZipFile) == 0 {
		return 0, nil, kernel.Errorf("InvalidParameterValueException", 400, "patternc takes function code as Code.ZipFile (--zip-file fileb://function.zip); S3 and image code are not supported.")
	}
	sp := functions.Spec{Name: in.FunctionName}
	in.apply(&sp)
	f, err := c.acct.rt.Functions.Create(ctx, sp, in.Code.ZipFile)
	if err != nil {
		return 0, nil, err
	}
	return 201, functionConfiguration(f), nil
}

func lmListFunctions(ctx context.Context, c *lambdaCall) (int, any, error) {
	q := c.r.URL.Query()
	all := c.acct.rt.Functions.List()
	names := make([]string, len(all))
	byName := map[string]functions.Function{}
	for i, f := range all {
		names[i] = f.Name
		byName[f.Name] = f
	}
	max, _ := strconv.Atoi(q.Get("MaxItems"))
	if max < 0 || max > 10000 {
		return 0, nil, kernel.Errorf("InvalidParameterValueException", 400, "MaxItems must be from 1 to 10000")
	}
	picked, next, err := page(names, q.Get("Marker"), max, 50)
	if err != nil {
		return 0, nil, kernel.Errorf("InvalidParameterValueException", 400, "The Marker is not valid.")
	}
	fs := []any{}
	for _, n := range picked {
		fs = append(fs, functionConfiguration(byName[n]))
	}
	out := map[string]any{"Functions": fs}
	if next != "" {
		out["NextMarker"] = next
	}
	return 200, out, nil
}

func lmGetFunction(ctx context.Context, c *lambdaCall) (int, any, error) {
	f, err := c.acct.rt.Functions.Get(c.name)
	if err != nil {
		return 0, nil, err
	}
	out := map[string]any{"Configuration": functionConfiguration(f),
		"Code": map[string]string{"RepositoryType": "S3", "Location": c.s.baseURL + "/2015-03-31/functions/" + f.Name + "/code"}}
	if rc := f.ReservedConcurrency; rc != nil {
		out["Concurrency"] = map[string]int{"ReservedConcurrentExecutions": *rc}
	}
	return 200, out, nil
}

func lmGetFunctionConfiguration(ctx context.Context, c *lambdaCall) (int, any, error) {
	f, err := c.acct.rt.Functions.Get(c.name)
	if err != nil {
		return 0, nil, err
	}
	return 200, functionConfiguration(f), nil
}

func lmUpdateFunctionConfiguration(ctx context.Context, c *lambdaCall) (int, any, error) {
	in, err := decodeBody[functionIn](c)
	if err != nil {
		return 0, nil, err
	}
	f, err := c.acct.rt.Functions.UpdateConfig(ctx, c.name, in.apply)
	if err != nil {
		return 0, nil, err
	}
	return 200, functionConfiguration(f), nil
}

func lmUpdateFunctionCode(ctx context.Context, c *lambdaCall) (int, any, error) {
	in, err := decodeBody[struct{ ZipFile []byte }](c)
	if err != nil {
		return 0, nil, err
	}
	if len(in.ZipFile) == 0 {
		return 0, nil, kernel.Errorf("InvalidParameterValueException", 400, "patternc takes function code as ZipFile (--zip-file fileb://function.zip).")
	}
	f, err := c.acct.rt.Functions.UpdateCode(ctx, c.name, in.ZipFile)
	if err != nil {
		return 0, nil, err
	}
	return 200, functionConfiguration(f), nil
}

func lmDeleteFunction(ctx context.Context, c *lambdaCall) (int, any, error) {
	return 204, nil, c.acct.rt.Functions.Delete(ctx, c.name)
}

// lmInvoke is Invoke: RequestResponse runs the function and answers its
// result (a function error is 200 with X-Amz-Function-Error); Event hands
// the payload to the async dispatcher (202, Location of its status
// document); DryRun only checks (204).
func lmInvoke(ctx context.Context, c *lambdaCall) (int, any, error) {
	h := c.r.Header
	typ := h.Get("X-Amz-Invocation-Type")
	if typ == "" {
		typ = "RequestResponse"
	}
	rt := c.acct.rt
	switch typ {
	case "Event":
		id, _, err := rt.Lambda.InvokeWith(ctx, c.name, c.body, lambda.InvokeOptions{
			CallbackURL: h.Get("X-Patternc-Callback-Url"), CallbackEvents: h.Get("X-Patternc-Callback-Events"), IdempotencyKey: h.Get("Idempotency-Key")})
		if err != nil {
			return 0, nil, err
		}
		c.w.Header().Set("Location", c.s.accountPath(c.acct.id)+"/v1/invocations/"+id)
		c.w.Header().Set("X-Amzn-Requestid", id)
		return 202, nil, nil
	case "DryRun":
		if rt.Functions != nil {
			if _, err := rt.Functions.Get(c.name); err == nil {
				return 204, nil, nil
			}
		}
		// A Go or HTTP handler of the dispatcher: it exists when asking for
		// its config does not say "Function not found".
		if _, err := rt.Lambda.GetEventInvokeConfig(c.name); err == nil || !strings.Contains(err.Error(), "Function not found") {
			return 204, nil, nil
		}
		return 0, nil, kernel.Errorf("ResourceNotFoundException", 404, "Function not found: %s", rt.Lambda.FunctionARN(c.name))
	case "RequestResponse":
	default:
		return 0, nil, kernel.Errorf("InvalidParameterValueException", 400, "1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", typ)
	}
	if rt.Functions == nil {
		return 0, nil, kernel.Errorf("ResourceNotFoundException", 404, "Function not found: %s", rt.Lambda.FunctionARN(c.name))
	}
	if len(c.body) > 0 && !json.Valid(c.body) {
		return 0, nil, kernel.Errorf("InvalidRequestContentException", 400, "Could not parse request body into json: Could not parse payload into json")
	}
	res, err := rt.Functions.Invoke(ctx, c.name, c.body, functions.InvokeOptions{ClientContext: h.Get("X-Amz-Client-Context")})
	if err != nil {
		return 0, nil, err
	}
	out := c.w.Header()
	out.Set("X-Amz-Executed-Version", "$LATEST")
	if fe := res.FunctionError(); fe != "" {
		out.Set("X-Amz-Function-Error", fe)
	}
	if strings.EqualFold(h.Get("X-Amz-Log-Type"), "Tail") {
		out.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(res.LogTail))
	}
	return 200, rawPayload(res.Payload), nil
}

func lmAddPermission(ctx context.Context, c *lambdaCall) (int, any, error) {
	in, err := decodeBody[struct {
		StatementId, Action, Principal, SourceArn, SourceAccount string
	}](c)
	if err != nil {
		return 0, nil, err
	}
	if in.StatementId == "" || in.Action == "" || in.Principal == "" {
		return 0, nil, kernel.Errorf("ValidationException", 400, "StatementId, Action and Principal are required.")
	}
	st := functions.Statement{Sid: in.StatementId, Action: in.Action, Principal: map[string]string{"Service": in.Principal}}
	if !strings.Contains(in.Principal, ".") {
		st.Principal = map[string]string{"AWS": in.Principal}
	}
	cond := map[string]any{}
	if in.SourceArn != "" {
		cond["ArnLike"] = map[string]string{"AWS:SourceArn": in.SourceArn}
	}
	if in.SourceAccount != "" {
		cond["StringEquals"] = map[string]string{"AWS:SourceAccount": in.SourceAccount}
	}
	if len(cond) > 0 {
		st.Condition = cond
	}
	st, err = c.acct.rt.Functions.AddPermission(ctx, c.name, st)
	if err != nil {
		return 0, nil, err
	}
	doc, _ := json.Marshal(st)
	return 201, map[string]string{"Statement": string(doc)}, nil
}

func lmGetPolicy(ctx context.Context, c *lambdaCall) (int, any, error) {
	doc, rev, err := c.acct.rt.Functions.Policy(c.name)
	if err != nil {
		return 0, nil, err
	}
	return 200, map[string]string{"Policy": doc, "RevisionId": rev}, nil
}

func lmRemovePermission(ctx context.Context, c *lambdaCall) (int, any, error) {
	return 204, nil, c.acct.rt.Functions.RemovePermission(ctx, c.name, c.sid)
}

type eventInvokeConfigIn struct {
	MaximumRetryAttempts     *int
	MaximumEventAgeInSeconds *int
	DestinationConfig        *struct {
		OnSuccess, OnFailure *struct{ Destination string }
	}
}

func (in *eventInvokeConfigIn) config() lambda.EventInvokeConfig {
	cfg := lambda.EventInvokeConfig{MaximumRetryAttempts: in.MaximumRetryAttempts, MaximumEventAgeInSeconds: in.MaximumEventAgeInSeconds}
	if d := in.DestinationConfig; d != nil {
		if d.OnSuccess != nil {
			cfg.OnSuccess = d.OnSuccess.Destination
		}
		if d.OnFailure != nil {
			cfg.OnFailure = d.OnFailure.Destination
		}
	}
	return cfg
}

func eventInvokeConfigOut(c *lambdaCall, name string) (int, any, error) {
	cfg, err := c.acct.rt.Lambda.GetEventInvokeConfig(name)
	if err != nil {
		return 0, nil, err
	}
	dc := map[string]any{}
	if cfg.OnSuccess != "" {
		dc["OnSuccess"] = map[string]string{"Destination": cfg.OnSuccess}
	}
	if cfg.OnFailure != "" {
		dc["OnFailure"] = map[string]string{"Destination": cfg.OnFailure}
	}
	return 200, map[string]any{"FunctionArn": c.acct.rt.Lambda.FunctionARN(name), "MaximumRetryAttempts": cfg.MaximumRetryAttempts,
		"MaximumEventAgeInSeconds": cfg.MaximumEventAgeInSeconds, "DestinationConfig": dc,
		"LastModified": float64(c.s.cfg.Now().UnixMilli()) / 1000}, nil
}

func lmPutEventInvokeConfig(ctx context.Context, c *lambdaCall) (int, any, error) {
	in, err := decodeBody[eventInvokeConfigIn](c)
	if err != nil {
		return 0, nil, err
	}
	if err := invokeConfigs(c).PutEventInvokeConfig(ctx, c.name, in.config()); err != nil {
		return 0, nil, err
	}
	return eventInvokeConfigOut(c, c.name)
}

func lmUpdateEventInvokeConfig(ctx context.Context, c *lambdaCall) (int, any, error) {
	in, err := decodeBody[eventInvokeConfigIn](c)
	if err != nil {
		return 0, nil, err
	}
	if err := invokeConfigs(c).UpdateEventInvokeConfig(ctx, c.name, in.config()); err != nil {
		return 0, nil, err
	}
	return eventInvokeConfigOut(c, c.name)
}

func lmGetEventInvokeConfig(ctx context.Context, c *lambdaCall) (int, any, error) {
	return eventInvokeConfigOut(c, c.name)
}

func lmDeleteEventInvokeConfig(ctx context.Context, c *lambdaCall) (int, any, error) {
	return 204, nil, invokeConfigs(c).DeleteEventInvokeConfig(ctx, c.name)
}

// invokeConfigSetter changes an async invoke config: the functions
// service (which also records it across restarts) for functions it runs,
// the dispatcher itself for Go and HTTP handlers.
type invokeConfigSetter interface {
	PutEventInvokeConfig(ctx context.Context, name string, c lambda.EventInvokeConfig) error
	UpdateEventInvokeConfig(ctx context.Context, name string, c lambda.EventInvokeConfig) error
	DeleteEventInvokeConfig(ctx context.Context, name string) error
}

type dispatcherConfigs struct{ d *lambda.Dispatcher }

func (d dispatcherConfigs) PutEventInvokeConfig(_ context.Context, name string, c lambda.EventInvokeConfig) error {
	return d.d.PutEventInvokeConfig(name, c)
}

func (d dispatcherConfigs) UpdateEventInvokeConfig(_ context.Context, name string, c lambda.EventInvokeConfig) error {
	return d.d.UpdateEventInvokeConfig(name, c)
}

func (d dispatcherConfigs) DeleteEventInvokeConfig(_ context.Context, name string) error {
	return d.d.DeleteEventInvokeConfig(name)
}

func invokeConfigs(c *lambdaCall) invokeConfigSetter {
	if f := c.acct.rt.Functions; f != nil {
		if _, err := f.Get(c.name); err == nil {
			return f
		}
	}
	return dispatcherConfigs{c.acct.rt.Lambda}
}

func lmListEventInvokeConfigs(ctx context.Context, c *lambdaCall) (int, any, error) {
	_, out, err := eventInvokeConfigOut(c, c.name)
	if errors.Is(err, kernel.ErrNoResource) && strings.Contains(err.Error(), "doesn't have an EventInvokeConfig") {
		return 200, map[string]any{"FunctionEventInvokeConfigs": []any{}}, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return 200, map[string]any{"FunctionEventInvokeConfigs": []any{out}}, nil
}

func lmPutConcurrency(ctx context.Context, c *lambdaCall) (int, any, error) {
	in, err := decodeBody[struct{ ReservedConcurrentExecutions *int }](c)
	if err != nil {
		return 0, nil, err
	}
	if in.ReservedConcurrentExecutions == nil {
		return 0, nil, kernel.Errorf("ValidationException", 400, "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null")
	}
	n := *in.ReservedConcurrentExecutions
	if _, err := c.acct.rt.Functions.UpdateConfig(ctx, c.name, func(sp *functions.Spec) { sp.ReservedConcurrency = &n }); err != nil {
		return 0, nil, err
	}
	return 200, map[string]int{"ReservedConcurrentExecutions": n}, nil
}

func lmGetConcurrency(ctx context.Context, c *lambdaCall) (int, any, error) {
	f, err := c.acct.rt.Functions.Get(c.name)
	if err != nil {
		return 0, nil, err
	}
	if f.ReservedConcurrency == nil {
		return 200, map[string]any{}, nil
	}
	return 200, map[string]int{"ReservedConcurrentExecutions": *f.ReservedConcurrency}, nil
}

func lmDeleteConcurrency(ctx context.Context, c *lambdaCall) (int, any, error) {
	_, err := c.acct.rt.Functions.UpdateConfig(ctx, c.name, func(sp *functions.Spec) { sp.ReservedConcurrency = nil })
	return 204, nil, err
}
