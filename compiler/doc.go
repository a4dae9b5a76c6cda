// Package compiler reads, checks and lowers Amazon EventBridge event
// patterns and Amazon SNS subscription filter policies.
//
// The pipeline follows regexp/syntax: the source package reads JSON into a
// position-carrying tree; the checker judges the tree exactly as AWS does
// for one Dialect (EventBridge, SNS MessageAttributes scope, SNS
// MessageBody scope), building a typed syntax tree (Object, Member) and
// reporting the first error with AWS's reason text, a stable code, a
// position and a hint; lowering distributes every $or into Clauses, the
// form the automaton compiles. Explain is a plain interpreter of Clauses:
// the reference every faster matcher is tested against. It takes an
// EventBridge event, or for the SNS dialects a Publish request, which
// ParsePublish reads (attributes become a flat event; the MessageBody
// scope matches the Message parsed as JSON).
//
// Compile stops at the first error, as AWS does; Options.AllErrors lists
// every independent error in document order (AWS's first) for linters.
// Options also hold patternc's own safety budgets (depth, clause count
// after $or distribution) and the AWS limits that can be raised (pattern
// size, wildcard complexity).
//
// Codes: E0xx reading, E1xx structure, E2xx operators, E3xx limits, W1xx
// warnings. Codes lists every one with its meaning and a pattern that
// draws it; docs/codes.md is generated from that table.
//
// Wildcard complexity (E301) is event-ruler's own measure, computed over a
// model of the engine's automaton layout (complexity*.go): the $or
// sub-rules in the engine's order, a chain of name states over each one's
// sorted fields, one value machine per field laid out with the engine's
// state-reuse rules, scored by a bounded subset traversal.
// WildcardComplexity gives the figure and the field whose value machine
// drives it; DefaultWildcardComplexity (10) is the limit.
package compiler
