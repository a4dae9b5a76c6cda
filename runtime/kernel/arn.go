package kernel

import (
	"fmt"
	"strings"
)

// ARN is an Amazon Resource Name:
// arn:partition:service:region:account-id:resource. Resource keeps
// everything after the fifth colon, so paths with '/' and ':' (rule/bus/name,
// function:name:$LATEST, a subscription's topic:uuid) survive a round trip.
type ARN struct {
	Partition string // aws, aws-cn, aws-us-gov, …
	Service   string // events, sns, sqs, lambda, …
	Region    string
	Account   string
	Resource  string
}

// ParseARN reads an ARN. It checks the shape only (six parts, a partition
// and a service), not that the service or region exists.
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ARN{}, fmt.Errorf("%q is not an ARN (arn:partition:service:region:account:resource)", s)
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}
	if a.Partition == "" || a.Service == "" {
		return ARN{}, fmt.Errorf("%q is not an ARN: partition and service must not be empty", s)
	}
	return a, nil
}

// String writes the ARN back; ParseARN(a.String()) == a.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// ResourceType is the resource's leading type word: "rule" of rule/bus/r,
// "function" of function:f, "" when the resource has no type (an SQS queue
// or SNS topic name).
func (a ARN) ResourceType() string {
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[:i]
	}
	return ""
}

// ResourceID is the resource without its type: "bus/r" of rule/bus/r,
// "f:$LATEST" of function:f:$LATEST, the whole resource when it has no
// type.
func (a ARN) ResourceID() string {
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[i+1:]
	}
	return a.Resource
}

// PartitionOf is the partition a region belongs to.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	}
	return "aws"
}
