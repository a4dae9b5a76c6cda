// Package runtime hosts patternc's local AWS-like services on one durable
// store: EventBridge-like event buses (runtime/events), SQS-like local
// queues (runtime/sqs), the Lambda-async-like dispatcher (runtime/lambda),
// the schema registry (runtime/schemas) and SNS-like topics (runtime/sns),
// each built on runtime/kernel's environment and errors. A Runtime opens the store from its Config (bbolt in a
// directory, or JetStream), owns the clock, and resolves ARNs to sinks so
// a bus target can be a topic, a queue, a function or another bus without
// the services importing each other. Semantics: docs/semantics/runtime.md.
package runtime
