package storetest

import "testing"

func TestEngines(t *testing.T) {
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) { Run(t, e) })
	}
}
