package jsstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/patternc/patternc/runtime/store"
)

// Claims live in their own KV bucket per store bucket (prefix_claims_...),
// one key per item key. The value says who holds it until when:
//
//	c <owner> <expiry, Unix nanoseconds>   held (lapsed after expiry)
//	d                                      finished
//
// Every change is a KV Create (no key yet, or deleted) or an Update on
// the revision read, which the stream leader checks against the key's last
// sequence: of two processes racing for a key, one write wins and the
// other gets a conflict and leaves the item alone. Finished marks and
// abandoned claims go with the bucket's MaxAge, so the bucket stays small.

// defaultLeaseTTL is how long a claim lives unrenewed when Config.LeaseTTL
// is zero: long enough that a renewal every third of it survives a NATS
// leader election, short enough that a dead instance's work moves on soon.
const defaultLeaseTTL = 30 * time.Second

// claimMarkAge is how long finished marks are kept: far longer than a
// listing can lag behind a delete.
const claimMarkAge = 10 * time.Minute

// LeaseTTL is how long a claim lives without renewal.
func (s *Store) LeaseTTL() time.Duration { return s.cfg.LeaseTTL }

func (s *Store) claimsKV(ctx context.Context, bucket string) (jetstream.KeyValue, error) {
	id := "\x00claims/" + bucket
	s.mu.Lock()
	defer s.mu.Unlock()
	if kv, ok := s.kvs[id]; ok {
		return kv, nil
	}
	age := claimMarkAge
	if t := 4 * s.cfg.LeaseTTL; t > age {
		age = t
	}
	kv, err := s.openKV(ctx, s.bucketName("claims/"+bucket), age, true)
	if err != nil {
		return nil, fmt.Errorf("jsstore: claims of %q: %w", bucket, unavailable(err))
	}
	s.kvs[id] = kv
	return kv, nil
}

func (s *Store) claimValue() []byte {
	exp := time.Now().Add(s.cfg.LeaseTTL).UnixNano()
	return []byte("c " + s.owner + " " + strconv.FormatInt(exp, 10))
}

// parseClaim reads a claim value: finished, or holder and expiry.
func parseClaim(v []byte) (finished bool, owner string, expiry time.Time, ok bool) {
	f := strings.Fields(string(v))
	switch {
	case len(f) == 1 && f[0] == "d":
		return true, "", time.Time{}, true
	case len(f) == 3 && f[0] == "c":
		ns, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return false, "", time.Time{}, false
		}
		return false, f[1], time.Unix(0, ns), true
	}
	return false, "", time.Time{}, false
}

// Claim takes key of bucket for this store's process.
func (s *Store) Claim(ctx context.Context, bucket string, key []byte) (store.Claim, bool, error) {
	kv, err := s.claimsKV(ctx, bucket)
	if err != nil {
		return nil, false, err
	}
	k := encodeKey(key)
	ctx, cancel := bounded(ctx)
	defer cancel()
	e, err := kv.Get(ctx, k)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted):
		rev, err := kv.Create(ctx, k, s.claimValue())
		if errors.Is(err, jetstream.ErrKeyExists) || isConflict(err) {
			// Another process won the race. (Create over a deleted key
			// is an update on the delete marker's revision, whose conflict
			// is not reported as ErrKeyExists.)
			return nil, false, nil
		}
		if err != nil {
			return nil, false, unavailable(err)
		}
		return &claim{s: s, kv: kv, key: k, rev: rev}, true, nil
	case err != nil:
		return nil, false, unavailable(err)
	}
	finished, owner, expiry, ok := parseClaim(e.Value())
	if ok && (finished || (owner != s.owner && time.Now().Before(expiry))) {
		return nil, false, nil
	}
	rev, err := kv.Update(ctx, k, s.claimValue(), e.Revision())
	if isConflict(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, unavailable(err)
	}
	return &claim{s: s, kv: kv, key: k, rev: rev, tookOver: owner != s.owner}, true, nil
}

// isConflict reports a compare-and-set conflict: the key's revision was
// not the one read. Replicated (R3) streams report it with their own code
// (10164), single-replica ones with 10071.
func isConflict(err error) bool {
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return true
	}
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

type claim struct {
	s        *Store
	kv       jetstream.KeyValue
	key      string
	rev      uint64
	tookOver bool
}

func (c *claim) TookOver() bool { return c.tookOver }

func (c *claim) Renew(ctx context.Context) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	rev, err := c.kv.Update(ctx, c.key, c.s.claimValue(), c.rev)
	if err != nil {
		return fmt.Errorf("jsstore: claim lost: %w", unavailable(err))
	}
	c.rev = rev
	return nil
}

func (c *claim) Finish(ctx context.Context) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	rev, err := c.kv.Update(ctx, c.key, []byte("d"), c.rev)
	if err == nil {
		c.rev = rev
	}
	return unavailable(err)
}

func (c *claim) Release(ctx context.Context) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	return unavailable(c.kv.Delete(ctx, c.key, jetstream.LastRevision(c.rev)))
}
