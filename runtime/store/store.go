package store

import (
	"context"
	"errors"
)

// ErrNotFound is returned by Get for a missing key.
var ErrNotFound = errors.New("store: not found")

// Store is a set of named buckets of byte keys and values. Keys are
// arbitrary bytes (engines encode them as they need); Scan visits keys in
// ascending byte order. A write that returned nil is durable.
type Store interface {
	Get(ctx context.Context, bucket string, key []byte) ([]byte, error)
	// Scan calls fn for every key in [from, to) in ascending order (nil
	// bounds are open), stopping early when fn returns false.
	Scan(ctx context.Context, bucket string, from, to []byte, fn func(key, val []byte) bool) error
	// Apply performs the writes of b durably, in order. bbolt applies a
	// batch atomically; JetStream applies it op by op, so after a crash a
	// prefix of a batch may be applied: layouts on the store must be safe
	// under that (write the new record before deleting the old one).
	Apply(ctx context.Context, b *Batch) error
	Close() error
}

// Op is one write of a Batch.
type Op struct {
	Bucket string
	Key    []byte
	Val    []byte // nil means delete
}

// Batch is an ordered list of writes applied together.
type Batch struct {
	Ops []Op
}

// Put adds a write of val at key.
func (b *Batch) Put(bucket string, key, val []byte) {
	b.Ops = append(b.Ops, Op{Bucket: bucket, Key: key, Val: val})
}

// Delete adds a removal of key.
func (b *Batch) Delete(bucket string, key []byte) {
	b.Ops = append(b.Ops, Op{Bucket: bucket, Key: key})
}

// ErrUnavailable wraps an engine error that says the store cannot commit or
// read right now (a JetStream cluster without quorum, a connection being
// re-established): nothing was acknowledged, and the request may be retried.
var ErrUnavailable = errors.New("store: unavailable, retry")
