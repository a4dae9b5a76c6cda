package server

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
)

// Test credentials: two accounts, so isolation can be tested.
var testCreds = []Credential{
	{AccessKeyID: "AKIDALICE", SecretAccessKey: "alice-secret", Account: "111111111111"},
	{AccessKeyID: "AKIDBOB", SecretAccessKey: "bob-secret", Account: "222222222222"},
}

// startServer runs a Server on a loopback port with a temporary data
// directory and returns it; it is shut down when the test ends.
func startServer(t testing.TB, auth string, mod func(*Config)) *Server {
	t.Helper()
	cfg := Config{Listen: "127.0.0.1:0", DataDir: t.TempDir(), Auth: auth}
	if auth == "sigv4" {
		cfg.Credentials = testCreds
	}
	if os.Getenv("PATTERNC_SERVE_LOG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

// clients are the AWS SDK for Go v2 clients of one caller.
type clients struct {
	ev  *eventbridge.Client
	sns *sns.Client
	sqs *sqs.Client
}

func awsConfig(s *Server, key, secret string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint: aws.String(s.URL()),
		// No retries: a test sees each answer as sent.
		Retryer: func() aws.Retryer { return aws.NopRetryer{} },
	}
}

func newClients(s *Server, key, secret string) clients {
	cfg := awsConfig(s, key, secret)
	return clients{ev: eventbridge.NewFromConfig(cfg), sns: sns.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg)}
}

// alice is the first test account's clients (under auth none, any key).
func alice(s *Server) clients { return newClients(s, "AKIDALICE", "alice-secret") }
func bob(s *Server) clients   { return newClients(s, "AKIDBOB", "bob-secret") }

// wantAPIError checks err is an AWS API error with code and, when msg is
// not empty, that message.
func wantAPIError(t testing.TB, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T), want API error %s", err, err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code %q (%v), want %q", ae.ErrorCode(), err, code)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("error message %q, want %q", ae.ErrorMessage(), msg)
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// eachAuth runs f under auth none and under sigv4 (as alice).
func eachAuth(t *testing.T, f func(t *testing.T, s *Server, c clients)) {
	for _, auth := range []string{"none", "sigv4"} {
		t.Run(auth, func(t *testing.T) {
			s := startServer(t, auth, nil)
			f(t, s, alice(s))
		})
	}
}

// asType is errors.As for a pointer to an error type.
func asType[T error](err error, target *T) bool { return errors.As(err, target) }
