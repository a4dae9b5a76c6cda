package compiler

import "github.com/patternc/patternc/compiler/source"

// The typed syntax tree of a checked pattern: what the user wrote, with
// positions, before $or is distributed. Lowering turns it into Clauses.

// Object is a pattern object: the whole pattern, a nested object, or one
// branch of an $or.
type Object struct {
	Pos     source.Pos
	Members []*Member
}

// MemberKind says what a Member holds.
type MemberKind uint8

const (
	// MemberLeaf is a condition list for the path.
	MemberLeaf MemberKind = iota + 1
	// MemberObject descends: the path grows by Key.
	MemberObject
	// MemberOr is an $or: alternatives evaluated at the current level.
	MemberOr
)

// Member is one key of an Object.
type Member struct {
	Key      string
	Pos      source.Pos
	Kind     MemberKind
	Conds    []Condition // MemberLeaf
	Object   *Object     // MemberObject
	Branches []*Object   // MemberOr
}
