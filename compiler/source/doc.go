// Package source reads rule documents into a position-carrying value tree.
//
// Every node keeps its line, column and byte offset, numbers keep their
// literal text, and objects keep duplicate keys, so the compiler can report
// errors where the user wrote them and apply AWS's duplicate-key rules. The
// JSON reader is bounded: depth, size and number length limits give errors,
// never a panic or a stack overflow.
package source
