// Package events is patternc's EventBridge-like event buses (docs/semantics/runtime.md
// §1–§3): the default and custom buses, rules compiled into one
// automaton.Machine per bus, up to five targets per rule (Go handlers,
// API-destination HTTP endpoints, other buses, and topics, functions and
// queues reached through a kernel.Resolver), Input / InputPath /
// InputTransformer shaping, per-target RetryPolicy with exponential
// backoff and jitter, target dead-letter queues with AWS's attributes, and
// pattern-filtered archives with retention and replays.
//
// Durability: PutEvents validates entries exactly as AWS does, matches the
// accepted ones against the bus's enabled rules, and commits one delivery
// item per (event, target) and per archive to the store in one batch
// before returning their EventIds; every delivery attempt goes through
// that durable queue (runtime/queue), so a crash resumes it. Delivery is
// at least once: targets must tolerate duplicates.
package events
