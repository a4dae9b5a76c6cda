package kernel

import (
	"context"
	"fmt"
)

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

// Sink accepts messages: how a bus target that is a topic, a subscription
// that is a function or a DLQ that is a local queue receives. A nil error
// means the message is accepted: durably stored by the receiver, which now
// owns its delivery.
type Sink interface {
	Send(ctx context.Context, m Message) error
}

// Resolver finds the Sink for an ARN, or returns an error wrapping
// ErrNoResource. Services never import each other: the runtime resolves.
type Resolver interface {
	Resolve(arn string) (Sink, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(arn string) (Sink, error)

func (f ResolverFunc) Resolve(arn string) (Sink, error) { return f(arn) }

// NoResolver resolves nothing: every ARN is ErrNoResource. It is the
// default of an Env without a resolver (a service on its own).
var NoResolver Resolver = ResolverFunc(func(arn string) (Sink, error) {
	return nil, fmt.Errorf("%s: %w", arn, ErrNoResource)
})
