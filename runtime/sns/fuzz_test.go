package sns

import (
	"testing"
	"time"
)

// FuzzDeliveryPolicy: any text is a policy or a clear error, and an
// accepted policy's schedule is bounded (≤ 100 retries, ≤ 3600 s).
func FuzzDeliveryPolicy(f *testing.F) {
	f.Add(`{"healthyRetryPolicy":{"numRetries":3}}`, false)
	f.Add(`{"http":{"defaultHealthyRetryPolicy":{"numRetries":10,"backoffFunction":"exponential","minDelayTarget":1,"maxDelayTarget":60}}}`, true)
	f.Add(`[`, false)
	f.Fuzz(func(t *testing.T, text string, topic bool) {
		dp, err := parseDeliveryPolicy(text, topic)
		if err != nil || !dp.HasRetry {
			return
		}
		ph := dp.Retry.phases()
		n := 0
		for ; ; n++ {
			if _, ok := ph.delay(n + 1); !ok {
				break
			}
		}
		if n > 100 || ph.total() > time.Hour {
			t.Fatalf("accepted an unbounded schedule: %d retries, %v", n, ph.total())
		}
	})
}

// FuzzPublishValidation: any message and attribute never panics.
func FuzzPublishValidation(f *testing.F) {
	f.Add("hello", "subject", "json", "name", "String", "value", "g", "d")
	f.Add(`{"default":"x"}`, "", "json", "a..b", "Number", "1e3", "", "")
	f.Fuzz(func(t *testing.T, msg, subject, structure, name, typ, val, group, dedup string) {
		for _, tp := range []*topic{{ARN: "arn:aws:sns:us-east-1:1:t"}, {ARN: "arn:aws:sns:us-east-1:1:t.fifo", fifo: true, contentD: true}} {
			in := PublishInput{Message: msg, Subject: subject, MessageStructure: structure, MessageGroupId: group, MessageDeduplicationId: dedup,
				MessageAttributes: map[string]Attribute{name: {DataType: typ, StringValue: val}}}
			m, err := validate(tp, &in, "")
			if err == nil && (m.Message == "" || tp.fifo && (m.GroupID == "" || m.DedupID == "")) {
				t.Fatalf("accepted an incomplete message: %+v", m)
			}
		}
	})
}
