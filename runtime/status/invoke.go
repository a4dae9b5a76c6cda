package status

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/patternc/patternc/runtime/lambda"
)

// maxAsyncPayload bounds what the invoke endpoint reads; the dispatcher
// applies its own (smaller or equal) limit.
const maxAsyncPayload = 1 << 20

// postInvocation is POST /v1/functions/{name}/invocations (§7.2).
func (s *Server) postInvocation(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAsyncPayload+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestContentException", "reading the body: "+err.Error())
		return
	}
	if len(body) > maxAsyncPayload {
		writeError(w, http.StatusRequestEntityTooLarge, "RequestTooLargeException", fmt.Sprintf("Request must be smaller than %d bytes for the Invoke operation", maxAsyncPayload))
		return
	}
	opt := lambda.InvokeOptions{
		CallbackURL:    r.Header.Get("X-Patternc-Callback-Url"),
		CallbackEvents: r.Header.Get("X-Patternc-Callback-Events"),
		IdempotencyKey: r.Header.Get("Idempotency-Key"),
	}
	if opt.CallbackURL != "" {
		if err := s.checkCallbackURL(opt.CallbackURL); err != nil {
			s.stats.webhookRejected.Add(1)
			writeError(w, http.StatusBadRequest, "InvalidParameterValueException", "X-Patternc-Callback-Url: "+err.Error())
			return
		}
	}
	switch opt.CallbackEvents {
	case "", "terminal", "all":
	default:
		writeError(w, http.StatusBadRequest, "InvalidParameterValueException", fmt.Sprintf("X-Patternc-Callback-Events must be terminal or all, not %q", opt.CallbackEvents))
		return
	}
	if len(opt.IdempotencyKey) > 128 {
		writeError(w, http.StatusBadRequest, "InvalidParameterValueException", "Idempotency-Key is longer than 128 characters")
		return
	}
	id, replay, err := s.d.InvokeWith(r.Context(), name, body, opt)
	if err != nil {
		writeErr(w, err)
		return
	}
	status := lambda.StatusQueued
	if replay {
		w.Header().Set("X-Patternc-Idempotent-Replay", "true")
		if st, err := s.d.Status(r.Context(), id); err == nil {
			status = st.Status
		}
	}
	loc := "/v1/invocations/" + id
	w.Header().Set("Location", loc)
	writeJSON(w, http.StatusAccepted, map[string]string{"invocationId": id, "status": status, "statusUrl": loc, "websocketUrl": loc + "/ws"})
}

// checkCallbackURL allows http(s) URLs on loopback hosts, or on the hosts
// AllowCallbackHosts names (§7.4).
func (s *Server) checkCallbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http or https URL", raw)
	}
	if s.hostAllowed(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("host %q is not loopback; only loopback callback hosts are allowed unless --allow-callback-host names it", u.Hostname())
}

func (s *Server) hostAllowed(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, h := range s.opts.AllowCallbackHosts {
		if h == "*" || strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}
