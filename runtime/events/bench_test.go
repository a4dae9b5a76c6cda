package events

import (
	"context"
	"fmt"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/store/boltstore"
)

// BenchmarkBusThroughput measures events/s from PutEvents to delivery
// through a bus with 1 000 rules, each with a Go handler target, on the
// bbolt store (every commit fsynced, concurrent commits grouped). Each
// event matches exactly one rule.
func BenchmarkBusThroughput(b *testing.B) {
	st, err := boltstore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	s, err := New(kernel.Env{Store: st, Logger: testsupport.Discard}, Options{Workers: 32, MaxRulesPerBus: 1000})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var delivered atomic.Int64
	s.RegisterHandler("arn:x:go:::count", func(context.Context, []byte) error { delivered.Add(1); return nil })
	for i := range 1000 {
		mustRule(b, s, "", fmt.Sprintf("r%d", i), fmt.Sprintf(`{"source":["shop"],"detail":{"customer":["c%d"]}}`, i), Target{ID: "t", Arn: "arn:x:go:::count"})
	}
	done := make(chan struct{})
	go func() { _ = s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	b.ResetTimer()
	start := time.Now()
	const senders = 8
	var wg sync.WaitGroup
	var next atomic.Int64
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				first := next.Add(10) - 10
				if first >= int64(b.N) {
					return
				}
				var batch []Entry
				for i := first; i < first+10 && i < int64(b.N); i++ {
					batch = append(batch, Entry{Source: "shop", DetailType: "Order", Detail: fmt.Sprintf(`{"customer":"c%d","total":%d}`, i%1000, i)})
				}
				if out, err := s.PutEvents(context.Background(), batch); err != nil || out.FailedEntryCount != 0 {
					b.Error(out, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for delivered.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}
