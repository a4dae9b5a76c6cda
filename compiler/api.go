package compiler

// Pattern is a checked, lowered pattern or filter policy.
type Pattern struct {
	Dialect Dialect
	// Clauses is the disjunctive normal form; never empty for a valid pattern.
	Clauses []Clause
	// Warnings are non-fatal findings (undocumented operators, $or taken as
	// a field name, numbers outside AWS's documented range, …).
	Warnings ErrorList
	// Root is the checked syntax tree, before $or is distributed.
	Root *Object
}

// Options bound the work the compiler does. The zero value means defaults.
type Options struct {
	MaxDepth           int // nesting depth of the pattern document
	MaxClauses         int // clauses after $or expansion
	MaxSize            int // characters of compact pattern text (0: dialect default)
	WildcardComplexity int // docs/semantics/patterns.md §4.5; 0: the AWS-compatible default
	// AllErrors reports every independent error (each member, each list
	// entry) in document order instead of stopping at the first. The first
	// entry is still the one AWS reports; the SNS order of checks (keys,
	// structure, combinations, operators) still holds between phases.
	AllErrors bool
}
