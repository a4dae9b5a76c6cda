// Package store is the runtime's one durable interface: ordered key/value
// buckets with batches. Queues, retry schedules, archives, delivery state
// and FIFO dedup tables are all laid out on it by the runtime, so an engine
// has only this to get right. Two engines implement it: boltstore (bbolt,
// embedded, the default: a file under a data directory, fsync per commit,
// concurrent batches group-committed) and jsstore (NATS JetStream
// key/value buckets, for scale-out).
//
// Pick an engine by constructor: boltstore.Open(dataDir) for one process,
// jsstore.Open(jsstore.Config{URL: ...}) for several. The storetest
// package holds the conformance suite both pass, and the engine table the
// runtime's tests run against.
package store
