package tags

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/patternc/patternc/runtime/store"
)

// Tags are the key/value tags of an account's resources, by ARN, kept in
// the account's store.
type Tags struct {
	st store.Store
}

// Limits [AWS]: 50 tags per resource, keys 1–128 characters, values at
// most 256.
const (
	MaxTags     = 50
	MaxKeyLen   = 128
	MaxValueLen = 256
)

// ErrTooMany is returned (wrapped) when a resource would hold more than
// MaxTags tags; ErrInvalid when a key or value breaks the length limits.
var (
	ErrTooMany = errors.New("too many tags")
	ErrInvalid = errors.New("invalid tag")
)

const bucket = "tags"

// New returns the tags kept in st.
func New(st store.Store) *Tags { return &Tags{st: st} }

// List returns a resource's tags (empty when it has none).
func (t *Tags) List(ctx context.Context, arn string) (map[string]string, error) {
	val, err := t.st.Get(ctx, bucket, []byte(arn))
	if errors.Is(err, store.ErrNotFound) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	return out, json.Unmarshal(val, &out)
}

// Tag adds or replaces tags of a resource.
func (t *Tags) Tag(ctx context.Context, arn string, kv map[string]string) error {
	for k, v := range kv {
		if k == "" || len(k) > MaxKeyLen || len(v) > MaxValueLen {
			return fmt.Errorf("tag %q: %w", k, ErrInvalid)
		}
	}
	cur, err := t.List(ctx, arn)
	if err != nil {
		return err
	}
	for k, v := range kv {
		cur[k] = v
	}
	if len(cur) > MaxTags {
		return fmt.Errorf("%s would have %d tags: %w", arn, len(cur), ErrTooMany)
	}
	return t.put(ctx, arn, cur)
}

// Untag removes tag keys from a resource; unknown keys are ignored.
func (t *Tags) Untag(ctx context.Context, arn string, keys []string) error {
	cur, err := t.List(ctx, arn)
	if err != nil {
		return err
	}
	for _, k := range keys {
		delete(cur, k)
	}
	return t.put(ctx, arn, cur)
}

// Drop forgets a deleted resource's tags.
func (t *Tags) Drop(ctx context.Context, arn string) error { return t.put(ctx, arn, nil) }

func (t *Tags) put(ctx context.Context, arn string, kv map[string]string) error {
	var b store.Batch
	if len(kv) == 0 {
		b.Delete(bucket, []byte(arn))
	} else {
		val, err := json.Marshal(kv)
		if err != nil {
			return err
		}
		b.Put(bucket, []byte(arn), val)
	}
	return t.st.Apply(ctx, &b)
}

// Keys returns m's keys, sorted (for stable listings).
func Keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
