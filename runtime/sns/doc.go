// Package sns is patternc's SNS-like topic service (docs/semantics/runtime.md §5):
// standard and FIFO topics, subscriptions with filter policies compiled by
// the compiler and matched by one automaton.Machine per topic, fan-out to
// HTTP/S endpoints, local queues and functions, the notification envelope
// (signed) and raw delivery, AWS's delivery retry policies, and
// subscription dead-letter queues.
//
// Publish returns once the message is committed to the store: one durable
// queue per subscription holds its deliveries, each with its own workers,
// so a slow or failing subscriber never delays another, and a restarted
// service resumes them. FIFO subscriptions deliver in sequence order, one
// message at a time; FIFO dedup records live in the store for 5 minutes.
// All waits go through a clock.Clock, so retry schedules run on a fake
// clock in tests.
package sns
