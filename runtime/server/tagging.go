package server

import (
	"context"
	"errors"

	"github.com/patternc/patternc/runtime/tags"
)

// resourceTags is the tagging of a service whose tags travel as a
// Key/Value list (EventBridge, SNS): TagResource, UntagResource and
// ListTagsForResource over the account's tag store. Only the answers
// differ between services: which ARNs name a resource, and the errors
// for a missing resource and for too many or invalid tags.
type resourceTags struct {
	missing func(c *call, arn string) error // nil when arn names one of the caller's resources
	tooMany func() error
	invalid func(err error) error
}

// tagIn is a tagging request. EventBridge spells the member ResourceARN,
// SNS ResourceArn; encoding/json matches member names without regard to
// case, so one shape reads both.
type tagIn struct {
	ResourceArn string
	Tags        []wireTag
	TagKeys     []string
}

// put sets tags on arn (creation requests tag this way too).
func (t resourceTags) put(ctx context.Context, c *call, arn string, ts []wireTag) error {
	kv := map[string]string{}
	for _, w := range ts {
		kv[w.Key] = w.Value
	}
	err := c.acct.tags().Tag(ctx, arn, kv)
	switch {
	case errors.Is(err, tags.ErrTooMany):
		return t.tooMany()
	case errors.Is(err, tags.ErrInvalid):
		return t.invalid(err)
	}
	return err
}

// decode reads a tagging request whose resource must exist.
func (t resourceTags) decode(c *call) (*tagIn, error) {
	in, err := decode[tagIn](c)
	if err != nil {
		return nil, err
	}
	if err := t.missing(c, in.ResourceArn); err != nil {
		return nil, err
	}
	return in, nil
}

func (t resourceTags) tagResource(ctx context.Context, c *call) (any, error) {
	in, err := t.decode(c)
	if err != nil {
		return nil, err
	}
	return nil, t.put(ctx, c, in.ResourceArn, in.Tags)
}

func (t resourceTags) untagResource(ctx context.Context, c *call) (any, error) {
	in, err := t.decode(c)
	if err != nil {
		return nil, err
	}
	return nil, c.acct.tags().Untag(ctx, in.ResourceArn, in.TagKeys)
}

func (t resourceTags) listTagsForResource(ctx context.Context, c *call) (any, error) {
	in, err := t.decode(c)
	if err != nil {
		return nil, err
	}
	kv, err := c.acct.tags().List(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	out := []wireTag{}
	for _, k := range tags.Keys(kv) {
		out = append(out, wireTag{k, kv[k]})
	}
	return map[string]any{"Tags": out}, nil
}
