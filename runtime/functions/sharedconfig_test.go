package functions

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patternc/patternc/runtime/internal/testsupport"
	"github.com/patternc/patternc/runtime/kernel"
	"github.com/patternc/patternc/runtime/lambda"
)

// TestSharedInvokeConfigBeforeItsDestination: an invoke config that
// another instance wrote, naming a destination this instance cannot
// resolve yet (the queue's own record not mirrored here yet: the two
// travel separately), is applied once it can. The function's record is
// installed at the first attempt; the retry must still apply the config,
// which it once skipped as a record already seen, leaving the instance
// without the config until the function's next write
// (TestSharedAcrossInstances timed out on "bad's config on B" so).
func TestSharedInvokeConfigBeforeItsDestination(t *testing.T) {
	const dest = "arn:aws:sqs:us-east-1:123456789012:failures"
	cl := testsupport.StartCluster(t, 3)
	e := testsupport.SharedEngine(cl, "fn-shared-config")
	open := func(knows func() bool) (*Service, *lambda.Dispatcher) {
		t.Helper()
		st := e.Open(t, "")
		t.Cleanup(func() { st.Close() })
		env := kernel.Env{Store: st, Region: "us-east-1", Account: "123456789012", Logger: testsupport.Discard,
			Resolver: kernel.ResolverFunc(func(arn string) (kernel.Sink, error) {
				if arn == dest && knows() {
					return &testsupport.Recorder{}, nil
				}
				return nil, kernel.ErrNoResource
			})}
		d, err := lambda.New(env, lambda.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(env, Options{Dir: t.TempDir(), Dispatcher: d})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		testsupport.Serve(t, s.Run)
		return s, d
	}
	var bKnows atomic.Bool
	a, _ := open(func() bool { return true })
	b, db := open(bKnows.Load)
	ctx := context.Background()
	code := makeZip(t, zipFile{name: "handler.py", body: "def handler(event, context):\n    return event\n"})
	if _, err := a.Create(ctx, Spec{Name: "bad", Runtime: "python3.12", Handler: "handler.handler", Timeout: 30, Role: "arn:aws:iam::123456789012:role/r"}, code); err != nil {
		t.Fatal(err)
	}
	testsupport.Within(t, time.Minute, "bad on B", func() bool { _, err := b.Get("bad"); return err == nil })
	one := 1
	if err := a.PutEventInvokeConfig(ctx, "bad", lambda.EventInvokeConfig{MaximumRetryAttempts: &one, OnFailure: dest}); err != nil {
		t.Fatal(err)
	}
	// B takes the record, and fails to apply its config: the queue is
	// unknown there. Then it learns the queue.
	time.Sleep(300 * time.Millisecond)
	if _, err := db.GetEventInvokeConfig("bad"); err == nil {
		t.Fatal("B applied a config whose destination it cannot resolve")
	}
	bKnows.Store(true)
	testsupport.Within(t, 20*time.Second, "bad's config on B", func() bool {
		c, err := db.GetEventInvokeConfig("bad")
		return err == nil && c.OnFailure == dest && c.MaximumRetryAttempts != nil && *c.MaximumRetryAttempts == 1
	})
}
