package sns

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// countSink counts what reaches a function endpoint.
type countSink struct{ n *atomic.Int64 }

func (c countSink) Send(context.Context, kernel.Message) error { c.n.Add(1); return nil }

// BenchmarkPublishFanOut measures publishes/s into 5 topics holding 1 000
// subscriptions (200 per topic, the quota, each with a filter policy on
// one customer), from 2 goroutines publishing, on the bbolt store (every
// commit fsynced, concurrent commits grouped). Each message matches exactly
// one subscription, so the cost is choosing that one among the topic's 200
// and committing one delivery; deliveries run while publishing goes on.
func BenchmarkPublishFanOut(b *testing.B) {
	st, err := boltstore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var delivered atomic.Int64
	res := kernel.ResolverFunc(func(string) (kernel.Sink, error) { return countSink{&delivered}, nil })
	s, err := New(kernel.Env{Store: st, Resolver: res, Account: acct, Region: region}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	arns := benchTopics(b, s)
	b.ResetTimer()
	start := time.Now()
	const publishers = 2
	err = testsupport.Drive(int64(b.N), publishers, 1, func(i, _ int64) error {
		in := PublishInput{TopicArn: arns[i%topics], Message: fmt.Sprintf(`{"order":%d}`, i),
			MessageAttributes: map[string]Attribute{"customer": {DataType: "String", StringValue: fmt.Sprintf("c%d", (i/topics)%perTopic)}}}
		_, err := s.Publish(context.Background(), in)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "publishes/s")
}

// The benchmarks' topics: 5 topics of 200 subscriptions (the per-topic
// quota of filter policies), each filtering on one customer c0…c199.
const topics, perTopic = 5, 200

func benchTopics(b *testing.B, s *Service) []string {
	b.Helper()
	ctx := context.Background()
	arns := make([]string, topics)
	for t := range topics {
		var err error
		if arns[t], err = s.CreateTopic(ctx, fmt.Sprintf("t%d", t), nil); err != nil {
			b.Fatal(err)
		}
		for i := range perTopic {
			fn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:f%d-%d", region, acct, t, i)
			policy := fmt.Sprintf(`{"customer":["c%d"]}`, i)
			if _, err := s.Subscribe(ctx, arns[t], "lambda", fn, map[string]string{"FilterPolicy": policy}); err != nil {
				b.Fatal(err)
			}
		}
	}
	return arns
}
