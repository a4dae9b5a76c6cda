package server

import (
	"crypto/subtle"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"net/http"
	"strings"
)

// own serves patternc's own endpoints: /health, /metrics, and the SNS
// links delivered messages carry (confirmation, unsubscribe, signing
// certificate), at the root for the default account and under
// /accounts/{id} for others.
func (s *Server) own(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch path {
	case "/health":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
		return
	case "/metrics":
		s.metrics.handler.ServeHTTP(w, r)
		return
	}
	acct := s.cfg.Account
	if rest, ok := strings.CutPrefix(path, "/accounts/"); ok {
		id, sub, _ := strings.Cut(rest, "/")
		if !accountRE.MatchString(id) {
			writeOwnError(w, http.StatusNotFound, "NotFound", "No such path "+path)
			return
		}
		acct, path = id, "/"+sub
	}
	if strings.HasPrefix(path, "/v1/") {
		s.serveStatus(w, r, acct, path)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeOwnError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Use GET for "+path)
		return
	}
	q := r.URL.Query()
	switch path {
	case "/sns/confirm":
		topic := q.Get("TopicArn")
		if a, err := kernel.ParseARN(topic); err == nil {
			acct = a.Account
		}
		a := s.accts.lookup(acct)
		if a == nil {
			s.snsLinkError(w, http.StatusNotFound, "NotFound", "Topic does not exist")
			return
		}
		sub, err := a.rt.Topics.ConfirmSubscription(r.Context(), topic, q.Get("Token"))
		if err != nil {
			e, _ := apiErrorOf(err)
			s.snsLinkError(w, e.HTTPStatus, e.Code, e.Message)
			return
		}
		s.snsLinkOK(w, "ConfirmSubscription", "<SubscriptionArn>"+xmlEscape(sub)+"</SubscriptionArn>")
	case "/sns/unsubscribe":
		subARN := q.Get("SubscriptionArn")
		if a, err := kernel.ParseARN(subARN); err == nil {
			acct = a.Account
		}
		a := s.accts.lookup(acct)
		if a == nil {
			s.snsLinkError(w, http.StatusNotFound, "NotFound", "Subscription does not exist")
			return
		}
		if err := a.rt.Topics.Unsubscribe(r.Context(), subARN); err != nil {
			e, _ := apiErrorOf(err)
			s.snsLinkError(w, e.HTTPStatus, e.Code, e.Message)
			return
		}
		s.snsLinkOK(w, "Unsubscribe", "")
	case "/sns/cert.pem":
		a := s.accts.lookup(acct)
		if a == nil {
			writeOwnError(w, http.StatusNotFound, "NotFound", "No such account "+acct)
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(a.rt.Topics.CertificatePEM())
	default:
		writeOwnError(w, http.StatusNotFound, "NotFound", "No such path "+r.URL.Path)
	}
}

// snsLinkOK answers a SubscribeURL or UnsubscribeURL visit as AWS does:
// the action's XML response.
func (s *Server) snsLinkOK(w http.ResponseWriter, action, result string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%sResponse xmlns="%s">`, action, s.services["sns"].model.Metadata.XMLNamespace)
	if result != "" {
		fmt.Fprintf(w, "<%sResult>%s</%sResult>", action, result, action)
	}
	fmt.Fprintf(w, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>", newRequestID(), action)
}

func (s *Server) snsLinkError(w http.ResponseWriter, status int, code, msg string) {
	s.services["sns"].query.WriteError(w, newRequestID(), &apiError{Code: code, Message: msg, HTTPStatus: status, Sender: true})
}

func xmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// serveStatus hands /v1 paths to the account's client status API. Under
// --auth sigv4 the caller shows a credential of that account: a SigV4
// signature, or "Authorization: Bearer {secret_access_key}" (serve.md §5).
func (s *Server) serveStatus(w http.ResponseWriter, r *http.Request, acct, path string) {
	if s.cfg.Auth == "sigv4" {
		owner := ""
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			for _, c := range s.cfg.Credentials {
				if subtle.ConstantTimeCompare([]byte(c.SecretAccessKey), []byte(tok)) == 1 {
					owner = c.Account
				}
			}
		} else if a, e := s.authenticate(r, nil, "json", "patternc"); e == nil {
			owner = a.id
		}
		if owner == "" || owner != acct {
			writeOwnError(w, http.StatusForbidden, "AccessDeniedException", "The /v1 API needs a signature or a bearer token of this account.")
			return
		}
	}
	a, err := s.accts.get(acct)
	if err != nil {
		writeOwnError(w, http.StatusNotFound, "NotFound", "No such account "+acct)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = path
	r2.URL.RawPath = ""
	a.status.ServeHTTP(w, r2)
}
