package functions

import (
	"context"
	"testing"
	"time"
)

// BenchmarkStart measures one invocation of a trivial handler per
// language, cold (a new process each time) and warm (a process kept).
func BenchmarkStart(b *testing.B) {
	for _, k := range kinds {
		for _, cold := range []bool{true, false} {
			name := k.runtime + "/warm"
			if cold {
				name = k.runtime + "/cold"
			}
			b.Run(name, func(b *testing.B) {
				need(b, k.tool)
				s, _ := newService(b, nil)
				if _, err := s.Create(context.Background(), Spec{Name: "f", Runtime: k.runtime, Handler: k.handler}, k.zip(b)); err != nil {
					b.Fatal(err)
				}
				invoke(b, s, "f", `{"action":"echo"}`)
				var inits time.Duration
				b.ResetTimer()
				for range b.N {
					if cold {
						b.StopTimer()
						s.StopIdle("f")
						b.StartTimer()
					}
					res := invoke(b, s, "f", `{"action":"echo","text":"x"}`)
					if res.Error != nil || res.Cold != cold {
						b.Fatalf("cold=%v err=%v", res.Cold, res.Error)
					}
					inits += res.InitDuration
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/invoke")
				if cold {
					b.ReportMetric(float64(inits.Microseconds())/1000/float64(b.N), "init-ms")
				}
			})
		}
	}
}
