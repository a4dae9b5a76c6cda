package lambda

import (
	"context"
	"github.com/patternc/patternc/runtime/kernel"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/patternc/patternc/runtime/store/boltstore"
)

// BenchmarkInvoke measures invocations/s end to end with the bbolt store:
// accepted (durably) by Invoke from 8 clients and run to success.
func BenchmarkInvoke(b *testing.B) {
	st, err := boltstore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	d, _ := New(kernel.Env{Store: st}, Options{Workers: 16})
	var done atomic.Int64
	all := make(chan struct{})
	d.Register("noop", func(ctx context.Context, p []byte) ([]byte, error) {
		if done.Add(1) == int64(b.N) {
			close(all)
		}
		return nil, nil
	}, FunctionOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Run(ctx)
	b.ResetTimer()
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := c; i < b.N; i += 8 {
				if _, err := d.Invoke(ctx, "noop", []byte(`{"n":1}`)); err != nil {
					b.Error(err)
					return
				}
			}
		}(c)
	}
	wg.Wait()
	<-all
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "invocations/s")
}
