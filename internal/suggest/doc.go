// Package suggest finds the word a user probably meant ("did you mean"):
// the one shared place for near-miss matching of operator names, envelope
// fields and diagnostic codes.
package suggest
