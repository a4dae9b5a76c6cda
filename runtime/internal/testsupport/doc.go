// Package testsupport is what the runtime's tests share: the store engines
// to run against (bbolt, and JetStream on an in-process nats-server that
// lives here so that no production package links a NATS server), the
// environment of a service under test (a store in a temporary directory, a
// fake clock, a silent logger), polling and a recording sink.
//
// A test package that uses Engines runs its tests through Main, which stops
// the embedded server and removes its directory when the tests end:
//
//	func TestMain(m *testing.M) { testsupport.Main(m) }
package testsupport
