// Package reason answers what a reviewer of a rule asks: which event does
// this pattern match (Examples), what does an edit make it match or stop
// matching (Compare), can it ever match (NeverMatches), and is an $or
// branch or a whole rule hidden behind another (RedundantBranches,
// Subsumes).
//
// It reasons over the clauses as lowered (so an $or branch that names a
// sibling's path replaces the sibling's condition, as AWS does), each
// clause read as a box: a value set (compiler/valueset) per path it names.
// Events are real ones: for EventBridge the envelope rules hold (version
// is "0"; id, detail-type, source, account, time and region are present
// strings; resources holds strings; detail is an object), so a clause that
// asks for something else is dead, with the rule that kills it as reason.
//
// Why events with one value per path suffice (for events without arrays of
// objects; arrays.go handles what array consistency adds): a field
// of a clause asks for one leaf at its path (or for none). Take an event
// that one pattern matches and the other does not; keep, at each path, one
// value (the one the matching clause used, else any). The matching clause
// still matches; a clause of the other pattern that failed because no value
// satisfied a field still fails with fewer values, and one that failed
// because a value was present where {"exists": false} asked for none still
// fails, since a value stays. So a difference shows on an event with one
// value per path, and differences of boxes (subtraction, kept under
// MaxBoxes) find it. A witness is always a real event, so a reported
// difference is always real. SNS's String.Array rule for anything-but
// reads every value of an attribute: Compare says so in Caveat.
//
// Every example and witness is checked by compiler.Explain before it is
// returned; soundness tests run the reasoning against Explain on random
// patterns from internal/patterngen.
package reason
