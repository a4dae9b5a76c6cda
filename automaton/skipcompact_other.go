//go:build !amd64 || purego

package automaton

// skipCompact returns -1 here, without the amd64 kernel: skipContainer
// reads every container.
func skipCompact(d []byte, i, depth int) int { return -1 }

// skipCompactOn is whether skipCompact runs a kernel: not here.
const skipCompactOn = false
