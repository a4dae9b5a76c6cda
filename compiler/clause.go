package compiler

import (
	"net/netip"

	"github.com/patternc/patternc/compiler/source"
)

// This file is the compiler's output: the lowered form that the automaton
// builds from and that Explain interprets. It knows nothing of JSON rule
// syntax. A checked pattern lowers to a disjunction of Clauses (every $or
// distributed); a Clause is a conjunction of Fields with distinct paths; a
// Field is a disjunction of Conditions on the leaves at one path.
//
// Matching semantics, shared by Explain and the automaton (docs/semantics/patterns.md §1, §5):
//
//   - An event's leaves are its strings, numbers, true, false and null; a
//     leaf's path is its object keys joined with "."; arrays add no segment
//     and every element (recursively) is a leaf of the same path. Every leaf
//     also carries the (array, index) pairs of the array elements it lies
//     in that are objects or arrays: a scalar element of an array pins no
//     index and combines with leaves of any element (docs/semantics/patterns.md §5, as
//     event-ruler).
//   - A Clause matches iff there is one choice of leaves, one for each Field
//     that needs a leaf (every Condition but Exists=false), such that the
//     chosen leaf satisfies one of that Field's Conditions and no two chosen
//     leaves use different indexes of the same array (array consistency).
//   - An Exists=false Condition on path P holds for such a choice iff no
//     leaf at P is consistent with the choice (every array on the leaf's way
//     is either unused by the choice or used at the same index).
//   - The pattern matches iff some Clause matches.

// LiteralKind is the JSON type of a Literal.
type LiteralKind uint8

const (
	LitString LiteralKind = iota + 1
	LitNumber
	LitTrue
	LitFalse
	LitNull
)

// Literal is a scalar value of a pattern.
type Literal struct {
	Kind LiteralKind
	// Text is the decoded string for LitString and the number's literal text
	// as written for LitNumber.
	Text string
	// Num is the nearest binary64 of a LitNumber.
	Num float64
	// Exact reports whether a LitNumber is comparable (docs/semantics/patterns.md §6): its
	// exact decimal value equals that of the shortest round-trip form of Num.
	// Comparable numbers compare by Num; others only by Text.
	Exact bool
}

// Op is what a Condition tests.
type Op uint8

const (
	// OpEquals: a leaf equal to Value (strings by bytes, comparable numbers
	// by value, other numbers by text, true/false/null by kind).
	OpEquals Op = iota + 1
	// OpPrefix / OpSuffix: a string leaf starting / ending with Text
	// (IgnoreCase: per equals-ignore-case rules).
	OpPrefix
	OpSuffix
	// OpEqualsIgnoreCase: a string leaf equal to Text ignoring case.
	OpEqualsIgnoreCase
	// OpWildcard: a string leaf matching Glob.
	OpWildcard
	// OpAnythingBut: a present leaf (any kind) that Exclude does not exclude.
	OpAnythingBut
	// OpNumeric: a comparable number leaf inside Range.
	OpNumeric
	// OpExists: Exists=true, a leaf is present (NonEmpty: and it is neither
	// null nor ""); Exists=false, no leaf is present (see the file comment).
	OpExists
	// OpCIDR: a string leaf that is an IP address of Prefix's family inside
	// Prefix.
	OpCIDR
)

// Glob is a parsed wildcard: Parts are the literal runs between unescaped
// '*', escapes already removed, so a glob with n stars has n+1 Parts
// ("a*b" → ["a","b"]; "*" → ["",""]; "ab" → ["ab"]).
type Glob struct {
	Parts []string
}

// Range is a numeric interval; a missing bound is unbounded. "=" is
// Lo == Hi with both inclusive.
type Range struct {
	Lo, Hi         float64
	HasLo, HasHi   bool
	LoIncl, HiIncl bool
	// LoText and HiText are the bounds as the pattern wrote them
	// (1048576, not 1.048576e+06), for explanations; empty for ranges
	// built in code. Matching uses only Lo and Hi.
	LoText, HiText string
}

// Exclusion says which leaves an anything-but excludes. Exactly one of
// Values, Texts or Globs is set, chosen by Op.
type Exclusion struct {
	// Op is OpEquals (Values: all strings or all comparable-or-not numbers),
	// OpPrefix, OpSuffix, OpEqualsIgnoreCase (Texts) or OpWildcard (Globs).
	Op     Op
	Values []Literal
	Texts  []string
	Globs  []Glob
}

// Condition is one entry of a condition list, lowered.
type Condition struct {
	Op         Op
	Value      Literal      // OpEquals
	Text       string       // OpPrefix, OpSuffix, OpEqualsIgnoreCase
	IgnoreCase bool         // OpPrefix, OpSuffix
	Glob       Glob         // OpWildcard
	Exclude    Exclusion    // OpAnythingBut
	Range      Range        // OpNumeric
	Exists     bool         // OpExists
	Prefix     netip.Prefix // OpCIDR (host bits already masked)

	// NonEmpty: SNS rule for exists:true (docs/semantics/filter-policies.md §2).
	NonEmpty bool
	// EveryValue: SNS String.Array rule for anything-but in the
	// MessageAttributes scope (docs/semantics/filter-policies.md §3.3): every leaf at the
	// path must be present and not excluded, not just one.
	EveryValue bool

	// Pos is where the condition was written, for explanations.
	Pos source.Pos
}

// Field is the condition list for one path.
type Field struct {
	Path  string
	Conds []Condition // OR-ed
}

// Clause is one conjunction of a pattern's disjunctive normal form. Fields
// are sorted by Path and have distinct paths.
type Clause struct {
	Fields []Field
}
