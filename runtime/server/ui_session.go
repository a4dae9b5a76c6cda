package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"
)

// uiCookie names the console's session cookie: an opaque random id,
// HttpOnly and SameSite=Strict, that the server maps to an account. The
// secret the user typed is never stored by the page (serve.md §5 rules
// apply to the console as to /v1).
const uiCookie = "patternc_console"

// uiSessionTTL is how long a console sign-in lasts.
const uiSessionTTL = 12 * time.Hour

// uiState is the console's server-side state: its sessions and its API's
// routes.
type uiState struct {
	mu       sync.Mutex
	sessions map[string]uiSession
	once     sync.Once
	mux      http.Handler
}

type uiSession struct {
	account string
	expires time.Time
}

// signIn checks a bearer token (a secret access key from --credentials)
// and opens a session for its account.
func (u *uiState) signIn(s *Server, token string) (id, account string, ok bool) {
	for _, c := range s.cfg.Credentials {
		if subtle.ConstantTimeCompare([]byte(c.SecretAccessKey), []byte(token)) == 1 {
			account, ok = c.Account, true
		}
	}
	if !ok {
		return "", "", false
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	id = hex.EncodeToString(b[:])
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.sessions == nil {
		u.sessions = map[string]uiSession{}
	}
	now := time.Now()
	for k, v := range u.sessions { // drop expired sessions as new ones come
		if now.After(v.expires) {
			delete(u.sessions, k)
		}
	}
	u.sessions[id] = uiSession{account: account, expires: now.Add(uiSessionTTL)}
	return id, account, true
}

func (u *uiState) signOut(id string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.sessions, id)
}

// caller returns the account a console request acts for: --account under
// auth none; under sigv4 the session cookie's account, or that of a
// bearer token or SigV4 signature as on /v1.
func (u *uiState) caller(s *Server, r *http.Request) (string, bool) {
	if s.cfg.Auth != "sigv4" {
		return s.cfg.Account, true
	}
	if c, err := r.Cookie(uiCookie); err == nil {
		u.mu.Lock()
		sess, ok := u.sessions[c.Value]
		u.mu.Unlock()
		if ok && time.Now().Before(sess.expires) {
			return sess.account, true
		}
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		for _, c := range s.cfg.Credentials {
			if subtle.ConstantTimeCompare([]byte(c.SecretAccessKey), []byte(tok)) == 1 {
				return c.Account, true
			}
		}
		return "", false
	}
	if r.Header.Get("Authorization") != "" {
		if a, e := s.authenticate(r, nil, "json", "patternc"); e == nil {
			return a.id, true
		}
	}
	return "", false
}
