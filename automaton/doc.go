// Package automaton is patternc's shared finite-state matcher: many
// compiled patterns — EventBridge patterns and SNS filter policies of both
// scopes — in one machine, so matching an event costs about the same for
// one pattern or a hundred thousand.
//
// The machine keeps, per input kind and per dotted path that some pattern
// names, a value automaton: persistent radix tries over typed keys (a type
// tag, then the string's bytes, a comparable 8-byte number key, or an IP
// address), with reversed tries for suffixes, case-folded tries for the
// ignore-case operators, byte ranges for CIDR blocks whose mask ends inside
// a byte, wildcards anchored at their literal head, and numeric ranges as
// intervals of number keys in a centred interval tree.
//
// Trie marks fire predicates, not rules: a predicate is one field's
// conditions at one path, interned, so a thousand rules on "source":
// ["aws.ec2"] cost one mark and one hit. Identical clauses are one clause
// with several patterns. Each clause is anchored on its most selective
// required predicate and decided only when that one fires; its other
// fields are looked up, anything-but and exists computed on demand.
//
// Match reads the event once with a skipping scanner that descends only
// along pattern paths and decodes only their values; anchored clauses are
// then decided, with a search for an array-consistent choice of leaves
// where two fields' leaves lie in arrays (semantics in compiler/clause.go;
// compiler.Explain is the reference it is tested against).
//
// MatchTrusted is the same for events known to meet its contract (valid
// JSON in which no object names a member twice, a dotted name counting
// as its first part; CheckTrusted tells): it skips without validating and
// stops once every member leading to a pattern path has been passed.
//
// Add and Delete copy what they change and publish the next snapshot with
// one atomic pointer store, so matching never locks. A Matcher carries one
// goroutine's scratch memory and allocates nothing in steady state.
//
// AddAll plans a large rule set it loads at once; single Adds cannot, and
// a machine built or changed by many matches more slowly. Rules keeps a
// set that changes one pattern at a time planned: it loads the set anew
// after enough writes.
package automaton
