package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		name        string
		bi          debug.BuildInfo
		short, line string
	}{
		{
			name: "release",
			bi: debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.2.0"}, Settings: []debug.BuildSetting{
				{Key: "GOOS", Value: "darwin"}, {Key: "GOARCH", Value: "arm64"},
				{Key: "vcs.revision", Value: "7d6b1c3d0123456789abcdef0123456789abcdef"},
				{Key: "vcs.time", Value: "2026-11-30T12:00:00Z"}, {Key: "vcs.modified", Value: "false"}}},
			short: "v0.2.0",
			line:  "patternc v0.2.0 (revision 7d6b1c3d0123 2026-11-30T12:00:00Z) go1.26.8 darwin/arm64",
		},
		{
			name: "dirty checkout",
			bi: debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
				{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "amd64"},
				{Key: "vcs.revision", Value: "abcdef0123456789"}, {Key: "vcs.modified", Value: "true"}}},
			short: "devel+abcdef012345-dirty",
			line:  "patternc (devel) (revision abcdef012345 modified) go1.26.8 linux/amd64",
		},
		{
			name:  "go test binary",
			bi:    debug.BuildInfo{GoVersion: "go1.26.8", Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "amd64"}}},
			short: "devel",
			line:  "patternc (devel) (revision unknown) go1.26.8 linux/amd64",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := fromBuildInfo(&tc.bi)
			if got := in.Short(); got != tc.short {
				t.Errorf("Short() = %q, want %q", got, tc.short)
			}
			if got := in.String(); got != tc.line {
				t.Errorf("String() = %q, want %q", got, tc.line)
			}
		})
	}
}

func TestReadNamesTheToolchain(t *testing.T) {
	in := Read()
	if !strings.HasPrefix(in.GoVersion, "go") || in.Version == "" {
		t.Fatalf("Read() = %+v: want a Go version and a module version", in)
	}
}
