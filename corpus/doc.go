// Package corpus generates deterministic event corpora and pattern sets for
// tests and benchmarks: a citylots-like GeoJSON corpus (the classic
// event-matching benchmark shape: San Francisco lot Features with a few
// string properties and a polygon) and an AWS-style event corpus (EC2
// state changes, S3 object creations, CloudTrail API calls, custom orders
// with nested detail and arrays), and three that stress what users
// really send: the citylots Features with geometry first, large
// CloudTrail-like API calls (2–10 KB, deep detail, arrays of objects), and
// international orders whose strings carry escapes and non-ASCII text.
// The same seed always gives the same
// bytes, so benchmark figures are comparable across runs and machines.
//
// The samples directory holds small committed rule files and events, used
// by the README's first command and by the CLI tests.
package corpus
