package events

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/patternc/patternc/runtime/kernel"
)

// connAuth is the part of a connection's AuthParameters that shapes an
// API destination's request [AWS]: BASIC and API_KEY credentials, an
// OAuth client-credentials token, and the InvocationHttpParameters that
// every request through the connection carries.
type connAuth struct {
	BasicAuthParameters *struct {
		Username, Password string
	}
	ApiKeyAuthParameters *struct {
		ApiKeyName, ApiKeyValue string
	}
	OAuthParameters *struct {
		AuthorizationEndpoint string
		HttpMethod            string
		ClientParameters      struct {
			ClientID, ClientSecret string
		}
		OAuthHttpParameters *httpParams
	}
	InvocationHttpParameters *httpParams
}

type httpParams struct {
	HeaderParameters      []keyValue
	QueryStringParameters []keyValue
	BodyParameters        []keyValue
}

type keyValue struct{ Key, Value string }

// authorize adds the connection named by arn to req. An unknown or
// unreadable connection, or an OAuth endpoint that gives no token, is
// the target's fault: the delivery fails as AWS fails it, with
// NO_PERMISSIONS, and is not retried.
func (s *Service) authorize(ctx context.Context, arn string, req *http.Request) *failure {
	a, err := kernel.ParseARN(arn)
	name, _, _ := strings.Cut(a.ResourceID(), "/")
	if err != nil || a.ResourceType() != "connection" || name == "" {
		return &failure{"NO_PERMISSIONS", fmt.Sprintf("connection %s is not a connection ARN", arn), false}
	}
	c, err := s.DescribeConnection(ctx, name)
	if err != nil {
		return &failure{"NO_PERMISSIONS", fmt.Sprintf("connection %s: %v", arn, err), false}
	}
	var p connAuth
	if len(c.AuthParameters) > 0 {
		if err := json.Unmarshal(c.AuthParameters, &p); err != nil {
			return &failure{"NO_PERMISSIONS", fmt.Sprintf("connection %s: %v", arn, err), false}
		}
	}
	switch {
	case c.AuthorizationType == "BASIC" && p.BasicAuthParameters != nil:
		req.SetBasicAuth(p.BasicAuthParameters.Username, p.BasicAuthParameters.Password)
	case c.AuthorizationType == "API_KEY" && p.ApiKeyAuthParameters != nil:
		req.Header.Set(p.ApiKeyAuthParameters.ApiKeyName, p.ApiKeyAuthParameters.ApiKeyValue)
	case c.AuthorizationType == "OAUTH_CLIENT_CREDENTIALS" && p.OAuthParameters != nil:
		token, err := s.oauthToken(ctx, p)
		if err != nil {
			return &failure{"NO_PERMISSIONS", fmt.Sprintf("connection %s: %v", arn, err), false}
		}
		req.Header.Set("Authorization", "Bearer "+token)
	}
	p.InvocationHttpParameters.apply(req)
	return nil
}

// apply adds the headers and query parameters. Body parameters are not
// merged into the payload: the request body is the target's input as
// shaped by the rule, unchanged.
func (h *httpParams) apply(req *http.Request) {
	if h == nil {
		return
	}
	for _, kv := range h.HeaderParameters {
		req.Header.Set(kv.Key, kv.Value)
	}
	if len(h.QueryStringParameters) > 0 {
		q := req.URL.Query()
		for _, kv := range h.QueryStringParameters {
			q.Set(kv.Key, kv.Value)
		}
		req.URL.RawQuery = q.Encode()
	}
}

// oauthToken asks the authorization endpoint for a client-credentials
// token, once per delivery (local endpoints are cheap to ask).
func (s *Service) oauthToken(ctx context.Context, p connAuth) (string, error) {
	o := p.OAuthParameters
	method := o.HttpMethod
	if method == "" {
		method = http.MethodPost
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, method, o.AuthorizationEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(o.ClientParameters.ClientID, o.ClientParameters.ClientSecret)
	o.OAuthHttpParameters.apply(req)
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("authorization endpoint: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("authorization endpoint answered %s", resp.Status)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("authorization endpoint gave no access_token")
	}
	return tok.AccessToken, nil
}
