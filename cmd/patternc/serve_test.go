package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusals: serve refuses what would be unsafe or wrong before
// it listens, with exit status 2 and a message naming the problem.
func TestServeRefusals(t *testing.T) {
	dir := t.TempDir()
	badConfig := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badConfig, []byte("resources:\n  topicz: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badCreds := filepath.Join(dir, "creds.yaml")
	if err := os.WriteFile(badCreds, []byte("- access_key_id: A\n  secret_access_key: s\n  account: '12'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--listen", "0.0.0.0:0", "--data", dir}, "--auth none listens only on loopback"},
		{[]string{"serve", "--auth", "sigv4", "--data", dir}, "--auth sigv4 needs --credentials"},
		{[]string{"serve", "--auth", "magic", "--data", dir}, `--auth "magic"`},
		{[]string{"serve", "--config", badConfig, "--data", dir}, "topicz"},
		{[]string{"serve", "--auth", "sigv4", "--credentials", badCreds, "--data", dir}, "is not 12 digits"},
		{[]string{"serve", "--log-format", "xml", "--data", dir}, "--log-format"},
	} {
		var out, errOut bytes.Buffer
		code := run(tc.args, strings.NewReader(""), &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut.String(), tc.want)
		}
	}
}
