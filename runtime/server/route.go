package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/patternc/patternc/runtime/server/models"
)

// service is one AWS service behind the port: its model, the protocols it
// answers in, and its adapter's operations.
type service struct {
	name  string
	model *models.Model
	json  protocol // awsJson (nil: not served)
	query protocol // awsQuery (nil: not served)
	ops   map[string]opFunc
}

// opFunc is one operation of an adapter: the input (a JSON document valid
// for the operation's input shape) in, the output (marshalled to JSON,
// then rendered by the protocol) out.
type opFunc func(ctx context.Context, c *call) (any, error)

// call is one authenticated AWS request, as the adapters see it.
type call struct {
	s     *Server
	acct  *account
	svc   *service
	op    string
	input []byte
	r     *http.Request
	// hintText is patternc's advice on an error, sent in X-Patternc-Hint
	// (AWS's message stays as AWS words it).
	hintText string
}

func (c *call) hint(h string) { c.hintText = h }

// decode reads the call's input into v (a struct of the operation's
// input members, AWS names).
func decode[T any](c *call) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(c.input, v); err != nil {
		return nil, failureError(failInvalidParam, c.svc.name, protoName(c), "Invalid input: "+err.Error())
	}
	return v, nil
}

func protoName(c *call) string {
	if strings.HasPrefix(c.r.Header.Get("Content-Type"), "application/x-amz-json") || c.r.Header.Get("X-Amz-Target") != "" {
		return "json"
	}
	return "query"
}

func newServices() (map[string]*service, error) {
	out := map[string]*service{}
	for _, name := range []string{"events", "sns", "sqs", "logs"} {
		m, err := models.Get(name)
		if err != nil {
			return nil, err
		}
		out[name] = &service{name: name, model: m}
	}
	out["events"].json = jsonProtocol{version: "1.1", model: out["events"].model}
	out["events"].ops = eventsOps()
	out["sns"].query = queryProtocol{model: out["sns"].model}
	out["sns"].ops = snsOps()
	out["sqs"].json = jsonProtocol{version: "1.0", model: out["sqs"].model, queryCompat: true}
	out["sqs"].query = queryProtocol{model: out["sqs"].model}
	out["sqs"].ops = sqsOps()
	out["logs"].json = jsonProtocol{version: "1.1", model: out["logs"].model}
	out["logs"].ops = logsOps()
	return out, nil
}

// maxBody is the most a request body may hold on the wire: the largest
// AWS payload (256 KB for PutEvents, Publish, SendMessage) with room for
// its encoding (JSON escapes, form percent-encoding). The services check
// AWS's own limits on the decoded sizes.
const maxBody = 1 << 20

// statusWriter remembers the status written, for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Hijack hands the connection over (WebSocket upgrades of /v1/ws), as
// the writer it wraps does.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("the response writer cannot hijack")
	}
	if w.status == 0 {
		w.status = http.StatusSwitchingProtocols
	}
	return hj.Hijack()
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// fallbackJSON renders errors of requests whose service is unknown.
var fallbackJSON = jsonProtocol{version: "1.1", model: &models.Model{Shapes: map[string]*models.Shape{}}}

// ServeHTTP routes a request (docs/semantics/serve.md §2): X-Amz-Target first, then a
// form body's Action and Version, then REST paths, then patternc's own
// endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	reqID := uuid.NewString()
	svcName, op := "patternc", r.URL.Path
	var proto protocol = fallbackJSON
	var svc *service
	defer func() {
		if p := recover(); p != nil {
			s.metrics.panics.Inc()
			s.cfg.Logger.Error("recovered panic", "panic", fmt.Sprint(p), "service", svcName, "operation", op, "stack", string(debug.Stack()))
			if sw.status == 0 {
				e, _ := apiErrorOf(errors.New("panic"))
				proto.WriteError(sw, reqID, e)
			}
		}
		d := time.Since(start)
		// Metric labels name only operations of the models, so a client
		// cannot grow the series without bound (or feed them bad text).
		label := "unknown"
		if svc != nil {
			if _, ok := svc.model.Operations[op]; ok {
				label = op
			}
		} else if svcName == "lambda" && isLambdaOp(op) {
			label = op
		}
		s.metrics.observe(svcName, label, sw.status, d)
		s.cfg.Logger.Info("request", "method", r.Method, "service", svcName, "operation", strings.ToValidUTF8(op, "?"), "status", sw.status, "duration", d)
	}()

	target := r.Header.Get("X-Amz-Target")
	switch {
	case target != "":
		prefix, name, _ := strings.Cut(target, ".")
		op = name
		switch prefix {
		case "AWSEvents":
			svc = s.services["events"]
		case "AmazonSQS":
			svc = s.services["sqs"]
		case "Logs_20140328":
			svc = s.services["logs"]
		default:
			svcName = "unknown"
			proto.WriteError(sw, reqID, failureError(failUnknownOp, "", "json", fmt.Sprintf("Operation %s is not supported by patternc.", target)))
			return
		}
		svcName, proto = svc.name, svc.json
	case restServiceOf(r) != nil: // /v1/pipes, /v1/registries…: by SigV4 scope, before patternc's own /v1
		rs := restServiceOf(r)
		svcName = rs.name
		op = s.serveRest(sw, r, reqID, rs)
		return
	case isUIPath(r.URL.Path): // the web console (ui.go)
		svcName = "console"
		s.serveUI(sw, r)
		return
	case isStatusPath(r.URL.Path): // before the form check: curl -d sends a form content type
		s.own(sw, r)
		return
	case isLambdaPath(r.URL.Path):
		svcName = "lambda"
		op = s.serveLambda(sw, r, reqID)
		return
	case isForm(r):
		svcName, op = "query", "?"
		proto = queryProtocol{model: s.services["sns"].model}
	default:
		s.own(sw, r)
		return
	}

	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	default:
		s.metrics.throttled.Inc()
		proto.WriteError(sw, reqID, failureError(failThrottled, svcName, proto.Name(), "Rate exceeded"))
		return
	}

	body, e := readBody(sw, r, svcName, proto.Name())
	if e != nil {
		proto.WriteError(sw, reqID, e)
		return
	}
	if svc == nil { // awsQuery: the service is the form's Version
		form, e := readForm(r, body)
		if e != nil {
			proto.WriteError(sw, reqID, e)
			return
		}
		op = form.Get("Action")
		switch form.Get("Version") {
		case "2010-03-31":
			svc = s.services["sns"]
		case "2012-11-05":
			svc = s.services["sqs"]
		default:
			proto.WriteError(sw, reqID, failureError(failUnknownOp, "", "query",
				fmt.Sprintf("Could not find operation %s for version %s", op, form.Get("Version"))))
			return
		}
		svcName, proto = svc.name, svc.query
		acct, e := s.authenticate(r, body, "query", svc.name)
		if e != nil {
			proto.WriteError(sw, reqID, e)
			return
		}
		o, ok := s.operation(svc, op, "query")
		if !ok {
			proto.WriteError(sw, reqID, failureError(failUnknownOp, svc.name, "query", unknownOpMessage(svc, op)))
			return
		}
		input, e := readQueryInput(svc.name, svc.model, svc.model.Operations[op].Input, form)
		if e != nil {
			proto.WriteError(sw, reqID, e)
			return
		}
		s.invoke(sw, r, reqID, svc, proto, acct, op, o, input)
		return
	}
	acct, e := s.authenticate(r, body, "json", svc.name)
	if e != nil {
		proto.WriteError(sw, reqID, e)
		return
	}
	o, ok := s.operation(svc, op, "json")
	if !ok {
		proto.WriteError(sw, reqID, failureError(failUnknownOp, svc.name, "json", unknownOpMessage(svc, op)))
		return
	}
	input, e := readJSONInput(svc.name, svc.model, svc.model.Operations[op].Input, body)
	if e != nil {
		proto.WriteError(sw, reqID, e)
		return
	}
	s.invoke(sw, r, reqID, svc, proto, acct, op, o, input)
}

func unknownOpMessage(svc *service, op string) string {
	if _, inModel := svc.model.Operations[op]; inModel {
		return fmt.Sprintf("The operation %s of %s is not implemented by patternc.", op, svc.name)
	}
	return fmt.Sprintf("The action %s is not valid for this web service.", op)
}

func (s *Server) operation(svc *service, op, proto string) (opFunc, bool) {
	o, ok := svc.ops[op]
	return o, ok && op != ""
}

// invoke runs an operation with the request's deadline and writes its
// answer.
func (s *Server) invoke(w http.ResponseWriter, r *http.Request, reqID string, svc *service, proto protocol, acct *account, op string, o opFunc, input []byte) {
	ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
	defer cancel()
	c := &call{s: s, acct: acct, svc: svc, op: op, input: input, r: r}
	out, err := o(ctx, c)
	if c.hintText != "" {
		w.Header().Set("X-Patternc-Hint", strings.ToValidUTF8(strings.ReplaceAll(c.hintText, "\n", " "), "?"))
	}
	if err != nil {
		e, known := apiErrorOf(err)
		if !known {
			s.cfg.Logger.Error("operation failed", "service", svc.name, "operation", op, "error", err)
		}
		proto.WriteError(w, reqID, e)
		return
	}
	var data []byte
	if out != nil {
		if data, err = json.Marshal(dropNulls(out)); err != nil {
			s.cfg.Logger.Error("encoding output", "service", svc.name, "operation", op, "error", err)
			e, _ := apiErrorOf(err)
			proto.WriteError(w, reqID, e)
			return
		}
	}
	if err := proto.WriteOutput(w, reqID, op, data); err != nil {
		s.cfg.Logger.Warn("writing output", "service", svc.name, "operation", op, "error", err)
	}
}

// isStatusPath reports whether a path is patternc's client status API
// (/v1/..., or /accounts/{id}/v1/... for other accounts).
func isStatusPath(p string) bool {
	if rest, ok := strings.CutPrefix(p, "/accounts/"); ok {
		_, p, _ = strings.Cut(rest, "/")
		p = "/" + p
	}
	return strings.HasPrefix(p, "/v1/")
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		return true
	}
	return r.Method == http.MethodGet && r.URL.Query().Get("Action") != ""
}

// readBody reads at most maxBody bytes; a longer body is refused without
// reading more than one byte past the limit.
func readBody(w http.ResponseWriter, r *http.Request, service, proto string) ([]byte, *apiError) {
	if r.ContentLength > maxBody {
		return nil, failureError(failTooLarge, service, proto, fmt.Sprintf("Request body of %d bytes is larger than the limit of %d bytes.", r.ContentLength, maxBody))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, failureError(failTooLarge, service, proto, fmt.Sprintf("Request body is larger than the limit of %d bytes.", maxBody))
		}
		return nil, failureError(failMalformed, service, proto, "Could not read the request body: "+err.Error())
	}
	return body, nil
}

// readForm merges the URL's query with a form body.
func readForm(r *http.Request, body []byte) (url.Values, *apiError) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, failureError(failMalformed, "", "query", "The query string is malformed: "+err.Error())
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, failureError(failMalformed, "", "query", "The query string is malformed: "+err.Error())
	}
	for k, vs := range q {
		if _, ok := form[k]; !ok {
			form[k] = vs
		}
	}
	if form.Get("Action") == "" {
		return nil, failureError(failMissingParam, "sqs", "query", "The request must contain the parameter Action.")
	}
	return form, nil
}

// authenticate returns the caller's account: --account under auth none,
// the access key's account under sigv4 once the signature checks out.
func (s *Server) authenticate(r *http.Request, body []byte, proto, service string) (*account, *apiError) {
	id := s.cfg.Account
	if s.cfg.Auth == "sigv4" {
		in, f, present := parseSigV4(r)
		if !present {
			return nil, failureError(failMissingAuth, service, proto, "Request is missing Authentication Token")
		}
		if f != nil {
			return nil, failureError(f.kind, service, proto, f.msg)
		}
		cred, ok := s.creds[in.accessKey]
		if !ok {
			return nil, failureError(failUnknownKey, service, proto, "The security token included in the request is invalid.")
		}
		if f := verifySigV4(r, body, in, cred.SecretAccessKey, s.cfg.Now()); f != nil {
			return nil, failureError(f.kind, service, proto, f.msg)
		}
		id = cred.Account
	}
	a, err := s.accts.get(id)
	if err != nil {
		e, _ := apiErrorOf(err)
		return nil, e
	}
	return a, nil
}

func writeOwnError(w http.ResponseWriter, status int, code, msg string) {
	body, _ := json.Marshal(map[string]string{"code": code, "message": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
