package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// scoped is an Authorization header whose credential scope names service
// (auth none checks no signature).
func scoped(service string) string {
	return "AWS4-HMAC-SHA256 Credential=AKID/20240615/us-east-1/" + service + "/aws4_request, SignedHeaders=host, Signature=00"
}

// TestScopeRouting: /v1/pipes and /v1/registries reach Pipes and Schemas
// only when the SigV4 scope names them (serve.md §2); otherwise they are
// patternc's own API. Bad input gets the service's error, never a 500.
func TestScopeRouting(t *testing.T) {
	s := startServer(t, "none", nil)
	do := func(method, path, auth, body string) (int, string, string) {
		req, _ := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), string(b)
	}
	for _, c := range []struct {
		name, method, path, auth, body string
		status                         int
		errType, bodyHas               string
	}{
		{"ListPipes by scope", "GET", "/v1/pipes", scoped("pipes"), "", 200, "", `"Pipes":[]`},
		{"ListRegistries by scope", "GET", "/v1/registries", scoped("schemas"), "", 200, "", `"discovered-schemas"`},
		{"no scope: patternc's own API", "GET", "/v1/pipes", "", "", 404, "", ""},
		{"another service's scope: patternc's own API", "GET", "/v1/registries", scoped("events"), "", 404, "", ""},
		{"an operation patternc lacks", "GET", "/v1/pipes/p/bogus", scoped("pipes"), "", 400, "UnknownOperationException", "not implemented"},
		{"a resource policy", "GET", "/v1/policy", scoped("schemas"), "", 400, "UnknownOperationException", ""},
		{"malformed JSON: Pipes", "POST", "/v1/pipes/p", scoped("pipes"), `{"Source":`, 400, "ValidationException", "Could not parse"},
		{"malformed JSON: Schemas", "POST", "/v1/registries/name/r", scoped("schemas"), `[1,`, 400, "BadRequestException", "Could not parse"},
		{"wrong types: Pipes", "POST", "/v1/pipes/p", scoped("pipes"), `{"SourceParameters":{"SqsQueueParameters":{"BatchSize":"ten"}}}`, 400, "ValidationException", ""},
		{"invalid UTF-8 name", "GET", "/v1/pipes/%FF%FE", scoped("pipes"), "", 404, "NotFoundException", ""},
		{"deep nesting of the request", "POST", "/v1/pipes/p", scoped("pipes"), `{"Tags":` + strings.Repeat("[", 100000), 400, "ValidationException", ""},
		{"deep nesting", "POST", "/v1/discover", scoped("schemas"), `{"Type":"JSONSchemaDraft4","Events":["` + strings.Repeat("[", 100000) + `"]}`, 400, "BadRequestException", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, errType, body := do(c.method, c.path, c.auth, c.body)
			if status != c.status || errType != c.errType || !strings.Contains(body, c.bodyHas) {
				t.Fatalf("%d %q %s; want %d %q containing %q", status, errType, body, c.status, c.errType, c.bodyHas)
			}
		})
	}
}

// FuzzRestRoute: any path and Authorization header route without a panic;
// a route found has as many parameters as its pattern has "{}".
func FuzzRestRoute(f *testing.F) {
	f.Add("/v1/pipes/p/start", scoped("pipes"))
	f.Add("/v1/registries/name/r/schemas/name/%41/version/1", scoped("schemas"))
	f.Add("/tags/arn%3Aaws%3Apipes%3Aus-east-1%3A0%3Apipe%2Fp", "AWS4-HMAC-SHA256 Credential=a/b/c/pipes/aws4_request")
	f.Add("//v1//", "Credential=")
	f.Fuzz(func(t *testing.T, path, auth string) {
		r, err := http.NewRequest("GET", "http://x"+path, nil)
		if err != nil {
			return
		}
		r.Header.Set("Authorization", auth)
		svc := restServiceOf(r)
		if svc == nil {
			return
		}
		for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
			rt, params, _ := matchRest(svc.routes, m, r.URL.EscapedPath())
			if rt != nil && len(params) != strings.Count(rt.pattern, "{}") {
				t.Fatalf("%s %s: %d params for %s", m, path, len(params), rt.pattern)
			}
		}
	})
}
