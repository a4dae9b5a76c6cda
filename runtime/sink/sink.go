// Package sink is how the runtime's services hand work to each other by
// ARN: a bus target that is a topic, a topic subscription that is a
// function, a DLQ that is a local queue. Each service implements Sink for
// its resources; the top-level runtime resolves ARNs to them, so services
// never import each other.
package sink

import (
	"context"
	"errors"
)

// CONTRACT (written before the implementation; keep these signatures).

// ErrNoResource is returned (wrapped) when an ARN names nothing that exists;
// bus targets report it as NO_RESOURCE.
var ErrNoResource = errors.New("no such resource")

// ErrThrottled is returned (wrapped) when the receiver cannot take the
// message now (dispatcher queue full); callers retry it.
var ErrThrottled = errors.New("throttled")

// Message is one payload handed to a sink.
type Message struct {
	Body []byte
	// Attributes are string message attributes (DLQ attributes such as
	// ERROR_CODE, SNS message attributes as their StringValue).
	Attributes map[string]string
	// GroupID and DedupID apply to FIFO receivers.
	GroupID string
	DedupID string
}

// Sink accepts messages. A nil error means the message is accepted: durably
// stored by the receiver, which now owns its delivery.
type Sink interface {
	Send(ctx context.Context, m Message) error
}

// Resolver finds the Sink for an ARN, or returns an error wrapping
// ErrNoResource.
type Resolver interface {
	Resolve(arn string) (Sink, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(arn string) (Sink, error)

func (f ResolverFunc) Resolve(arn string) (Sink, error) { return f(arn) }

// The account and region ARNs use when a runtime Config names none.
const (
	DefaultRegion  = "us-east-1"
	DefaultAccount = "000000000000"
)

// Place returns region and account, each defaulted when empty.
func Place(region, account string) (string, string) {
	if region == "" {
		region = DefaultRegion
	}
	if account == "" {
		account = DefaultAccount
	}
	return region, account
}
