package sqs

import (
	"testing"

	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// The embedded JetStream server of the engines stops, and its directory
// goes, when the tests end.
func TestMain(m *testing.M) { testsupport.Main(m) }
