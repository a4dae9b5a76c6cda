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
	kv, err := s.openKV(ctx, s.bucketName(bucket), 0, create)
	if kv == nil && err == nil {
		return nil, nil // not made yet, and not to be made by a read
	}
	if err != nil {
		return nil, fmt.Errorf("jsstore: bucket %q: %w", bucket, unavailable(err))
	}
	s.kvs[bucket] = kv
	return kv, nil
}

// openKV looks bucket name up and, when it is not found and create is
// set, creates it with the age limit ttl (0: none). It returns nil, nil
// for a bucket not found and not to be created.
func (s *Store) openKV(ctx context.Context, name string, ttl time.Duration, create bool) (jetstream.KeyValue, error) {
	// Short deadlines, tried again: a look-up while another process
	// creates the bucket goes unanswered until the new stream runs
	// (createKV settles a bucket that stays silent).
	var kv jetstream.KeyValue
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		actx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		kv, err = s.js.KeyValue(actx, name)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || time.Now().After(deadline) {
			break
		}
	}
	switch {
	case err == nil:
		if kv, err = s.leaderReads(ctx, name, kv); err == nil && s.cfg.Replicas > 1 {
			s.awaitAnswers(ctx, kv) // it may have been made a moment ago
		}
		return kv, err
	case !errors.Is(err, jetstream.ErrBucketNotFound) && (!errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil):
		return nil, err
	case !create && errors.Is(err, jetstream.ErrBucketNotFound):
		return nil, nil
	case !create:
		return nil, err
	}
	return s.createKV(ctx, name, ttl) // made for leader reads
}

// createKV creates a bucket that was not found, as the KV stream
// CreateKeyValue would make, except that a replicated bucket is made
// with direct gets off from the start (leaderReads says why). Several
// processes may create one bucket at once (instances starting together, a
// queue first used by two): each sends the same create, which the server
// answers for each of them. Creating the KV way and then updating the
// stream (to turn direct gets off) raced: a create arriving while another
// process updated the new stream went unanswered until its deadline (5 s)
// on a replicated cluster, and so did the update.
func (s *Store) createKV(ctx context.Context, name string, ttl time.Duration) (jetstream.KeyValue, error) {
	dup := 2 * time.Minute // the server's default duplicate window, capped by the age limit as KV buckets do
	if ttl > 0 && ttl < dup {
		dup = ttl
	}
	cfg := jetstream.StreamConfig{
		Name: "KV_" + name, Subjects: []string{"$KV." + name + ".>"},
		MaxMsgsPerSubject: 1, MaxBytes: -1, MaxMsgs: -1, MaxMsgSize: -1, MaxConsumers: -1, MaxAge: ttl,
		Storage: jetstream.FileStorage, Replicas: s.cfg.Replicas,
		AllowRollup: true, DenyDelete: true, Duplicates: dup, Discard: jetstream.DiscardNew,
		AllowDirect: s.cfg.Replicas <= 1,
	}
	// Short deadlines, and a look for the bucket after each try: a create
	// racing with another process's may go unanswered (until the client's
	// 5 s default) although the other one made the bucket.
	var err error
	deadline := time.Now().Add(15 * time.Second)
	for try := 0; ; try++ {
		actx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err = s.js.CreateStream(actx, cfg)
		cancel()
		if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) && !errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		actx, cancel = context.WithTimeout(ctx, time.Second)
		kv, kerr := s.js.KeyValue(actx, name) // made now, by this process or another
		cancel()
		if kerr == nil {
			if s.cfg.Replicas > 1 {
				s.awaitAnswers(ctx, kv)
			}
			return kv, nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return nil, errors.Join(err, kerr)
		}
		time.Sleep(time.Duration(25<<min(try, 5)) * time.Millisecond)
	}
}

// awaitAnswers waits (up to 10 s, or ctx) until a read of the replicated
// bucket kv is answered: for a moment after a create, a stream's leader
// may not answer yet, and a request would hang until its deadline (5 s)
// instead. Once per bucket and process: a read of a key nobody writes.
func (s *Store) awaitAnswers(ctx context.Context, kv jetstream.KeyValue) {
	deadline := time.Now().Add(10 * time.Second)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		actx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		_, err := kv.Get(actx, "probe")
		cancel()
		if err == nil || errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			return
		}
	}
}

// leaderReads turns off direct gets on a replicated bucket's stream and
// returns a handle that reads through the stream leader. KV buckets allow
// direct gets, which any replica answers, also one that has not applied
// the latest writes yet: a Get right after an acknowledged Put or delete
// could read the old value (a deleted SQS message handed out again and
// written back). The leader has applied every write it acknowledged, so
// reads through it see them: the store's read-your-writes, as on bbolt.
func (s *Store) leaderReads(ctx context.Context, name string, kv jetstream.KeyValue) (jetstream.KeyValue, error) {
	if s.cfg.Replicas <= 1 {
		return kv, nil // one copy: nothing to lag behind
	}
	st, err := s.js.Stream(ctx, "KV_"+name)
	if err != nil {
		return nil, err
	}
	cfg := st.CachedInfo().Config
	if !cfg.AllowDirect {
		return kv, nil
	}
	cfg.AllowDirect = false
	if _, err := s.js.UpdateStream(ctx, cfg); err != nil {
		return nil, err
	}
	return s.js.KeyValue(ctx, name)
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
	ctx, cancel := bounded(ctx)
	defer cancel()
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
	lctx, cancel := bounded(ctx)
	names, err := kv.Keys(lctx)
	cancel()
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
		gctx, cancel := bounded(ctx)
		e, err := kv.Get(gctx, n)
		cancel()
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
		octx, cancel := bounded(ctx)
		if op.Val == nil {
			rev, err = s.purge(octx, op.Bucket, encodeKey(op.Key))
		} else {
			rev, err = kv.Put(octx, encodeKey(op.Key), op.Val)
		}
		cancel()
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

// opTimeout bounds one JetStream request. A request's own deadline can be
// far away (a Lambda invoke allows 15 minutes), and a write whose
// acknowledgement was lost (its node stopped, its stream changed leader)
// would wait for all of it: the caller instead fails with ErrUnavailable
// after opTimeout (JetStream's default request timeout) and may retry.
const opTimeout = 5 * time.Second

// bounded is ctx with a deadline at most opTimeout away.
func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= opTimeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, opTimeout)
}

// Close closes the connection.
func (s *Store) Close() error {
	s.nc.Close()
	return nil
}
