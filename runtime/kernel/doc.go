// Package kernel is what every runtime service stands on: one API error
// type (Error) that any front door can render in any AWS protocol, one set
// of sentinels (ErrNoResource, ErrThrottled, ErrPermanent) that classify
// failures across services, one ARN type, the contract by which services
// hand messages to each other (Sink, Resolver), and the environment a
// service runs in (Env: store, clock, resolver, region, account, logger)
// with the one place that fills its defaults, and one reader of resource
// policies (PolicyAllows: bus and topic policies).
//
// Services are built as New(env, options): the Env says where the service
// lives and what it may reach, the options say how the service itself
// behaves. Semantics: docs/semantics/runtime.md §0.
package kernel
