//go:build !amd64 || purego

package automaton

import "unsafe"

// runsOn says whether passMembers keeps runs (memberrun.go): not without
// the amd64 kernel, where a word loop costs what it saves.
var runsOn = false

// runBytes is memberRun.test where there is no kernel.
func runBytes(p *byte, t *memberRun, nb int) bool {
	return t.test(unsafe.Slice(p, 32*nb))
}
