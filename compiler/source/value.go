package source

// Pos is a place in a source file. Line and Col are 1-based; Col counts
// bytes, as go/token does. Offset is the 0-based byte offset. The zero Pos is
// "unknown".
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// IsValid reports whether the position is known.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Kind is the JSON type of a Value.
type Kind uint8

const (
	Null Kind = iota + 1
	False
	True
	Number
	String
	Array
	Object
)

var kindNames = [...]string{Null: "null", False: "false", True: "true", Number: "number", String: "string", Array: "array", Object: "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "invalid"
}

// Value is one node of a position-carrying JSON value tree. It is what the
// compiler checks: read from JSON text by this package, or built from YAML
// or HCL nodes by the lint front ends so that diagnostics point into the
// user's own file.
type Value struct {
	Kind Kind
	Pos  Pos // first byte of the value
	End  Pos // just after its last byte

	// Text is the decoded string for String and the literal text as written
	// for Number ("3e2", "300.0"): numbers are never rounded here.
	Text string

	// Members holds an Object's members in document order, duplicates
	// included: the compiler, not the reader, decides what a duplicate means.
	Members []Member

	// Elems holds an Array's elements.
	Elems []*Value
}

// Member is one key/value pair of an Object.
type Member struct {
	Key    string
	KeyPos Pos
	Value  *Value
}
