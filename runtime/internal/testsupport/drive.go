package testsupport

import (
	"sync"
	"sync/atomic"
)

// Drive runs work over the indexes [0, n) from workers goroutines, each
// taking the next batch of up to size indexes [first, end), until all are
// done or one call fails; it returns the first error. Benchmarks use it to
// load a service from several clients.
func Drive(n int64, workers int, size int64, work func(first, end int64) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var failed error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				first := next.Add(size) - size
				if first >= n {
					return
				}
				if err := work(first, min(first+size, n)); err != nil {
					once.Do(func() { failed = err })
					next.Store(n) // the others stop at their next batch
					return
				}
			}
		}()
	}
	wg.Wait()
	return failed
}
