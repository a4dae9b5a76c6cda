// Package lambda is the runtime's asynchronous dispatcher, in the style of
// Lambda's InvocationType=Event: Invoke commits the event to a durable
// queue and returns its request id at once (HTTP 202 semantics); workers
// run the function's Go handler, retry function errors 0–2 times (60 s,
// then 120 s, scaled by Config.RetryBaseDelay), back off on throttles,
// give up past MaximumEventAgeInSeconds, and send an invocation record to
// the OnSuccess / OnFailure destination and the original payload to the
// dead-letter queue. Every invocation has a status document (queued,
// running, retrying, succeeded, failed, expired) kept in the store.
//
// Delivery is at least once: a crash between a handler returning and its
// outcome being committed runs the handler again. Make handlers
// idempotent — key side effects on the request id, record processed keys
// with a TTL of at least MaximumEventAge, and treat "already done" as
// success.
package lambda
