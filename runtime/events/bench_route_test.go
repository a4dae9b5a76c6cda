package events

import (
	"context"
	"fmt"
	"testing"

	"github.com/patternc/patternc/runtime/internal/testsupport"
)

// BenchmarkRoute measures routing alone (matching an event against a bus of
// 1 000 rules and building its deliveries, nothing committed) from 2
// goroutines, while a third changes rules now and then (each change holds
// the service lock across its store commit).
func BenchmarkRoute(b *testing.B) {
	env, _ := testsupport.Env(b, testsupport.Bolt(), "", "")
	s, err := New(env, Options{MaxRulesPerBus: 1000})
	if err != nil {
		b.Fatal(err)
	}
	s.RegisterHandler("arn:x:go:::h", func(context.Context, []byte) error { return nil })
	for i := range 1000 {
		mustRule(b, s, "", fmt.Sprintf("r%d", i), fmt.Sprintf(`{"source":["shop"],"detail":{"customer":["c%d"]}}`, i), Target{ID: "t", Arn: "arn:x:go:::h"})
	}
	events := make([][]byte, 64)
	for i := range events {
		events[i] = fmt.Appendf(nil, `{"version":"0","id":"%d","detail-type":"Order","source":"shop","account":"0","time":"t","region":"r","resources":[],"detail":{"customer":"c%d","total":%d}}`, i, i*7, i)
	}
	stop := make(chan struct{})
	changed := make(chan struct{})
	go func() {
		defer close(changed)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.PutRule(context.Background(), PutRuleInput{Name: "r0", EventPattern: fmt.Sprintf(`{"source":["shop"],"detail":{"customer":["c0","x%d"]}}`, i%2)}); err != nil {
				b.Error(err)
				return
			}
		}
	}()
	b.ResetTimer()
	err = testsupport.Drive(int64(b.N), 2, 16, func(first, end int64) error {
		for i := first; i < end; i++ {
			if _, err := s.plan("default", events[i%64], 0, nil, true); err != nil {
				return err
			}
		}
		return nil
	})
	b.StopTimer()
	close(stop)
	<-changed
	if err != nil {
		b.Fatal(err)
	}
}
