package tags

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/patternc/patternc/runtime/store/boltstore"
)

func TestTagUntagList(t *testing.T) {
	st, err := boltstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	tg := New(st)
	arn := "arn:aws:sns:us-east-1:000000000000:orders"
	if err := tg.Tag(ctx, arn, map[string]string{"team": "billing", "env": "dev"}); err != nil {
		t.Fatal(err)
	}
	if err := tg.Tag(ctx, arn, map[string]string{"env": "prod"}); err != nil {
		t.Fatal(err)
	}
	if err := tg.Untag(ctx, arn, []string{"team", "missing"}); err != nil {
		t.Fatal(err)
	}
	got, err := tg.List(ctx, arn)
	if err != nil || len(got) != 1 || got["env"] != "prod" {
		t.Fatalf("List = %v, %v; want env=prod only", got, err)
	}
	many := map[string]string{}
	for i := 0; i < MaxTags; i++ {
		many[fmt.Sprint("k", i)] = "v"
	}
	if err := tg.Tag(ctx, arn, many); !errors.Is(err, ErrTooMany) {
		t.Fatalf("51 tags: err %v, want ErrTooMany", err)
	}
	if err := tg.Tag(ctx, arn, map[string]string{"": "v"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty key: err %v, want ErrInvalid", err)
	}
	if err := tg.Drop(ctx, arn); err != nil {
		t.Fatal(err)
	}
	if got, _ := tg.List(ctx, arn); len(got) != 0 {
		t.Fatalf("after Drop: %v", got)
	}
}
