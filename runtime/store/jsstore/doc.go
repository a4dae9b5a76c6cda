// Package jsstore is the scale-out store engine: one NATS JetStream
// key/value bucket per store bucket.
//
// Production: run JetStream with `sync_interval: always` (fsync before
// every acknowledgement, so "accepted" means on disk) and buckets with
// replicas >= 3 (Config.Replicas), so a node loss loses nothing. This
// package is only a client: it does not link a NATS server (the tests run
// one in-process from runtime/internal/testsupport, with SyncAlways).
//
// Keys are hex-encoded (JetStream keys allow only [-/_=.a-zA-Z0-9]); hex
// keeps byte order, so Scan lists the keys, sorts and filters them: O(n)
// in the bucket, fine for a local runtime, documented for larger ones.
// A batch is applied op by op (see store.Store.Apply).
//
// Several processes may share one store (serve instances on one cluster,
// docs/deployment.md): the Store is a store.Claimer (queue items claimed
// by KV compare-and-set leases, claim.go) and a store.Watcher (KV watches,
// watch.go); replicated buckets are read through the stream leader, and
// errors that mean "no quorum, retry" wrap store.ErrUnavailable.
//
// A production server configuration (nats-server.conf):
//
//	jetstream {
//	    store_dir: "/var/lib/nats"
//	    sync_interval: always   # fsync before acknowledging each write
//	}
//
// and jsstore.Open(jsstore.Config{URL: "nats://nats-1:4222", Replicas: 3}).
package jsstore
