// Package sqs holds the runtime's local queues (ARN
// arn:aws:sqs:REGION:ACCOUNT:NAME): where dead letters and invocation
// records land, readable through the library. Messages are kept in the
// store, in the order they were sent.
package sqs
