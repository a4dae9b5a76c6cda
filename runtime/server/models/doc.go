// Package models holds the AWS wire contracts of the services `patternc
// serve` speaks — events (awsJson1_1), sns (awsQuery) and sqs (awsJson1_0
// and awsQuery) — trimmed from the service models that ship with botocore
// by gen.py. The protocol codecs read member names, list and map layouts
// and error codes from here instead of hand-written tables, so one
// decoder serves every operation.
package models
