package server

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	evtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/events"
)

// The load benchmarks drive serve over HTTP the way a client does (the
// AWS SDK for Go v2, loopback, auth none) with 2 client goroutines and
// report requests/s and per-request latency (p50, p99). Compare
// BenchmarkHTTPPutEvents with runtime/events' in-process
// BenchmarkBusThroughput (same 1 000 rules, Go handler targets) to see
// what HTTP, the protocol codec and the SDK add.

func loadServer(b *testing.B) (*Server, clients) {
	s := startServer(b, "none", func(c *Config) {
		c.Logger = slog.New(slog.DiscardHandler)
		c.MaxInFlight = 1024
		c.Runtime = func(rc *runtime.Config) { rc.MaxRulesPerBus = 1000 }
	})
	return s, alice(s)
}

// runLoad runs b.N calls of do over 2 goroutines and reports req/s and
// latency percentiles.
func runLoad(b *testing.B, do func(i int) error) {
	const clientsN = 2
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clientsN {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t0 := time.Now()
				if err := do(i); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkHTTPPutEvents: PutEvents of 10 entries a request onto a bus
// with 1 000 rules (each event matches one, delivered to a Go handler).
func BenchmarkHTTPPutEvents(b *testing.B) {
	s, c := loadServer(b)
	rt, _ := s.Runtime("000000000000")
	ctx := context.Background()
	var delivered atomic.Int64
	rt.Events.RegisterHandler("arn:x:go:::count", func(context.Context, []byte) error { delivered.Add(1); return nil })
	for i := range 1000 {
		name := fmt.Sprintf("r%d", i)
		if _, err := rt.Events.PutRule(ctx, events.PutRuleInput{Name: name, EventPattern: fmt.Sprintf(`{"source":["shop"],"detail":{"customer":["c%d"]}}`, i)}); err != nil {
			b.Fatal(err)
		}
		if err := rt.Events.PutTargets(ctx, "", name, []events.Target{{ID: "t", Arn: "arn:x:go:::count"}}); err != nil {
			b.Fatal(err)
		}
	}
	runLoad(b, func(i int) error {
		entries := make([]evtypes.PutEventsRequestEntry, 10)
		for j := range entries {
			entries[j] = evtypes.PutEventsRequestEntry{Source: aws.String("shop"), DetailType: aws.String("Order"),
				Detail: aws.String(fmt.Sprintf(`{"customer":"c%d","total":%d}`, (i*10+j)%1000, i))}
		}
		out, err := c.ev.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
		if err == nil && out.FailedEntryCount != 0 {
			err = fmt.Errorf("%d entries failed", out.FailedEntryCount)
		}
		return err
	})
	b.ReportMetric(float64(b.N*10)/b.Elapsed().Seconds(), "events/s")
	deadline := time.Now().Add(time.Minute)
	for delivered.Load() < int64(b.N*10) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if delivered.Load() < int64(b.N*10) {
		b.Fatalf("delivered %d of %d events", delivered.Load(), b.N*10)
	}
}

// BenchmarkHTTPPublish: Publish with two message attributes to a topic
// with 100 filtered queue subscriptions, one of which matches.
func BenchmarkHTTPPublish(b *testing.B) {
	s, c := loadServer(b)
	rt, _ := s.Runtime("000000000000")
	ctx := context.Background()
	topic, err := rt.Topics.CreateTopic(ctx, "load", nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		q := fmt.Sprintf("q%d", i)
		if _, err := rt.Queues.CreateQueue(ctx, q, nil); err != nil {
			b.Fatal(err)
		}
		if _, err := rt.Topics.Subscribe(ctx, topic, "sqs", rt.Queues.ARN(q), map[string]string{"FilterPolicy": fmt.Sprintf(`{"customer":["c%d"]}`, i)}); err != nil {
			b.Fatal(err)
		}
	}
	runLoad(b, func(i int) error {
		_, err := c.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(fmt.Sprintf(`{"n":%d}`, i)),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{
				"customer": {DataType: aws.String("String"), StringValue: aws.String(fmt.Sprintf("c%d", i%100))},
				"total":    {DataType: aws.String("Number"), StringValue: aws.String(fmt.Sprint(i))},
			}})
		return err
	})
}
