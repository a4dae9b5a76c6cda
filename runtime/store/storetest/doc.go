// Package storetest is the conformance suite every store engine passes,
// and the engine table runtime tests run against.
package storetest
