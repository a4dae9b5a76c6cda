package lambda

import (
	"context"
	"errors"
	"github.com/patternc/patternc/runtime/kernel"
	"testing"

	"github.com/patternc/patternc/runtime/store/boltstore"
)

// FuzzInvoke: any payload is either accepted (and has a status) or
// rejected with a typed API error, never a panic.
func FuzzInvoke(f *testing.F) {
	for _, seed := range []string{`{"a":1}`, `{"a":`, `[1,2]`, `"x"`, `{} {}`, "\xff", ``, `1e999`, `{"a":"\ud800"}`} {
		f.Add([]byte(seed))
	}
	st, err := boltstore.Open(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	d, _ := New(kernel.Env{Store: st}, Options{PayloadLimit: 1 << 10})
	d.Register("f", func(ctx context.Context, p []byte) ([]byte, error) { return nil, nil }, FunctionOptions{})
	f.Fuzz(func(t *testing.T, payload []byte) {
		ctx := context.Background()
		id, err := d.Invoke(ctx, "f", payload)
		if err != nil {
			var apiErr *kernel.Error
			if !errors.As(err, &apiErr) || apiErr.HTTPStatus < 400 {
				t.Fatalf("untyped rejection: %v", err)
			}
			return
		}
		if st, err := d.Status(ctx, id); err != nil || st.Status != StatusQueued {
			t.Fatalf("accepted without a status: %+v %v", st, err)
		}
	})
}
