package events

import (
	"context"
	"fmt"
	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
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
	err = testsupport.Drive(int64(b.N), senders, 10, func(first, end int64) error {
		var batch []Entry
		for i := first; i < end; i++ {
			batch = append(batch, Entry{Source: "shop", DetailType: "Order", Detail: fmt.Sprintf(`{"customer":"c%d","total":%d}`, i%1000, i)})
		}
		out, err := s.PutEvents(context.Background(), batch)
		if err == nil && out.FailedEntryCount != 0 {
			err = fmt.Errorf("%d entries failed: %+v", out.FailedEntryCount, out.Entries)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	for delivered.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}
