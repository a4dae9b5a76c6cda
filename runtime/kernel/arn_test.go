package kernel

import (
	"strings"
	"testing"
)

func TestParseARN(t *testing.T) {
	tests := []struct {
		in      string
		want    ARN
		typ, id string
	}{
		{"arn:aws:events:us-east-1:123456789012:rule/orders/ship", ARN{"aws", "events", "us-east-1", "123456789012", "rule/orders/ship"}, "rule", "orders/ship"},
		{"arn:aws:events:us-east-1:123456789012:event-bus/a/b.c", ARN{"aws", "events", "us-east-1", "123456789012", "event-bus/a/b.c"}, "event-bus", "a/b.c"},
		{"arn:aws:lambda:eu-west-1:1:function:f:$LATEST", ARN{"aws", "lambda", "eu-west-1", "1", "function:f:$LATEST"}, "function", "f:$LATEST"},
		{"arn:aws:sns:us-east-1:1:orders:2f6c-11", ARN{"aws", "sns", "us-east-1", "1", "orders:2f6c-11"}, "orders", "2f6c-11"},
		{"arn:aws:sqs:us-east-1:1:dlq.fifo", ARN{"aws", "sqs", "us-east-1", "1", "dlq.fifo"}, "", "dlq.fifo"},
		{"arn:aws-cn:sqs:cn-north-1:1:q", ARN{"aws-cn", "sqs", "cn-north-1", "1", "q"}, "", "q"},
		{"arn:aws-us-gov:sns:us-gov-west-1:1:t", ARN{"aws-us-gov", "sns", "us-gov-west-1", "1", "t"}, "", "t"},
		{"arn:aws:s3:::bucket/key/with:colon", ARN{"aws", "s3", "", "", "bucket/key/with:colon"}, "bucket", "key/with:colon"},
		{"arn:patternc:go:::handler/count", ARN{"patternc", "go", "", "", "handler/count"}, "handler", "count"},
		{"arn:aws:sqs:us-east-1:1:", ARN{"aws", "sqs", "us-east-1", "1", ""}, "", ""},
	}
	for _, tt := range tests {
		got, err := ParseARN(tt.in)
		if err != nil {
			t.Errorf("ParseARN(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseARN(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if s := got.String(); s != tt.in {
			t.Errorf("String() = %q, want %q", s, tt.in)
		}
		if got.ResourceType() != tt.typ || got.ResourceID() != tt.id {
			t.Errorf("%q: type %q id %q, want %q %q", tt.in, got.ResourceType(), got.ResourceID(), tt.typ, tt.id)
		}
	}
}

func TestParseARNRejects(t *testing.T) {
	for _, in := range []string{"", "arn", "arn:aws:sqs:us-east-1:1", "urn:aws:sqs:r:1:q", "arn::sqs:r:1:q", "arn:aws::r:1:q", "https://sqs/q"} {
		if a, err := ParseARN(in); err == nil {
			t.Errorf("ParseARN(%q) = %+v, want an error", in, a)
		}
	}
}

func TestPartitionOf(t *testing.T) {
	for region, want := range map[string]string{"us-east-1": "aws", "eu-central-2": "aws", "cn-northwest-1": "aws-cn",
		"us-gov-east-1": "aws-us-gov", "us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b", "": "aws"} {
		if got := PartitionOf(region); got != want {
			t.Errorf("PartitionOf(%q) = %q, want %q", region, got, want)
		}
	}
}

func FuzzParseARN(f *testing.F) {
	for _, s := range []string{"arn:aws:events:us-east-1:1:rule/b/r", "arn:aws:lambda:r:1:function:f:q", "arn:::::", "arn:a:b:c:d:e:f:g", "\xff:arn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseARN(s)
		if err != nil {
			return
		}
		if a.String() != s {
			t.Fatalf("round trip: %q → %+v → %q", s, a, a.String())
		}
		if b, err := ParseARN(a.String()); err != nil || b != a {
			t.Fatalf("reparse of %q: %+v, %v", s, b, err)
		}
		if typ := a.ResourceType(); typ != "" && !strings.HasPrefix(a.Resource, typ) {
			t.Fatalf("type %q not a prefix of %q", typ, a.Resource)
		}
	})
}
