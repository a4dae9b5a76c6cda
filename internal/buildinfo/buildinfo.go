package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Info identifies a build.
type Info struct {
	Version   string // module version: v1.2.3, a pseudo-version, or "(devel)"
	Revision  string // VCS revision, full hash; empty when not built from a checkout
	Time      string // commit time (RFC 3339), when known
	Modified  bool   // the checkout had uncommitted changes
	GoVersion string // toolchain that built the binary
	Platform  string // GOOS/GOARCH
}

// Read returns the running binary's build information.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Info{Version: "(devel)", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	}
	return fromBuildInfo(bi)
}

func fromBuildInfo(bi *debug.BuildInfo) Info {
	in := Info{Version: bi.Main.Version, GoVersion: bi.GoVersion, Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if in.Version == "" {
		in.Version = "(devel)" // go test and go run binaries carry no module version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Revision = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		case "GOOS":
			in.Platform = s.Value + in.Platform[strings.Index(in.Platform, "/"):]
		case "GOARCH":
			in.Platform = in.Platform[:strings.Index(in.Platform, "/")+1] + s.Value
		}
	}
	if in.GoVersion == "" {
		in.GoVersion = runtime.Version()
	}
	return in
}

// Short is the version for machine-read fields such as SARIF's
// tool.driver.version: the module version, or for a development build
// "devel" with the short revision ("devel+7d6b1c3d", "+dirty" when
// modified).
func (in Info) Short() string {
	if in.Version != "(devel)" {
		return in.Version
	}
	v := "devel"
	if in.Revision != "" {
		v += "+" + shortRev(in.Revision)
		if in.Modified {
			v += "-dirty"
		}
	}
	return v
}

// String is the one-line answer of `patternc version`:
//
//	patternc v0.2.0 (revision 7d6b1c3d 2026-11-30T12:00:00Z) go1.26.8 linux/amd64
func (in Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "patternc %s", in.Version)
	if in.Revision != "" {
		fmt.Fprintf(&b, " (revision %s", shortRev(in.Revision))
		if in.Time != "" {
			fmt.Fprintf(&b, " %s", in.Time)
		}
		if in.Modified {
			b.WriteString(" modified")
		}
		b.WriteString(")")
	} else {
		b.WriteString(" (revision unknown)")
	}
	fmt.Fprintf(&b, " %s %s", in.GoVersion, in.Platform)
	return b.String()
}

func shortRev(r string) string {
	if len(r) > 12 {
		return r[:12]
	}
	return r
}
