// Package automaton is patternc's shared finite-state matcher: many
// compiled patterns — EventBridge patterns and SNS filter policies of both
// scopes — in one machine, so matching an event costs about the same for
// one pattern or a hundred thousand.
//
// The machine keeps, per input kind and per dotted path that some pattern
// names, a value automaton: persistent byte tries over typed keys (a type
// tag, then the string's bytes, a comparable 8-byte number key, or an IP
// address), with reversed tries for suffixes, case-folded tries for the
// ignore-case operators, byte ranges for CIDR blocks whose mask ends inside
// a byte, wildcards anchored at their literal head, and numeric ranges as
// intervals of number keys cut into segments. Trie marks say which clause
// field a value satisfies, or which anything-but it is excluded by.
//
// Match reads the event once with a skipping scanner that descends only
// along pattern paths and decodes only their values; clauses touched by a
// hit are then decided, with a search for an array-consistent choice of
// leaves where arrays are involved (semantics in compiler/clause.go;
// compiler.Explain is the reference it is tested against).
//
// Add and Delete copy what they change and publish the next snapshot with
// one atomic pointer store, so matching never locks. A Matcher carries one
// goroutine's scratch memory and allocates nothing in steady state.
package automaton
