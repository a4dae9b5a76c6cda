package runtime_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/pipes"
	"github.com/patternc/patternc/runtime/sqs"
)

// BenchmarkPipe moves b.N records from a queue through a pipe with a
// filter (nine in ten pass) and an input template, batch size 10, no
// enrichment, to a queue, end to end with durable commits: the source is
// filled first, the clock runs from the pipe's creation until the
// source is drained. records/s counts records taken off the source.
func BenchmarkPipe(b *testing.B) {
	for _, e := range testsupport.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			st := e.Open(b, b.TempDir())
			defer st.Close()
			rt, err := runtime.Open(runtime.Config{Store: st, Logger: testsupport.Discard})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- rt.Run(ctx) }()
			defer func() { cancel(); <-done }()
			src, _ := rt.Queues.CreateQueue(ctx, "src", nil)
			dst, _ := rt.Queues.CreateQueue(ctx, "dst", nil)
			var wg sync.WaitGroup
			for w := 0; w < 8; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := w; i < b.N; i += 8 {
						body := fmt.Sprintf(`{"kind":"order","id":"o%d","total":%d}`, i, i)
						if i%10 == 0 {
							body = fmt.Sprintf(`{"kind":"ping","id":"p%d"}`, i)
						}
						if _, err := rt.Queues.SendMessage(ctx, "src", sqs.SendInput{Body: body}); err != nil {
							b.Error(err)
							return
						}
					}
				}(w)
			}
			wg.Wait()
			b.ResetTimer()
			start := time.Now()
			_, err = rt.Pipes.Create(ctx, pipes.Spec{Name: "bench", RoleArn: "arn:aws:iam::000000000000:role/p", Source: src, Target: dst,
				SourceParameters: &pipes.SourceParameters{
					FilterCriteria:     &pipes.FilterCriteria{Filters: []pipes.Filter{{Pattern: `{"body":{"kind":["order"]}}`}}},
					SqsQueueParameters: &pipes.SqsQueueParameters{BatchSize: intp(10)}},
				TargetParameters: &pipes.TargetParameters{InputTemplate: `{"order": <$.body.id>, "total": <$.body.total>, "pipe": <aws.pipes.pipe-name>}`}})
			if err != nil {
				b.Fatal(err)
			}
			for {
				left, _ := rt.Queues.Messages(ctx, "src")
				if len(left) == 0 {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			out, _ := rt.Queues.Messages(ctx, "dst")
			if want := b.N - (b.N+9)/10; len(out) != want {
				b.Fatalf("%d records delivered, want %d", len(out), want)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
		})
	}
}

func intp(v int) *int { return &v }
