package testsupport

import (
	"os"
	"testing"

	"github.com/patternc/patternc/internal/crashtest"
)

// Main runs a package's tests, then stops the embedded JetStream server (if
// a test started it) and removes its directory, and exits with the tests'
// status. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	stopJetStream()
	os.Exit(code)
}

// MainCrash is Main for a package with crash tests: in the crash child
// process it runs child until killed (crashtest.ServeChild).
func MainCrash(m *testing.M, child func(mode, dir string)) {
	crashtest.ServeChild(child)
	Main(m)
}
