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
// Codes: E0xx reading (E001 syntax, E002 too large, E003 too deep, E004
// encoding), E1xx structure (E101 not an object, E102 scalar member, E103
// empty object, E104 empty list, E105 nested list, E106 empty match
// expression, E107 more than one key, E108 unknown operator, E109 $or,
// E110 nesting in the MessageAttributes scope), E2xx operators (E201
// prefix, E202 suffix, E203 equals-ignore-case, E204 wildcard, E205
// anything-but, E206 numeric, E207 exists, E208 cidr, E209 exactly, E210
// inexact number), E3xx limits (E301 wildcard complexity, E302 SNS keys,
// E303 SNS combinations, E304 clause budget), W1xx warnings (W101 exactly,
// W102 $or read as a field name, W103 number outside AWS's documented
// range, W104 number not exactly representable, W105 wildcard complexity
// over the limit that only event-ruler's exists:false quirk hides).
//
// Wildcard complexity (E301) is event-ruler's own measure, computed over a
// model of the engine's automaton layout (complexity*.go): the $or
// sub-rules in the engine's order, a chain of name states over each one's
// sorted fields, one value machine per field laid out with the engine's
// state-reuse rules, scored by a bounded subset traversal.
// WildcardComplexity gives the figure and the field whose value machine
// drives it; DefaultWildcardComplexity (10) is the limit.
package compiler
