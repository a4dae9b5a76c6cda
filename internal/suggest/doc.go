// Package suggest finds the word a user probably meant ("did you mean"):
// the one shared place for near-miss matching of names, used for operator
// names (compiler) and EventBridge envelope fields (lint).
package suggest
