package events

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// TestConnectionAuthorizesRequests: a request to an API destination
// carries its connection's credentials and invocation parameters, for
// each authorization type; an unknown connection is NO_PERMISSIONS.
func TestConnectionAuthorizesRequests(t *testing.T) {
	var mu sync.Mutex
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			id, secret, ok := r.BasicAuth()
			if !ok || id != "cid" || secret != "csecret" || r.FormValue("grant_type") != "client_credentials" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Write([]byte(`{"access_token":"tok-1","token_type":"bearer"}`))
			return
		}
		mu.Lock()
		got = r.Clone(context.Background())
		mu.Unlock()
	}))
	defer srv.Close()

	env, _ := testsupport.Env(t, testsupport.Bolt(), "us-east-1", "123456789012")
	s, err := New(env, Options{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name, kind, params string
		check              func(r *http.Request) bool
	}{
		{"basic", "BASIC", `{"BasicAuthParameters":{"Username":"u","Password":"p"}}`, func(r *http.Request) bool {
			u, p, ok := r.BasicAuth()
			return ok && u == "u" && p == "p"
		}},
		{"apikey", "API_KEY", `{"ApiKeyAuthParameters":{"ApiKeyName":"x-api-key","ApiKeyValue":"k1"},"InvocationHttpParameters":{"HeaderParameters":[{"Key":"x-env","Value":"test"}],"QueryStringParameters":[{"Key":"q","Value":"1"}]}}`, func(r *http.Request) bool {
			return r.Header.Get("x-api-key") == "k1" && r.Header.Get("x-env") == "test" && r.URL.Query().Get("q") == "1"
		}},
		{"oauth", "OAUTH_CLIENT_CREDENTIALS", `{"OAuthParameters":{"AuthorizationEndpoint":"` + srv.URL + `/token","HttpMethod":"POST","ClientParameters":{"ClientID":"cid","ClientSecret":"csecret"}}}`, func(r *http.Request) bool {
			return r.Header.Get("Authorization") == "Bearer tok-1"
		}},
	}
	for _, tt := range tests {
		c, err := s.CreateConnection(ctx, Connection{Name: tt.name, AuthorizationType: tt.kind, AuthParameters: json.RawMessage(tt.params)})
		if err != nil {
			t.Fatal(err)
		}
		f := s.sendHTTP(ctx, &APIDestination{Method: "POST", URL: srv.URL + "/hook", ConnectionArn: c.ConnectionArn}, []byte(`{}`))
		mu.Lock()
		r := got
		got = nil
		mu.Unlock()
		if f != nil || r == nil || !tt.check(r) {
			t.Errorf("%s: failure %+v, request %+v", tt.name, f, r)
		}
	}
	f := s.sendHTTP(ctx, &APIDestination{Method: "POST", URL: srv.URL + "/hook", ConnectionArn: "arn:aws:events:us-east-1:123456789012:connection/gone/abc"}, []byte(`{}`))
	if f == nil || f.code != "NO_PERMISSIONS" || f.retryable {
		t.Errorf("unknown connection: %+v", f)
	}
}
