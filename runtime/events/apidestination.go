package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/patternc/patternc/runtime/store"
)

// APIDestination is an HTTP endpoint target.
type APIDestination struct {
	Name   string
	Arn    string
	Method string
	URL    string
	// ConnectionArn, Description, InvocationRateLimitPerSecond and
	// CreationTime are kept and described (connection.go).
	ConnectionArn                string    `json:",omitempty"`
	Description                  string    `json:",omitempty"`
	InvocationRateLimitPerSecond int       `json:",omitempty"`
	CreationTime                 time.Time `json:",omitzero"`
}

// CreateAPIDestination registers an HTTP endpoint and returns its ARN,
// usable as a target Arn.
func (s *Service) CreateAPIDestination(ctx context.Context, name, method, url string) (string, error) {
	if !ruleNameRE.MatchString(name) {
		return "", validation("API destination name %s is not valid.", name)
	}
	if method == "" {
		method = http.MethodPost
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return "", validation("InvocationEndpoint %s must be an http(s) URL.", url)
	}
	d := &APIDestination{Name: name, Arn: s.env.ARN("events", "api-destination/"+name).String(), Method: method, URL: url}
	val, _ := json.Marshal(d)
	var b store.Batch
	b.Put(configBucket, []byte("dest/"+name), val)
	if err := s.apply(ctx, &b); err != nil {
		return "", err
	}
	s.mu.Lock()
	s.dests[name] = d
	s.mu.Unlock()
	return d.Arn, nil
}

func defaultHTTPClient() *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			ResponseHeaderTimeout: 10 * time.Second,
		},
	}
}

func (s *Service) sendHTTP(ctx context.Context, d *APIDestination, payload []byte) *failure {
	req, err := http.NewRequestWithContext(ctx, d.Method, d.URL, bytes.NewReader(payload))
	if err != nil {
		return &failure{code: "TARGET_CLIENT_ERROR", message: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	if d.ConnectionArn != "" {
		if f := s.authorize(ctx, d.ConnectionArn, req); f != nil {
			return f
		}
	}
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return &failure{"TIMEOUT", err.Error(), true}
		}
		return &failure{"CONNECTION_FAILURE", err.Error(), true}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	code := resp.StatusCode
	msg := resp.Status
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == 401 || code == 403:
		return &failure{"NO_PERMISSIONS", msg, false}
	case code == 429:
		return &failure{"THROTTLING", msg, true}
	case code >= 500:
		return &failure{"TARGET_SERVER_ERROR", msg, true}
	}
	return &failure{"TARGET_CLIENT_ERROR", msg, false}
}
