// Package mirror keeps a service's in-memory configuration in step with a
// bucket that several processes share (serve instances on one JetStream
// cluster): a topic, subscription, function, pipe or rule written
// through one instance is applied by all of them.
//
// A Mirror watches the bucket (store.Watcher: a stream consumer, so
// committed writes only, in commit order) into a copy of its values. The
// service's own writes go through Mirror.Apply, which notes them in the
// copy when they commit, before their watch event arrives: the service
// applies its own change at once (as on one process) and the watch never
// puts an older value back over it. Whenever the watch has caught up,
// Run calls the service's sync function, which either takes the keys
// other processes changed (Changes, applied one by one: the affected
// matcher, the affected function) or rebuilds everything from Snapshot.
//
// On a store that does not implement store.Watcher (bbolt, held by one
// process) a Mirror is off: Apply is the store's Apply and Run only waits.
package mirror
