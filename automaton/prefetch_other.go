//go:build !amd64 || purego

package automaton

// prefetchInput does nothing where there is no prefetch kernel.
func prefetchInput(d []byte) {}

// prefetchClause does nothing where there is no prefetch kernel.
func prefetchClause(cl *clauseRec) {}
