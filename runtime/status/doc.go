// Package status is patternc's client status API: how a program that
// made an asynchronous invocation learns what became of it without
// polling the dispatcher's store itself (docs/semantics/runtime.md §7).
//
// A Server is an http.Handler for the /v1 paths that patternc serve
// mounts next to the AWS front door:
//
//   - POST /v1/functions/{name}/invocations queues an invocation and
//     answers 202 with its id and status URL; an Idempotency-Key header
//     makes a retried POST return the first invocation instead of a
//     second one.
//   - GET /v1/invocations/{id} returns the status document with an ETag
//     (304 on a matching If-None-Match); ?waitSeconds=N holds the request
//     until the next revision or N seconds, and an unfinished document
//     carries Retry-After, when to ask again.
//   - A callback URL given at invocation gets one signed POST per
//     transition, in revision order, retried on 1 s, 5 s and 25 s; Sign is
//     the signature, so a receiver can check it in constant time with
//     hmac.Equal. Callback hosts are loopback-only unless allowed.
//   - GET /v1/ws and /v1/invocations/{id}/ws are WebSockets that send a
//     snapshot and then every transition, and can also subscribe to a
//     bus's or topic's traffic; a slow consumer is closed rather than
//     allowed to hold memory.
//   - /v1/queues reads and deletes messages of the runtime's queues.
//
// The documents come from the dispatcher (runtime/lambda); on a shared
// JetStream store every instance follows the status records, so a client
// connected to one instance sees transitions made by another; a webhook is
// sent once, by the instance that made the transition, after the
// invocation's earlier notifications, whichever instance sent them
// (docs/deployment.md).
package status
