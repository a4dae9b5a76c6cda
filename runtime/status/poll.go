package status

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/store"
)

// maxWait bounds a long poll (§7.3).
const maxWait = 30

func (s *Server) status(r *http.Request, id string) (*lambda.Status, error) {
	st, err := s.d.Status(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound(id)
	}
	return st, err
}

type notFoundErr string

func (e notFoundErr) Error() string { return "no invocation " + string(e) + " (unknown or expired)" }

func errNotFound(id string) error { return notFoundErr(id) }

func etag(rev int) string { return `"` + strconv.Itoa(rev) + `"` }

// matchRevision reads If-None-Match: the revision it names, or -1.
func matchRevision(h string) int {
	h = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(h), "W/"))
	n, err := strconv.Atoi(strings.Trim(h, `"`))
	if err != nil {
		return -1
	}
	return n
}

// getInvocation serves a status document, with ETag, 304 on a matching
// If-None-Match, a long poll with ?waitSeconds and a Retry-After hint
// while the invocation is not finished (§7.3).
func (s *Server) getInvocation(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	wait := 0
	if v := r.URL.Query().Get("waitSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxWait {
			writeError(w, http.StatusBadRequest, "InvalidParameterValueException", fmt.Sprintf("waitSeconds must be an integer from 0 to %d", maxWait))
			return
		}
		wait = n
	}
	// Register for the next transition before reading, so that none
	// falls between the read and the wait.
	changed := s.hub.changed(id)
	st, err := s.status(r, id)
	if err != nil {
		s.notFoundOr(w, err)
		return
	}
	known := matchRevision(r.Header.Get("If-None-Match"))
	if wait > 0 {
		s.stats.longPolls.Add(1)
		since := st.Revision
		if known >= 0 {
			since = known
		}
		timer := s.env.Clock.After(time.Duration(wait) * time.Second)
	poll:
		for st.Revision == since && !terminal(st.Status) {
			select {
			case <-changed:
			case <-timer:
				break poll
			case <-r.Context().Done():
				return
			}
			changed = s.hub.changed(id)
			if st, err = s.status(r, id); err != nil {
				s.notFoundOr(w, err)
				return
			}
		}
	}
	if terminal(st.Status) {
		s.hub.forget(id) // no transition will ever close its channel
	}
	w.Header().Set("ETag", etag(st.Revision))
	if !terminal(st.Status) {
		w.Header().Set("Retry-After", strconv.Itoa(s.retryAfter(st)))
	}
	if known == st.Revision {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(s.document(st))
}

// retryAfter is the polling hint: 1 s, or the seconds until the next
// attempt when later, capped at 30.
func (s *Server) retryAfter(st *lambda.Status) int {
	secs := 1
	if t, err := time.Parse(time.RFC3339Nano, st.NextAttemptAt); err == nil {
		if d := int(math.Ceil(t.Sub(s.env.Clock.Now()).Seconds())); d > secs {
			secs = d
		}
	}
	return min(secs, maxWait)
}

func (s *Server) notFoundOr(w http.ResponseWriter, err error) {
	var nf notFoundErr
	if errors.As(err, &nf) {
		writeError(w, http.StatusNotFound, "InvocationNotFound", err.Error())
		return
	}
	writeError(w, http.StatusServiceUnavailable, "ServiceUnavailable", err.Error())
}

// listInvocations lists status documents, newest first (§7.2).
func (s *Server) listInvocations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeError(w, http.StatusBadRequest, "InvalidParameterValueException", "limit must be an integer from 1 to 100")
			return
		}
		limit = n
	}
	offset := 0
	if tok := q.Get("nextToken"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "InvalidParameterValueException", "nextToken is not one this API returned")
			return
		}
		offset = n
	}
	fn, status := q.Get("function"), q.Get("status")
	switch status {
	case "", lambda.StatusQueued, lambda.StatusRunning, lambda.StatusRetrying, lambda.StatusSucceeded, lambda.StatusFailed, lambda.StatusExpired:
	default:
		writeError(w, http.StatusBadRequest, "InvalidParameterValueException", fmt.Sprintf("status %q is not one of queued, running, retrying, succeeded, failed, expired", status))
		return
	}
	all, err := s.d.List(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "ServiceUnavailable", err.Error())
		return
	}
	var picked []*lambda.Status
	for i := len(all) - 1; i >= 0; i-- { // newest first
		st := all[i]
		if (fn == "" || functionName(st.FunctionARN) == fn) && (status == "" || st.Status == status) {
			picked = append(picked, st)
		}
	}
	out := struct {
		Invocations []jsonRaw `json:"invocations"`
		NextToken   *string   `json:"nextToken"`
	}{Invocations: []jsonRaw{}}
	for i := offset; i < len(picked) && i < offset+limit; i++ {
		out.Invocations = append(out.Invocations, jsonRaw(s.document(picked[i])))
	}
	if offset+limit < len(picked) {
		tok := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset + limit)))
		out.NextToken = &tok
	}
	writeJSON(w, http.StatusOK, out)
}

type jsonRaw []byte

func (j jsonRaw) MarshalJSON() ([]byte, error) { return j, nil }
