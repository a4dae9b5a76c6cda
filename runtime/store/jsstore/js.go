package jsstore

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/patternc/patternc/runtime/store"
)

// Config says where JetStream is and how to make buckets.
type Config struct {
	URL      string // nats:// URL (default nats.DefaultURL)
	Prefix   string // bucket name prefix (default "patternc")
	Replicas int    // bucket replicas (default 1; use >= 3 in production)
	// LeaseTTL is how long a queue item's claim lives without renewal
	// (default 30 s): a dead instance's items are taken over after it.
	LeaseTTL time.Duration
}

// Store is a store.Store on JetStream.
type Store struct {
	cfg Config
	nc  *nats.Conn
	js  jetstream.JetStream

	owner string // this process's name in claims (claim.go)

	mu  sync.Mutex
	kvs map[string]jetstream.KeyValue
}

// Open connects to JetStream.
func Open(cfg Config) (*Store, error) {
	if cfg.URL == "" {
		cfg.URL = nats.DefaultURL
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "patternc"
	}
	if cfg.Replicas <= 0 {
		cfg.Replicas = 1
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = defaultLeaseTTL
	}
	nc, err := nats.Connect(cfg.URL, nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("jsstore: connect %s: %w", cfg.URL, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return &Store{cfg: cfg, nc: nc, js: js, owner: uuid.NewString(), kvs: map[string]jetstream.KeyValue{}}, nil
}

// bucketName maps a store bucket to a JetStream bucket name
// (alphanumerics, dashes and underscores only).
func (s *Store) bucketName(bucket string) string {
	var b strings.Builder
	b.WriteString(s.cfg.Prefix)
	b.WriteByte('_')
	for _, c := range []byte(bucket) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	return b.String()
}

func (s *Store) kv(ctx context.Context, bucket string, create bool) (jetstream.KeyValue, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if kv, ok := s.kvs[bucket]; ok {
		return kv, nil
	}
	name := s.bucketName(bucket)
	// Instances start together: one may look a bucket up while another
	// is creating it (openKV retries).
	kv, err := s.openKV(ctx, jetstream.KeyValueConfig{Bucket: name, Replicas: s.cfg.Replicas, Storage: jetstream.FileStorage}, create)
	if err != nil {
		return nil, fmt.Errorf("jsstore: bucket %q: %w", bucket, unavailable(err))
	}
	if kv == nil {
		return nil, nil
	}
	s.kvs[bucket] = kv
	return kv, nil
}

// openKV looks bucket cfg.Bucket up, creating it with cfg when create is
// set (nil, nil: it does not exist), and returns a handle that reads
// through the stream leader. Each attempt has its own deadline (0.25 s,
// doubling up to 8 s); one that timed out is tried again: a lookup
// racing another instance's creation of the bucket can go unanswered.
func (s *Store) openKV(ctx context.Context, cfg jetstream.KeyValueConfig, create bool) (jetstream.KeyValue, error) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 250*time.Millisecond<<(attempt-1))
		kv, err := s.openKVOnce(actx, cfg, create)
		cancel()
		if err == nil || ctx.Err() != nil || attempt == 6 || !errors.Is(err, context.DeadlineExceeded) {
			return kv, err
		}
	}
}

func (s *Store) openKVOnce(ctx context.Context, cfg jetstream.KeyValueConfig, create bool) (jetstream.KeyValue, error) {
	kv, err := s.js.KeyValue(ctx, cfg.Bucket)
	created := false
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		if !create {
			return nil, nil
		}
		kv, err = s.js.CreateOrUpdateKeyValue(ctx, cfg)
		created = true
	}
	if err != nil {
		return nil, err
	}
	return s.leaderReads(ctx, cfg.Bucket, kv, created)
}

// leaderReads turns off direct gets on a replicated bucket's stream and
// returns a handle that reads through the stream leader. KV buckets allow
// direct gets, which any replica answers, also one that has not applied
// the latest writes yet: a Get right after an acknowledged Put or delete
// could read the old value (a deleted SQS message handed out again and
// written back). The leader has applied every write it acknowledged, so
// reads through it see them: the store's read-your-writes, as on bbolt.
//
// The instance that created the bucket turns direct gets off; another
// that finds them on waits for that (two updates of a stream whose group
// is still forming stall each other), and turns them off itself only
// when they stay on (a bucket made by something else).
func (s *Store) leaderReads(ctx context.Context, name string, kv jetstream.KeyValue, created bool) (jetstream.KeyValue, error) {
	if s.cfg.Replicas <= 1 {
		return kv, nil // one copy: nothing to lag behind
	}
	waitUntil := time.Now().Add(2 * time.Second)
	for waited := false; ; waited = true {
		st, err := s.js.Stream(ctx, "KV_"+name)
		if err != nil {
			return nil, err
		}
		cfg := st.CachedInfo().Config
		if !cfg.AllowDirect {
			if waited { // kv was opened for direct gets
				return s.js.KeyValue(ctx, name)
			}
			return kv, nil
		}
		if created || time.Now().After(waitUntil) {
			cfg.AllowDirect = false
			if _, err := s.js.UpdateStream(ctx, cfg); err != nil {
				return nil, err
			}
			return s.js.KeyValue(ctx, name)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func encodeKey(k []byte) string { return "k" + hex.EncodeToString(k) }

func decodeKey(k string) ([]byte, bool) {
	if !strings.HasPrefix(k, "k") {
		return nil, false
	}
	b, err := hex.DecodeString(k[1:])
	return b, err == nil
}

// Get returns the value at key, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, bucket string, key []byte) ([]byte, error) {
	kv, err := s.kv(ctx, bucket, false)
	if err != nil {
		return nil, err
	}
	if kv == nil {
		return nil, store.ErrNotFound
	}
	e, err := kv.Get(ctx, encodeKey(key))
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, unavailable(err)
	}
	return e.Value(), nil
}

// Scan visits [from, to) in key order.
func (s *Store) Scan(ctx context.Context, bucket string, from, to []byte, fn func(key, val []byte) bool) error {
	kv, err := s.kv(ctx, bucket, false)
	if err != nil || kv == nil {
		return err
	}
	names, err := kv.Keys(ctx)
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil
	}
	if err != nil {
		return unavailable(err)
	}
	lo, hi := "", ""
	if from != nil {
		lo = encodeKey(from)
	}
	if to != nil {
		hi = encodeKey(to)
	}
	sort.Strings(names)
	for _, n := range names {
		if (lo != "" && n < lo) || (hi != "" && n >= hi) {
			continue
		}
		key, ok := decodeKey(n)
		if !ok {
			continue
		}
		e, err := kv.Get(ctx, n)
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			continue // deleted since the listing
		}
		if err != nil {
			return unavailable(err)
		}
		if !fn(key, e.Value()) {
			return nil
		}
	}
	return nil
}

// Apply writes b op by op; each write is acknowledged by JetStream (and
// on disk with sync_interval: always) before the next.
func (s *Store) Apply(ctx context.Context, b *store.Batch) error {
	_, err := s.ApplyRevisions(ctx, b)
	return err
}

// ApplyRevisions is Apply that also returns each op's revision (its
// stream sequence, which Watch reports with the change).
func (s *Store) ApplyRevisions(ctx context.Context, b *store.Batch) ([]uint64, error) {
	revs := make([]uint64, 0, len(b.Ops))
	for _, op := range b.Ops {
		kv, err := s.kv(ctx, op.Bucket, true)
		if err != nil {
			return revs, err
		}
		var rev uint64
		if op.Val == nil {
			rev, err = s.purge(ctx, op.Bucket, encodeKey(op.Key))
		} else {
			rev, err = kv.Put(ctx, encodeKey(op.Key), op.Val)
		}
		if err != nil {
			return revs, fmt.Errorf("jsstore: %s/%x: %w", op.Bucket, op.Key, unavailable(err))
		}
		revs = append(revs, rev)
	}
	return revs, nil
}

// purge writes the KV purge marker of key (what KeyValue.Purge writes:
// the key reads as deleted and its older revisions go) and returns its
// revision, which KeyValue.Purge does not.
func (s *Store) purge(ctx context.Context, bucket, key string) (uint64, error) {
	m := nats.NewMsg("$KV." + s.bucketName(bucket) + "." + key)
	m.Header.Set("KV-Operation", "PURGE")
	m.Header.Set(jetstream.MsgRollup, jetstream.MsgRollupSubject)
	ack, err := s.js.PublishMsg(ctx, m)
	if err != nil {
		return 0, err
	}
	return ack.Sequence, nil
}

// Close closes the connection.
func (s *Store) Close() error {
	s.nc.Close()
	return nil
}
