package boltstore

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/patternc/patternc/runtime/store"
)

// bbolt refuses empty keys, so every key is stored behind a one-byte
// prefix; order is unchanged.
func enc(k []byte) []byte { return append([]byte{'k'}, k...) }

// Store is a store.Store on a bbolt file.
type Store struct {
	db *bolt.DB
}

// FileName is the name of the database file inside the data directory.
const FileName = "patternc.db"

// Open opens (creating if needed) the store in dir.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", dir, err)
	}
	db.MaxBatchDelay = 2 * time.Millisecond
	return &Store{db: db}, nil
}

// Get returns the value at key, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, bucket string, key []byte) ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return store.ErrNotFound
		}
		v := b.Get(enc(key))
		if v == nil {
			return store.ErrNotFound
		}
		out = append([]byte(nil), v...)
		return nil
	})
	return out, err
}

// Scan visits [from, to) in key order.
func (s *Store) Scan(ctx context.Context, bucket string, from, to []byte, fn func(key, val []byte) bool) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		var k, v []byte
		if from == nil {
			k, v = c.First()
		} else {
			k, v = c.Seek(enc(from))
		}
		var end []byte
		if to != nil {
			end = enc(to)
		}
		for ; k != nil; k, v = c.Next() {
			if end != nil && bytes.Compare(k, end) >= 0 {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if !fn(append([]byte(nil), k[1:]...), append([]byte(nil), v...)) {
				return nil
			}
		}
		return nil
	})
}

// Apply commits b atomically and durably.
func (s *Store) Apply(ctx context.Context, b *store.Batch) error {
	if len(b.Ops) == 0 {
		return nil
	}
	return s.db.Batch(func(tx *bolt.Tx) error {
		for _, op := range b.Ops {
			bk, err := tx.CreateBucketIfNotExists([]byte(op.Bucket))
			if err != nil {
				return fmt.Errorf("boltstore: bucket %q: %w", op.Bucket, err)
			}
			if op.Val == nil {
				err = bk.Delete(enc(op.Key))
			} else {
				err = bk.Put(enc(op.Key), op.Val)
			}
			if err != nil {
				return fmt.Errorf("boltstore: %s/%x: %w", op.Bucket, op.Key, err)
			}
		}
		return nil
	})
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }
