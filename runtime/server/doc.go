// Package server is `patternc serve`: the runtime's buses, topics and
// queues behind one HTTP port that speaks AWS's protocols, so the aws CLI
// and the AWS SDKs use it unmodified (docs/semantics/serve.md §1–§3, §5–§7).
//
// A request is routed by its X-Amz-Target header (AWSEvents.* → events,
// awsJson1_1; AmazonSQS.* → sqs, awsJson1_0), else by a form body's Action
// and Version (2010-03-31 → sns, 2012-11-05 → sqs, both awsQuery), else to
// patternc's own endpoints (/health, /metrics, the SNS confirmation and
// unsubscribe links). The protocols are driven by the AWS service models
// (package models): one awsJson and one awsQuery codec serve every
// operation, and the adapters (events.go, sns.go, sqs.go) only translate
// wire shapes to the runtime's Go API and back.
//
// Each account — the --account of unsigned requests, or the account a
// SigV4 access key maps to — has its own runtime and store; accounts see
// nothing of each other except what a bus policy (PutPermission) or a
// topic Policy grants.
package server
