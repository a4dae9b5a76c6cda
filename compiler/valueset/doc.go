// Package valueset holds the sets of values that one field of a lowered
// pattern accepts at its path, with union, intersection, complement,
// emptiness and readable witnesses: what compiler/reason needs to say
// which events a pattern matches.
//
// A Set has one part per kind of event value. Strings are a Lang: a
// regular language over bytes (kept to valid UTF-8, as event strings
// are), built for each string operator (exact, prefix, suffix,
// equals-ignore-case and its prefix/suffix forms, wildcard, cidr, and by
// complement the anything-but forms) as a minimised deterministic
// automaton with byte classes. Numbers are Numbers: closed ranges of the
// comparable encoding (Key) for numbers that compare by value, and a
// finite or cofinite set of texts for those that do not
// (docs/semantics/patterns.md §6). true, false, null and Absent (no value,
// what {"exists": false} asks for) are flags.
//
// Everything is bounded: an automaton past MaxStates stops the operation
// with a *BudgetError (as a panic that compiler/reason turns into an
// error), never a hang. A Lang carries a lower and an upper bound so that
// an approximate language would stay sound; those the operators make today
// are exact (Lang.Exact).
package valueset
