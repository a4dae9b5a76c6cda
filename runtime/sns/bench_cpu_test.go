package sns

import (
	"context"
	"fmt"
	"testing"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// BenchmarkPublishFilteredOut is BenchmarkPublishFanOut's topics and 1 000
// filtered subscriptions with messages that match none of them: nothing is
// committed, so what is measured is choosing the subscriptions (matching,
// locking), from 2 goroutines publishing.
func BenchmarkPublishFilteredOut(b *testing.B) {
	st, err := boltstore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	s, err := New(kernel.Env{Store: st, Account: acct, Region: region}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	arns := benchTopics(b, s)
	in := make([]PublishInput, 64)
	for i := range in {
		in[i] = PublishInput{TopicArn: arns[i%topics], Message: fmt.Sprintf(`{"order":%d}`, i),
			MessageAttributes: map[string]Attribute{"customer": {DataType: "String", StringValue: fmt.Sprintf("nobody-%d", i)}, "n": {DataType: "Number", StringValue: "42"}}}
	}
	b.ResetTimer()
	err = testsupport.Drive(int64(b.N), 2, 16, func(first, end int64) error {
		for i := first; i < end; i++ {
			if _, err := s.Publish(ctx, in[i%64]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
