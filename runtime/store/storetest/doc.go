// Package storetest is the conformance suite every store engine passes:
// order, bounds, batches, deletes and durability across a reopen. The
// engines the runtime's tests run against live in
// runtime/internal/testsupport.
package storetest
