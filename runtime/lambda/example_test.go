package lambda_test

import (
	"context"
	"fmt"
	"github.com/patternc/patternc/runtime/kernel"
	"os"
	"time"

	"github.com/patternc/patternc/runtime/lambda"
	"github.com/patternc/patternc/runtime/store/boltstore"
)

// Invoke returns at once; the handler runs on the dispatcher's workers and
// the status document follows the invocation.
func Example() {
	dir, _ := os.MkdirTemp("", "patternc-example-*")
	defer os.RemoveAll(dir)
	st, err := boltstore.Open(dir)
	if err != nil {
		panic(err)
	}
	defer st.Close()
	d, err := lambda.New(kernel.Env{Store: st}, lambda.Options{})
	if err != nil {
		panic(err)
	}
	d.Register("greet", func(ctx context.Context, payload []byte) ([]byte, error) {
		return []byte(`{"greeting":"hello"}`), nil
	}, lambda.FunctionOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Run(ctx)

	id, err := d.Invoke(ctx, "greet", []byte(`{"name":"Ana"}`))
	if err != nil {
		panic(err)
	}
	for {
		s, _ := d.Status(ctx, id)
		if s != nil && s.Status == lambda.StatusSucceeded {
			fmt.Println(s.Status, s.Attempts, string(s.Result))
			return
		}
		time.Sleep(time.Millisecond)
	}
	// Output: succeeded 1 {"greeting":"hello"}
}
