// Package queue is a durable delayed work queue laid out on a store.Store:
// the one mechanism behind the async dispatcher's retries (and, later, bus
// target and topic delivery retries). An item that Enqueue accepted is
// handed to a handler at least once, also across a crash: items being
// handled when the process died are still in the store under their due
// time, so a restarted queue hands them out again.
//
// Layout: bucket "queue/NAME", key = due time (8-byte big-endian Unix
// nanoseconds) + item id, so a Scan from the start lists due items first.
// A retry writes the item under its new key before deleting the old one,
// which is safe for engines that apply batches op by op.
//
// On a store several processes share (store.Claimer: JetStream), each item
// is claimed before it is handed out, so one process works it at a time;
// a dead process's claims lapse after the lease and others take its items
// over (claim.go). RunOrdered makes one process at a time own a whole
// queue (FIFO subscriptions). On bbolt nothing of this runs.
package queue
