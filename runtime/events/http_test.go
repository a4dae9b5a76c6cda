package events

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHTTPClassification maps HTTP outcomes to docs/semantics/runtime.md §2.5's error classes.
func TestHTTPClassification(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(300 * time.Millisecond)
			return
		}
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		w.WriteHeader(code)
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	s := &Service{cfg: Options{HTTPClient: &http.Client{Timeout: 100 * time.Millisecond}}}
	tests := []struct {
		url       string
		code      string
		retryable bool
	}{
		{srv.URL + "/200", "", false},
		{srv.URL + "/204", "", false},
		{srv.URL + "/401", "NO_PERMISSIONS", false},
		{srv.URL + "/403", "NO_PERMISSIONS", false},
		{srv.URL + "/429", "THROTTLING", true},
		{srv.URL + "/404", "TARGET_CLIENT_ERROR", false},
		{srv.URL + "/500", "TARGET_SERVER_ERROR", true},
		{srv.URL + "/503", "TARGET_SERVER_ERROR", true},
		{srv.URL + "/slow", "TIMEOUT", true},
		{closedURL + "/", "CONNECTION_FAILURE", true},
	}
	for _, tt := range tests {
		f := s.sendHTTP(context.Background(), &APIDestination{Method: "POST", URL: tt.url}, []byte(`{}`))
		switch {
		case tt.code == "" && f != nil:
			t.Errorf("%s: unexpected failure %+v", tt.url, f)
		case tt.code != "" && (f == nil || f.code != tt.code || f.retryable != tt.retryable):
			t.Errorf("%s: got %+v, want %s retryable=%v", tt.url, f, tt.code, tt.retryable)
		}
	}
}
