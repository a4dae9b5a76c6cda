// Package boltstore is the embedded store engine: one bbolt file under the
// runtime's data directory. Every Apply is a durable commit (fsync), and
// concurrent Applies are coalesced into one transaction by bbolt's Batch,
// so throughput grows with concurrency while each caller still waits for
// its own durable commit.
package boltstore
