package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/patternc/patternc/runtime/server"
)

func init() { subcommands = append(subcommands, newServeCmd) }

func newServeCmd() *cobra.Command {
	var f server.File
	var configPath, callbackSecret string
	var callbackHosts []string
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Serve buses, topics and queues to the aws CLI and AWS SDKs on one local port",
		Long: `serve runs the runtime behind one HTTP port that speaks AWS's protocols:
EventBridge (awsJson1_1), SNS (awsQuery), SQS (awsJson1_0 and awsQuery),
Lambda (restJson1: functions run as local processes over the Lambda Runtime
API) and CloudWatch Logs (awsJson1_1). Point any AWS client at it with
--endpoint-url or AWS_ENDPOINT_URL.

/v1/... is patternc's client status API for async invocations: status
documents to poll, webhooks (signed with --callback-secret; loopback only
unless --allow-callback-host) and WebSocket subscriptions.

GET /health answers {"status":"ok"} once it is ready; GET /metrics is in the
Prometheus text format. SIGINT or SIGTERM stops it gracefully (requests in
flight finish, delivery stops, the store is closed; a second signal exits at
once). Nothing acknowledged is lost: every answer follows a durable commit.

--auth none (the default) listens on loopback only; --auth sigv4 checks
Signature Version 4 against --credentials (YAML: a list of access_key_id,
secret_access_key, account), one account per access key.`,
		Example: `  patternc serve
  AWS_ENDPOINT_URL=http://127.0.0.1:4590 aws events list-event-buses
  patternc serve --auth sigv4 --credentials creds.yaml --listen 0.0.0.0:4590
  patternc serve --config serve.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if configPath != "" {
				file, err := server.LoadFile(configPath)
				if err != nil {
					return &exitError{code: 2, err: err}
				}
				mergeFlags(cmd, &f, file)
			}
			return runServe(cmd, &f, callbackSecret, callbackHosts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Listen, "listen", "127.0.0.1:4590", "address to listen on")
	fl.StringVar(&f.Data, "data", ".patternc-data", "data directory (bbolt, one directory per account)")
	fl.StringVar(&f.NATS, "nats", "", "NATS JetStream URL to store in instead of --data (comma-separated: every node of a cluster)")
	fl.IntVar(&f.NATSReplicas, "nats-replicas", 1, "replicas of the JetStream buckets serve creates (3 on a 3-node cluster)")
	fl.StringVar(&f.Region, "region", "us-east-1", "region of the resources")
	fl.StringVar(&f.Account, "account", "000000000000", "account of unsigned requests (--auth none)")
	fl.StringVar(&f.Auth, "auth", "none", "none (loopback only) or sigv4")
	fl.StringVar(&f.Credentials, "credentials", "", "credentials file for --auth sigv4")
	fl.BoolVar(&f.Insecure, "insecure", false, "allow --auth none on a non-loopback address")
	fl.StringVar(&f.LogLevel, "log-level", "info", "debug, info, warn or error")
	fl.StringVar(&f.LogFormat, "log-format", "text", "text or json")
	fl.StringVar(&configPath, "config", "", "YAML config file: the flags' settings plus resources to create")
	fl.StringVar(&callbackSecret, "callback-secret", "", "HMAC-SHA256 secret signing status webhooks (X-Patternc-Signature)")
	fl.StringSliceVar(&callbackHosts, "allow-callback-host", nil, "host a status webhook may target besides loopback (repeatable; * for any)")
	return cmd
}

// mergeFlags takes the file's settings for every flag not given on the
// command line.
func mergeFlags(cmd *cobra.Command, f, file *server.File) {
	set := func(name string, dst *string, v string) {
		if v != "" && !cmd.Flags().Changed(name) {
			*dst = v
		}
	}
	set("listen", &f.Listen, file.Listen)
	set("data", &f.Data, file.Data)
	set("nats", &f.NATS, file.NATS)
	set("region", &f.Region, file.Region)
	set("account", &f.Account, file.Account)
	set("auth", &f.Auth, file.Auth)
	set("credentials", &f.Credentials, file.Credentials)
	set("log-level", &f.LogLevel, file.LogLevel)
	set("log-format", &f.LogFormat, file.LogFormat)
	if file.NATSReplicas != 0 && !cmd.Flags().Changed("nats-replicas") {
		f.NATSReplicas = file.NATSReplicas
	}
	if file.Insecure && !cmd.Flags().Changed("insecure") {
		f.Insecure = true
	}
	f.Resources = file.Resources
}

func runServe(cmd *cobra.Command, f *server.File, callbackSecret string, callbackHosts []string) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.LogLevel)); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("--log-level %q: %v", f.LogLevel, err)}
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch f.LogFormat {
	case "text":
		h = slog.NewTextHandler(cmd.ErrOrStderr(), opts)
	case "json":
		h = slog.NewJSONHandler(cmd.ErrOrStderr(), opts)
	default:
		return &exitError{code: 2, err: fmt.Errorf("--log-format %q: want text or json", f.LogFormat)}
	}
	cfg := server.Config{Listen: f.Listen, DataDir: f.Data, NATSURL: f.NATS, NATSReplicas: f.NATSReplicas, Region: f.Region, Account: f.Account,
		Auth: f.Auth, Insecure: f.Insecure, Logger: slog.New(h), Resources: f.Resources,
		CallbackSecret: callbackSecret, AllowCallbackHosts: callbackHosts}
	if f.Credentials != "" {
		creds, err := server.LoadCredentials(f.Credentials)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		cfg.Credentials = creds
	}
	srv, err := server.New(cfg)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if f.Insecure && f.Auth == "none" {
		fmt.Fprintf(cmd.ErrOrStderr(), "patternc serve: WARNING: --insecure: anyone who reaches %s can use it without credentials\n", f.Listen)
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := srv.Start(); err != nil {
		return &exitError{code: 1, err: err}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "patternc serve: listening on %s (use --endpoint-url %s)\n", srv.Addr(), srv.URL())
	<-sigs
	fmt.Fprintln(cmd.ErrOrStderr(), "patternc serve: shutting down (a second signal exits at once)")
	go func() {
		<-sigs
		os.Exit(130)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return &exitError{code: 1, err: err}
	}
	return nil
}
