package storetest_test

import (
	"testing"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/store/storetest"
)

func TestMain(m *testing.M) { testsupport.Main(m) }

func TestEngines(t *testing.T) {
	for _, e := range testsupport.Engines() {
		t.Run(e.Name, func(t *testing.T) { storetest.Run(t, e.Open) })
	}
}
