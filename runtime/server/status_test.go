package server

import (
	"net/http"
	"testing"
)

// TestStatusAPIAuth: under --auth sigv4 the /v1 API of an account needs
// that account's bearer token (or signature); another account's token or
// none is refused.
func TestStatusAPIAuth(t *testing.T) {
	s := startServer(t, "sigv4", nil)
	get := func(path, token string) int {
		req, _ := http.NewRequest("GET", s.URL()+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		path, token string
		want        int
	}{
		{"/accounts/111111111111/v1/invocations", "alice-secret", 200},
		{"/accounts/111111111111/v1/invocations", "bob-secret", 403},
		{"/accounts/111111111111/v1/invocations", "", 403},
		{"/accounts/222222222222/v1/invocations", "bob-secret", 200},
		{"/v1/invocations", "alice-secret", 403}, // the default account is neither's
	} {
		if got := get(c.path, c.token); got != c.want {
			t.Errorf("%s with %q: %d, want %d", c.path, c.token, got, c.want)
		}
	}
}
